"""The national instruments (``fixtures/instruments.json``) and an instansi's adapted versions."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from .models import Aspect, Instrument, Item

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "instruments.json"


def load_national(Instrument, Aspect, Item) -> int:  # noqa: N803 (the model classes, historical or current)
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


def adapt(*, user, instansi, base, title: str, intro: str, scale_min: int, scale_max: int, items: list[dict]):
    """A new version of ``base`` for ``instansi``: its own wording, items added or left out, maybe
    another scale. ``items``: [{"aspect": code, "aspect_name": name, "code", "text", "labels"}] in
    order. Surveys already opened keep the version they were opened with; new ones take this one."""
    with transaction.atomic():
        type(instansi).objects.select_for_update().filter(pk=instansi.pk).first()  # one adaptation at a time
        latest = Instrument.objects.filter(kind=base.kind, instansi=instansi).order_by("-version").first()
        instrument = Instrument.objects.create(
            kind=base.kind, instansi=instansi, version=(latest.version + 1) if latest else 1, title=title,
            intro=intro, source=base.source, scale_min=scale_min, scale_max=scale_max, based_on=base,
            created_by=user)
        aspects = {}
        for order, spec in enumerate(items, start=1):
            if spec["aspect"] not in aspects:
                aspects[spec["aspect"]] = Aspect.objects.create(instrument=instrument, code=spec["aspect"],
                                                                name=spec["aspect_name"], order=len(aspects) + 1)
            Item.objects.create(instrument=instrument, aspect=aspects[spec["aspect"]], code=spec["code"],
                                text=spec["text"], labels=spec["labels"], order=order)
    return instrument


def refill() -> int:
    """After a restore: the national instruments, when the backup was older than them."""
    return load_national(Instrument, Aspect, Item)
