"""How a person is named in the app, in history lines and in form labels alike."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from .models import Membership


def display_name(user, empty: str = "") -> str:
    """A user's full name, else the username; ``empty`` (default "sistem") when there is no user."""
    if user is None:
        return empty or _("sistem")
    return user.get_full_name() or user.get_username()


def unit_staff(unit) -> list:
    """The unit's active operators and kepala, by name: who may own a document or lead an action."""
    ids = Membership.objects.filter(unit=unit, role__in=[Membership.Role.OPERATOR, Membership.Role.KEPALA]
                                    ).values("user_id")
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("first_name", "username"))
