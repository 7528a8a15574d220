"""Facts other apps know about a unit that a proposal prerequisite may rest on — e.g. the programme
app's pencanangan date for "membangun ZI ≥ 1 tahun". The prerequisite page offers them to whoever
records the prerequisite (the TPI or an admin still checks and saves it; nothing is recorded by
itself). Newer apps register a source in their AppConfig.ready; evaluations imports none of them."""

from __future__ import annotations

from collections.abc import Callable

# each: unit -> {prerequisite key: (value as the prerequisite stores it, where it comes from)}
SOURCES: list[Callable] = []


def suggested(unit) -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for source in SOURCES:
        for key, value in source(unit).items():
            found.setdefault(key, value)
    return found
