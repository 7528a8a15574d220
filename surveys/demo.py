"""The surveys' part of the demo data (``make run``): Dinas Kependudukan's survey of the open round
is running — three weeks in, 42 responses over three of its four services (one still has none, as
the results page warns), a few flagged for an admin to decide — and one-time codes printed."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from evaluations.models import Round

from . import selectors, services
from .models import SurveyPeriod

UNIT = "Dinas Kependudukan dan Pencatatan Sipil"
SERVICES = ["KTP-el", "Kartu Keluarga", "Akta Kelahiran", "Surat Pindah"]


def seed(builder, instansi, units) -> None:
    unit = units[UNIT]
    round_ = Round.objects.filter(instansi=instansi, status=Round.Status.OPEN).order_by("-year").first()
    if round_ is None or SurveyPeriod.objects.filter(unit=unit, round=round_).exists():
        return
    today = timezone.localdate()
    operator = builder.users["operator"]
    period = services.period_create(user=operator, unit=unit, round_=round_, opens_on=today - timedelta(days=21),
                                    closes_on=today + timedelta(days=14), services=SERVICES)
    period = services.period_open(user=operator, period=period)
    services.codes_generate(user=operator, period=period, count=50)
    rng = random.Random("survei-demo")
    offered = list(period.services.all())[:3]
    items = selectors.item_ranges(period)
    for i in range(42):
        day = today - timedelta(days=20 - i * 20 // 42)
        moment = timezone.make_aware(datetime.combine(day, time(8 + i % 7, (i * 13) % 60)))
        values = {pk: rng.choices([2, 3, 4], weights=[1, 5, 4])[0] for pk in items}
        services.response_submit(period=period, service=offered[i % 3], values=values, client_ip=f"10.20.{i}.7",
                                 device=f"demo-{i}", seconds=15 if i in (7, 30) else 95 + i, now=moment)
