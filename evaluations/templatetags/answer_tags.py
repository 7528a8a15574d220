"""Display helpers for answers (formatting only; no queries, no rules)."""

from django import template

from evaluations.numbers import plain

register = template.Library()


@register.filter
def value_of(answer, which="unit"):
    """One value set of an answer as a person reads it: the letter, or the number the Indonesian
    way (3,62; a count 1.234); "—" when there is none — also when the answer row does not exist yet."""
    if answer is None:
        return "—"
    option, number = getattr(answer, f"{which}_option", ""), getattr(answer, f"{which}_number", None)
    return option or (plain(number) if number is not None else "—")
