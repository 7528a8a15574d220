from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def person(user, empty=""):
    """A user's full name, else the username; ``empty`` (default "sistem") when there is no user."""
    if user is None:
        return empty or _("sistem")
    return user.get_full_name() or user.get_username()


@register.filter
def minutes(value):
    """A timedelta as whole minutes, rounded up (a lockout of 14 min 30 s is "15")."""
    seconds = int(value.total_seconds()) if value else 0
    return -(-seconds // 60)
