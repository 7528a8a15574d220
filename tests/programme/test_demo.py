"""The programme's demo data (``make run``): one unit visibly building its zone, dated as it happened."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from programme.models import Action, MonitoringNote, Pencanangan, ProgrammeEvent, QuarterReport, quarter_end
from units.models import Unit

pytestmark = pytest.mark.django_db


def test_the_demo_rsud_declared_planned_and_reported_its_quarters_and_a_rerun_adds_nothing(client):
    call_command("seed_demo", verbosity=0)
    rsud = Unit.objects.get(name="RSUD Sukamaju")
    today = timezone.localdate()
    ended = [q for q in (1, 2, 3, 4) if quarter_end(today.year, q) < today]
    assert Pencanangan.objects.get(unit=rsud).date.year == 2022
    actions = Action.objects.filter(unit=rsud, year=today.year)
    assert sorted(actions.values_list("area_code", flat=True)) == ["I", "II", "III", "IV", "V", "VI"]
    assert all(a.indicators.get().part.area.code == a.area_code for a in actions)  # each aimed at its own area
    reports = QuarterReport.objects.filter(unit=rsud, year=today.year).order_by("quarter")
    assert [r.quarter for r in reports] == ended
    assert [bool(r.signed_off_at) for r in reports] == [q != ended[-1] for q in ended]
    assert not any(r.signed_late for r in reports if r.signed_off_at)  # signed within their deadline
    # The history reads in the order things happened, not all at the moment the demo was made.
    history = list(ProgrammeEvent.objects.filter(unit=rsud).order_by("created_at", "pk"))
    assert history[0].summary == "Pencanangan dicatat" and history[0].created_at.year == 2022
    assert "terlambat" not in " ".join(e.new_value for e in history if "disahkan" in e.summary)
    if ended:
        assert MonitoringNote.objects.filter(unit=rsud).exclude(reply="").count() == 1
    counts = (Action.objects.count(), QuarterReport.objects.count(), ProgrammeEvent.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Action.objects.count(), QuarterReport.objects.count(), ProgrammeEvent.objects.count()) == counts
    client.force_login(rsud.memberships.get(role="kepala").user)
    page = client.get(reverse("programme:unit", args=[rsud.pk])).content.decode()
    assert "Menyusun roadmap WBBM" in page and "14 Februari 2022" in page
