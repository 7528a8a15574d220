"""Round dashboard, summary, scorecard and hasil input: what admins, TPI and units see."""

import io
from decimal import Decimal

import pytest
from django.db import models
from django.urls import reverse
from openpyxl import load_workbook

from evaluations import score_store, selectors
from evaluations.models import Answer, Kawasan, PrerequisiteDefinition, PrerequisiteRecord, Question, Round, Worksheet
from evaluations.views.dashboard import HASIL_PER_PAGE
from tests import factories as f
from units.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_with_units(instansi, round_open, reviewer):
    """Six units: two complete (Siap WBK), one complete but for IPAK (short by IPAK), three empty."""
    sheets = {}
    for i, (name, kind, answers) in enumerate([
        ("Dinas Alfa", "dinas", "best"), ("RSUD Beta", "rsud", "best"), ("Kecamatan Gama", "kecamatan", "best"),
        ("Dinas Delta", "dinas", "none"), ("Badan Epsilon", "badan", "none"), ("UPT Zeta", "upt", "none"),
    ]):
        sheets[name] = f.worksheet(round_open, f.unit(instansi, name, kind=kind), answers=answers,
                                   reviewers=[reviewer] if i % 2 == 0 else [])
    gama = sheets["Kecamatan Gama"]
    Answer.objects.filter(worksheet=gama, question__key="H-I.hasil.i.a").update(unit_number=Decimal("3.5"))
    score_store.refresh([gama.pk])
    return sheets


def dash(client, round_, **params):
    return client.get(reverse("evaluations:round_detail", args=[round_.pk]), params).content.decode()


def rows_of(page):
    return [chunk.split("<")[0] for chunk in page.split('data-testid="scorecard-link">')[1:]]


def test_dashboard_lists_units_with_totals_verdicts_and_gaps(admin_client_zi, round_open, round_with_units):
    page = dash(admin_client_zi, round_open)
    assert rows_of(page) == ["Badan Epsilon", "Dinas Alfa", "Dinas Delta", "Kecamatan Gama", "RSUD Beta", "UPT Zeta"]
    assert "Siap WBK" in page and "100,00" in page
    # Gama: IPAK 3.5 / 4 × 17.5 = 15.3125 → 15,31; 0,44 short of 15,75.
    assert "Nilai Survei Persepsi Anti Korupsi (Survei Eksternal): 15,31 — kurang 0,44 dari minimum 15,75" in page


def test_each_row_says_which_predicate_its_gaps_lead_to_and_how_many_are_not_shown(admin_client_zi, round_open,
                                                                                  round_with_units):
    page = dash(admin_client_zi, round_open, q="Delta")
    gaps = page.split('data-testid="gaps">', 1)[1].split("</ul>", 1)[0]
    assert gaps.startswith('<li class="fw-semibold">Menuju WBK:</li>')
    stored = Worksheet.objects.get(pk=round_with_units["Dinas Delta"].pk).scores.get(value_set="unit").gaps
    assert len(stored) > 2 and f"+{len(stored) - 2} lainnya" in gaps  # nothing silently left out


def test_filters_search_and_sort_happen_in_the_query(admin_client_zi, round_open, round_with_units):
    assert rows_of(dash(admin_client_zi, round_open, kesiapan="wbk")) == ["Dinas Alfa", "RSUD Beta"]
    assert rows_of(dash(admin_client_zi, round_open, kesiapan="belum", kind="dinas")) == ["Dinas Delta"]
    assert rows_of(dash(admin_client_zi, round_open, q="zeta")) == ["UPT Zeta"]
    Worksheet.objects.filter(pk=round_with_units["UPT Zeta"].pk).update(status="submitted")
    assert rows_of(dash(admin_client_zi, round_open, status="submitted")) == ["UPT Zeta"]
    by_total = rows_of(dash(admin_client_zi, round_open, sort="unit_total", dir="desc"))
    assert by_total[:3] == ["Dinas Alfa", "RSUD Beta", "Kecamatan Gama"]
    assert rows_of(dash(admin_client_zi, round_open, sort="readiness"))[:2] == ["Dinas Alfa", "RSUD Beta"]


def test_dashboard_query_count_is_fixed_whatever_the_number_of_units(admin_client_zi, instansi, round_open,
                                                                     round_with_units, django_assert_num_queries):
    url = reverse("evaluations:round_detail", args=[round_open.pk])
    admin_client_zi.get(url)
    # savepoint, session, user, memberships, round, prerequisite definitions and the instansi's records,
    # count, page rows, verdict counts by the units' values and by the TPI's, ready to propose, status
    # counts, the round's history and its latest "start from last year" request (admins), release.
    with django_assert_num_queries(17):
        filtered = admin_client_zi.get(url, {"kesiapan": "belum", "sort": "tpi_total"})
    assert filtered.status_code == 200 and 'data-testid="row"' in filtered.content.decode()
    for i in range(8):
        f.worksheet(round_open, f.unit(instansi, f"Unit Tambahan {i}"), answers="best" if i % 2 else "none")
    with django_assert_num_queries(17):
        page = admin_client_zi.get(url).content.decode()
    assert page.count('data-testid="row"') == 14


def test_tpi_sees_assigned_units_and_unit_staff_only_their_own(client, reviewer, round_open, round_with_units,
                                                               instansi):
    client.force_login(reviewer)
    assert rows_of(dash(client, round_open)) == ["Badan Epsilon", "Dinas Alfa", "Kecamatan Gama"]
    alfa = round_with_units["Dinas Alfa"]
    operator = f.member(instansi, Membership.Role.OPERATOR, alfa.unit, "op.alfa")
    Answer.objects.filter(worksheet=alfa).update(tpi_option="", tpi_number=None)
    Answer.objects.filter(worksheet=alfa, question__key="I.pemenuhan.i.a").update(tpi_option="Tidak")
    Worksheet.objects.filter(pk=alfa.pk).update(status="in_review")
    score_store.refresh([alfa.pk])
    client.force_login(operator)
    page = dash(client, round_open)
    assert rows_of(page) == ["Dinas Alfa"]
    assert "Nilai TPI tampil setelah TPI memutuskan" in page
    assert page.split('data-testid="row"')[1].count('data-label="Nilai TPI">—<') == 1  # the TPI total column
    client.force_login(reviewer)
    assert "Belum memenuhi" in dash(client, round_open, q="alfa")  # the TPI's values count for the TPI


def test_summary_counts_distribution_weakest_areas_and_kawasan(admin_client_zi, instansi, round_open,
                                                               round_with_units):
    k = Kawasan.objects.create(instansi=instansi, name="Kawasan Uji")
    k.units.add(round_with_units["Dinas Alfa"].unit, round_with_units["RSUD Beta"].unit)
    k2 = Kawasan.objects.create(instansi=instansi, name="Kawasan Belum")
    k2.units.add(round_with_units["Dinas Alfa"].unit, round_with_units["UPT Zeta"].unit)
    page = admin_client_zi.get(reverse("evaluations:round_summary", args=[round_open.pk])).content.decode()
    assert 'data-testid="no-averages"' in page  # nothing handed in yet: no misleading zeros
    Worksheet.objects.filter(pk__in=[round_with_units["Dinas Alfa"].pk, round_with_units["Dinas Delta"].pk]).update(
        status="submitted")
    page = admin_client_zi.get(reverse("evaluations:round_summary", args=[round_open.pk])).content.decode()
    assert 'data-testid="chart-distribution"' in page and 'data-testid="chart-areas"' in page and "<svg" in page
    assert "<td>90–100</td><td class=\"num\">3</td>" in page and "<td>0–9</td><td class=\"num\">3</td>" in page
    kawasan = page.split('data-testid="kawasan"')[1]
    assert kawasan.index("Kawasan Belum") < kawasan.index("Kawasan Uji")
    assert "UPT Zeta" in kawasan.split("Kawasan Uji")[0]
    # Ready on the units' own values, not yet approved by the TPI: said so, not "siap".
    assert "Siap, menunggu persetujuan TPI" in kawasan.split("Kawasan Uji")[1]
    Worksheet.objects.filter(pk__in=[round_with_units["Dinas Alfa"].pk, round_with_units["RSUD Beta"].pk]).update(
        status="approved")
    page = admin_client_zi.get(reverse("evaluations:round_summary", args=[round_open.pk])).content.decode()
    assert "Kawasan siap" in page.split('data-testid="kawasan"')[1].split("Kawasan Uji")[1]
    areas = page.split('data-testid="area-averages"')[1].split("</table>")[0]
    # Handed in by now: Alfa and Beta (full marks everywhere) and Delta (nothing) → every area 66,67%.
    assert areas.count("66,67%") == 8 and "100,00%" not in areas


def test_summary_query_count_is_fixed(admin_client_zi, instansi, round_open, round_with_units,
                                      django_assert_num_queries):
    # session, user, memberships, round, instansi prerequisites (definitions' stamp, records), the
    # counts in one grouped query, area averages, area names, kawasan (none: nothing more), savepoints
    url = reverse("evaluations:round_summary", args=[round_open.pk])
    admin_client_zi.get(url)
    with django_assert_num_queries(12):
        page = admin_client_zi.get(url).content.decode()
    assert 'data-testid="summary-readiness-wbk"' in page
    for i in range(5):
        f.worksheet(round_open, f.unit(instansi, f"Unit Tambahan {i}"))
    with django_assert_num_queries(12):
        page = admin_client_zi.get(url).content.decode()
    assert page.count('data-testid="summary-readiness-') == 3


def test_scorecard_has_charts_a_table_alternative_gaps_and_trend(admin_client_zi, instansi, round_open,
                                                                 round_with_units):
    gama = round_with_units["Kecamatan Gama"]
    f.worksheet(f.round_(instansi, year=2025, status=Round.Status.CLOSED, name="Evaluasi ZI 2025"), gama.unit)
    page = admin_client_zi.get(reverse("evaluations:worksheet_scorecard", args=[gama.pk])).content.decode()
    for chart in ("scores", "parts", "trend"):
        assert f'data-testid="chart-{chart}"' in page
    assert 'data-testid="chart-table"' in page and "Evaluasi ZI 2025" in page
    gaps = page.split('data-testid="gap-list"')[1]
    assert "Nilai Survei Persepsi Anti Korupsi" in gaps and "2,19" in gaps  # 17.5 − 15.3125


def test_admin_enters_hasil_for_a_unit_still_filling_in(admin_client_zi, admin_user, round_open, round_with_units):
    delta = round_with_units["Dinas Delta"]
    url = reverse("evaluations:round_hasil", args=[round_open.pk])
    qs = {q.key: q for q in Question.objects.filter(key__in=["H-I.hasil.i.a", "H-I.hasil.ii.a", "H-II.hasil.i.a"])}
    data = {"worksheet": delta.pk}
    for key, value in {"H-I.hasil.i.a": "3,65", "H-I.hasil.ii.a": "B", "H-II.hasil.i.a": "3,3"}.items():
        prefix = f"{delta.pk}-{qs[key].pk}"
        data[f"{prefix}-revision"] = 0
        data[f"{prefix}-{'option' if key == 'H-I.hasil.ii.a' else 'number'}"] = value
    bad = {**data, f"{delta.pk}-{qs['H-I.hasil.i.a'].pk}-number": "4,5"}
    page = admin_client_zi.post(url, bad, follow=True).content.decode()
    assert "belum disimpan" in page and "Nilai survei paling besar 4." in page and 'value="4,5"' in page
    assert not Answer.objects.filter(worksheet=delta, question__key="H-I.hasil.i.a").exclude(unit_number=None).exists()
    admin_client_zi.post(url, data)
    a = Answer.objects.get(worksheet=delta, question__key="H-I.hasil.i.a")
    assert a.unit_number == Decimal("3.65") and a.updated_by == admin_user
    assert delta.events.filter(actor=admin_user, field="unit_value").count() == 3
    # IPAK 3.65 / 4 × 17.5 = 15.96875; capaian B = 0.75 × 5 = 3.75; IPKP 3.3 / 4 × 17.5 = 14.4375 → 34.16,
    # on the dashboard at once.
    assert delta.scores.get(value_set="unit").hasil == Decimal("34.16")
    assert "34,16" in dash(admin_client_zi, round_open, q="delta")


def test_hasil_page_filters_searches_pages_and_keeps_its_place_after_saving(admin_client_zi, instansi, round_open,
                                                                             round_with_units,
                                                                             django_assert_max_num_queries):
    for i in range(HASIL_PER_PAGE):
        f.worksheet(round_open, f.unit(instansi, f"Puskesmas {i:03d}"), status="submitted")
    url = reverse("evaluations:round_hasil", args=[round_open.pk])
    admin_client_zi.get(url)
    with django_assert_max_num_queries(16):  # the same for 50 rows as for 5: no query per row
        first = admin_client_zi.get(url).content.decode()
    assert first.count('<tr id="ws-') == HASIL_PER_PAGE
    assert "Halaman 1 dari 2" in first
    drafts = admin_client_zi.get(url, {"status": "submitted"}).content.decode()
    assert "Puskesmas 000" in drafts and "Dinas Delta" not in drafts
    found = admin_client_zi.get(url, {"q": "delta"}).content.decode()
    assert "Dinas Delta" in found and "Dinas Alfa" not in found
    delta = round_with_units["Dinas Delta"]
    q = Question.objects.get(key="H-I.hasil.i.a")
    data = {"worksheet": delta.pk, f"{delta.pk}-{q.pk}-revision": 0, f"{delta.pk}-{q.pk}-number": "3,5"}
    for other in Question.objects.filter(key__in=["H-I.hasil.ii.a", "H-II.hasil.i.a"]):
        data[f"{delta.pk}-{other.pk}-revision"] = 0
    response = admin_client_zi.post(url + "?status=draft&q=delta", data)
    assert response["Location"] == f"{url}?status=draft&q=delta#ws-{delta.pk}"  # back where the admin was
    row = admin_client_zi.get(url, {"status": "draft", "q": "delta"}).content.decode()
    assert 'data-testid="hasil-saved"' in row.split(f'id="ws-{delta.pk}"', 1)[1].split("</tr>", 1)[0]


def test_kawasan_are_judged_only_by_whoever_sees_all_their_units(client, reviewer, instansi, round_open,
                                                                 round_with_units):
    k = Kawasan.objects.create(instansi=instansi, name="Kawasan Rahasia")
    k.units.add(round_with_units["RSUD Beta"].unit, round_with_units["Dinas Alfa"].unit)
    client.force_login(reviewer)  # assigned to some units only
    page = client.get(reverse("evaluations:round_summary", args=[round_open.pk])).content.decode()
    assert 'data-testid="summary-status"' in page  # the summary itself is there…
    assert "Kawasan Rahasia" not in page and "RSUD Beta" not in page  # …without the kawasan
    admin = f.member(instansi, "admin", None, "admin.kawasan")
    client.force_login(admin)
    assert "Kawasan Rahasia" in client.get(reverse("evaluations:round_summary", args=[round_open.pk])).content.decode()


def test_sorting_by_status_follows_the_workflow(admin_client_zi, instansi, round_open):
    for name, status in [("A Disetujui", "approved"), ("B Pengisian", "draft"), ("C Diajukan", "submitted"),
                         ("D Dikembalikan", "returned"), ("E Direviu", "in_review")]:
        f.worksheet(round_open, f.unit(instansi, name), status=status)
    assert rows_of(dash(admin_client_zi, round_open, sort="status")) == [
        "B Pengisian", "C Diajukan", "E Direviu", "D Dikembalikan", "A Disetujui"]


# --------------------------------------------------------------------------- honest counts


def _approve_with_tpi_values(ws, reviewer, **tpi_numbers):
    """Approved by the TPI, whose values start as the unit's, some changed (key=number)."""
    Answer.objects.filter(worksheet=ws).update(tpi_option=models.F("unit_option"), tpi_number=models.F("unit_number"))
    for key, number in tpi_numbers.items():
        Answer.objects.filter(worksheet=ws, question__key=key.replace("__", ".").replace("_", "-")).update(
            tpi_number=Decimal(number))
    Worksheet.objects.filter(pk=ws.pk).update(status="approved")
    score_store.refresh([ws.pk])


def _record_all_prerequisites(ws, round_, user):
    values = {"opini-bpk": "WTP", "sakip-instansi": "BB", "indeks-rb": "B", "maturitas-spip": "3",
              "layanan-inti": "ya", "dampak-persepsi": "ya", "tindak-lanjut": "100", "kepatuhan-lhk": "100",
              "membangun-wbk": "2024-01-02", "sakip-unit": "BB"}
    for d in PrerequisiteDefinition.objects.filter(version=round_.version, key__in=values):
        scope = {"round": round_} if d.level == "instansi" else {"worksheet": ws}
        if not PrerequisiteRecord.objects.filter(definition=d, **scope).exists():
            PrerequisiteRecord.objects.create(definition=d, value=values[d.key], recorded_by=user, **scope)
    score_store.refresh([ws.pk])


def test_readiness_is_counted_apart_by_the_tpis_values_and_the_units_own(admin_client_zi, admin_user, reviewer,
                                                                        round_open, round_with_units):
    """Self-assessment: Alfa and Beta pass WBK (Gama is short on IPAK). The TPI approved Alfa as it
    is and Beta with IPAK lowered to 3,0 (short); Gama is approved as short. So: ready for WBK by the
    TPI 1, by self-assessment 2 — never one mixed number. Only Alfa, with its prerequisites recorded,
    is ready to propose."""
    _approve_with_tpi_values(round_with_units["Dinas Alfa"], reviewer)
    _approve_with_tpi_values(round_with_units["RSUD Beta"], reviewer, H_I__hasil__i__a="3")
    _approve_with_tpi_values(round_with_units["Kecamatan Gama"], reviewer)
    page = dash(admin_client_zi, round_open)

    def count(testid):
        return int(page.split(f'data-testid="{testid}">')[1].split("<strong class=\"fs-5\">")[1].split("<")[0])

    assert (count("count-wbk-tpi"), count("count-wbk-unit")) == (1, 2)
    assert (count("count-belum-tpi"), count("count-belum-unit")) == (2, 4)
    assert "(3 dari 6)" in page  # the TPI count rests on the 3 approved worksheets
    ready = page.split('data-testid="count-ready"')[1].split('<div class="fs-4">')[1].split("<")[0]
    assert ready == "0"  # nobody's prerequisites are recorded yet
    _record_all_prerequisites(round_with_units["Dinas Alfa"], round_open, admin_user)
    page = dash(admin_client_zi, round_open)
    assert page.split('data-testid="count-ready"')[1].split('<div class="fs-4">')[1].split("<")[0] == "1"
    assert rows_of(dash(admin_client_zi, round_open, kesiapan="usul")) == ["Dinas Alfa"]
    assert rows_of(dash(admin_client_zi, round_open, kesiapan="wbk", dasar="tpi")) == ["Dinas Alfa"]
    assert rows_of(dash(admin_client_zi, round_open, kesiapan="wbk", dasar="unit")) == ["Dinas Alfa", "RSUD Beta"]
    # Every row says whose values its badge rests on.
    beta = dash(admin_client_zi, round_open, q="Beta")
    assert 'data-testid="row-basis">nilai TPI (disetujui)' in beta
    delta = dash(admin_client_zi, round_open, q="Delta")
    assert 'data-testid="row-basis">penilaian mandiri unit' in delta
    # The summary page and the recap count the same way.
    summary = admin_client_zi.get(reverse("evaluations:round_summary", args=[round_open.pk])).content.decode()
    wbk_row = summary.split('data-testid="summary-readiness-wbk"')[1].split("</tr>")[0]
    assert '<td class="num">1</td><td class="num">2</td>' in wbk_row
    assert '<td class="num">1</td>' in summary.split('data-testid="summary-ready"')[1].split("</tr>")[0]

    book = load_workbook(io.BytesIO(b"".join(f.recap(admin_client_zi, round_open).streaming_content)))
    rows = list(book["Ringkasan"].iter_rows(values_only=True))
    assert ("Siap WBK", 1, 2) in rows
    assert any(r[0] and str(r[0]).startswith("Siap diusulkan") and r[1] == 1 for r in rows)
    units = list(book["Rekap unit"].iter_rows(values_only=True))[2:]
    col = {name: i for i, name in enumerate(units[0])}
    beta_row = next(r for r in units if r[0] == "RSUD Beta")
    assert beta_row[col["Kesiapan menurut penilaian mandiri"]] == "Siap WBK"
    assert beta_row[col["Kesiapan menurut TPI (disetujui)"]] == "Belum memenuhi"
    assert next(r for r in units if r[0] == "Dinas Alfa")[col["Siap diusulkan"]] == "Ya"


@pytest.mark.parametrize("as_reviewer", [True, False])
def test_the_summarys_one_grouped_query_gives_the_same_numbers_as_the_separate_counts(
        round_open, round_with_units, as_reviewer):
    alfa, beta = round_with_units["Dinas Alfa"], round_with_units["RSUD Beta"]
    Worksheet.objects.filter(pk=alfa.pk).update(status=Worksheet.Status.APPROVED)
    Answer.objects.filter(worksheet__in=[alfa, beta]).update(tpi_option=models.F("unit_option"),
                                                             tpi_number=models.F("unit_number"))
    Worksheet.objects.filter(pk=beta.pk).update(status=Worksheet.Status.IN_REVIEW)
    score_store.refresh([alfa.pk, beta.pk])
    worksheets = Worksheet.objects.filter(round=round_open)
    for instansi_ok in ({"wbk": True, "wbbm": False}, {"wbk": False, "wbbm": False}):
        statuses, counts, distribution = selectors.round_figures(
            worksheets, reviewer=as_reviewer, instansi_ok=instansi_ok, own_units=[beta.unit_id])
        rows = selectors.with_scores(worksheets, reviewer=as_reviewer, own_units=[beta.unit_id])
        assert statuses == selectors.status_counts(worksheets)
        assert counts == selectors.readiness_counts_by_basis(worksheets, instansi_ok)
        assert distribution == selectors.total_distribution(rows)
    assert counts.approved == 1 and sum(n for _, n in distribution) == 6


@pytest.mark.parametrize("as_reviewer", [True, False])
def test_area_averages_rest_on_the_tpis_values_where_they_count(round_open, round_with_units, as_reviewer):
    """Alfa approved and Beta in review, both with TPI values below the unit's on area I; Gama
    submitted without TPI values. A reviewer's averages take the TPI's values of both; the unit
    side's only Alfa's (decided) — Beta's own values until the TPI decides. Checked against the
    stored area scores averaged by hand."""
    alfa, beta, gama = (round_with_units[n] for n in ("Dinas Alfa", "RSUD Beta", "Kecamatan Gama"))
    Answer.objects.filter(worksheet__in=[alfa, beta]).update(tpi_option=models.F("unit_option"),
                                                             tpi_number=models.F("unit_number"))
    Answer.objects.filter(worksheet__in=[alfa, beta], question__key__startswith="I.", tpi_option="Ya").update(
        tpi_option="Tidak")
    Worksheet.objects.filter(pk=alfa.pk).update(status=Worksheet.Status.APPROVED)
    Worksheet.objects.filter(pk__in=[beta.pk]).update(status=Worksheet.Status.IN_REVIEW)
    Worksheet.objects.filter(pk=gama.pk).update(status=Worksheet.Status.SUBMITTED)
    score_store.refresh([alfa.pk, beta.pk, gama.pk])

    def area(ws, value_set, code="I"):
        return ws.scores.get(value_set=value_set).areas.get(area_code=code).value

    basis = {alfa: "tpi", beta: "tpi" if as_reviewer else "unit", gama: "unit"}
    expected = (sum(area(ws, vs) for ws, vs in basis.items()) / 3).quantize(Decimal("0.01"))
    assert area(alfa, "tpi") < area(alfa, "unit")  # the TPI's values differ, so the basis shows
    handed_in = Worksheet.objects.filter(round=round_open).exclude(status=Worksheet.Status.DRAFT)
    averages = {a["code"]: a for a in selectors.area_averages(handed_in, reviewer=as_reviewer)}
    assert averages["I"]["avg"] == expected and averages["I"]["n"] == 3
