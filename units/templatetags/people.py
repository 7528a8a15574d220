from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def person(user, empty=""):
    """A user's full name, else the username; ``empty`` (default "sistem") when there is no user."""
    if user is None:
        return empty or _("sistem")
    return user.get_full_name() or user.get_username()
