"""How a person is named in the app, in history lines and in form labels alike."""

from django.utils.translation import gettext as _


def display_name(user, empty: str = "") -> str:
    """A user's full name, else the username; ``empty`` (default "sistem") when there is no user."""
    if user is None:
        return empty or _("sistem")
    return user.get_full_name() or user.get_username()
