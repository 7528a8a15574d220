from django import template

from units.people import display_name

register = template.Library()


@register.filter
def person(user, empty=""):
    """``units.people.display_name`` for templates."""
    return display_name(user, empty)


@register.filter
def minutes(value):
    """A timedelta as whole minutes, rounded up (a lockout of 14 min 30 s is "15")."""
    seconds = int(value.total_seconds()) if value else 0
    return -(-seconds // 60)
