"""A template version's spec, readiness rules and prerequisite definitions, read once per process.

Every page about a worksheet, every save and every rescore judges answers against the whole LKE
template (≈140 questions under 5 levels), its readiness rules and its prerequisite definitions.
Reading them is four queries and a few hundred model instances — on a save, more than half of the
work. They change rarely (``load_lke``, an admin in Django's admin), so each process keeps the
frozen dataclasses built from them, keyed by the version and its ``spec_stamp``: a random value
that every change to those rows replaces (signals below, in the change's own transaction). A page
reads the stamp (one indexed row) and builds the spec only when it has not seen that stamp yet,
so a change made through any server is seen by every other server on its next request — nothing
lives only in one process but a copy that is checked against the database every time.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict

from django.db import connections, router
from django.db.models.signals import post_delete, post_save

from .models import (
    Area,
    Component,
    Indicator,
    Part,
    PrerequisiteDefinition,
    Question,
    ReadinessRule,
    TemplateVersion,
)

KEEP = 16  # versions kept per process (an installation has one or two in use at a time)

_lock = threading.Lock()
_entries: OrderedDict = OrderedDict()


def stamp(version_id: int):
    return TemplateVersion.objects.filter(pk=version_id).values_list("spec_stamp", flat=True).first()


def get(version_id: int, build):
    """``build(version_id)`` once per (database, version, stamp); the value is shared by every
    thread, so it is immutable or a cache of pure results (scoring.score's memo)."""
    alias = router.db_for_read(TemplateVersion)
    key = (connections[alias].settings_dict["NAME"], version_id, stamp(version_id))
    with _lock:
        if key in _entries:
            _entries.move_to_end(key)
            return _entries[key]
    value = build(version_id)
    with _lock:
        _entries[key] = value
        while len(_entries) > KEEP:
            _entries.popitem(last=False)
    return value


def clear() -> None:
    with _lock:
        _entries.clear()


def touch(version_id: int | None) -> None:
    """The version's spec, rules or prerequisites changed: every process rebuilds them."""
    if version_id is not None:
        TemplateVersion.objects.filter(pk=version_id).update(spec_stamp=uuid.uuid4())


def _version_of(instance) -> int | None:
    if isinstance(instance, Component):
        return instance.version_id
    if isinstance(instance, Area):
        return Component.objects.filter(pk=instance.component_id).values_list("version_id", flat=True).first()
    if isinstance(instance, Part):
        return Component.objects.filter(areas__pk=instance.area_id).values_list("version_id", flat=True).first()
    if isinstance(instance, Indicator):
        return Component.objects.filter(areas__parts__pk=instance.part_id).values_list("version_id", flat=True).first()
    return instance.version_id  # Question, ReadinessRule, PrerequisiteDefinition


def _changed(sender, instance, raw=False, **kwargs):
    if not raw:  # loaddata: the stamp comes with the data
        touch(_version_of(instance))


def connect() -> None:
    for model in (Component, Area, Part, Indicator, Question, ReadinessRule, PrerequisiteDefinition):
        post_save.connect(_changed, sender=model, dispatch_uid=f"spec-stamp-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"spec-stamp-delete-{model.__name__}")
