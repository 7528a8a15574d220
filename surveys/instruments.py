"""The national instruments (``fixtures/instruments.json``) and an instansi's adapted versions."""

from __future__ import annotations

import json
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "instruments.json"


def load_national(Instrument, Aspect, Item) -> int:
    """Create the national instruments that are not there yet (by kind and version); returns how
    many. Takes the model classes so a migration can pass its historical ones."""
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    created = 0
    for spec in data["instruments"]:
        if Instrument.objects.filter(kind=spec["kind"], instansi__isnull=True, version=spec["version"]).exists():
            continue
        instrument = Instrument.objects.create(kind=spec["kind"], version=spec["version"], title=spec["title"],
                                               intro=spec.get("intro", ""), source=spec.get("source", ""))
        order = 0
        for a_order, a in enumerate(spec["aspects"], start=1):
            aspect = Aspect.objects.create(instrument=instrument, code=a["code"], name=a["name"], order=a_order)
            for item in a["items"]:
                order += 1
                Item.objects.create(instrument=instrument, aspect=aspect, code=item["code"], text=item["text"],
                                    labels=item["labels"], order=order)
        created += 1
    return created
