"""From TPI approval to predicate, through the pages and the services: which units may be proposed,
the Word documents, the TPN's stages, values (typed and imported) and result, calibration, the
predicate history, self-evaluation, revocation and the two-year bar, kawasan, LHE TPI."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from evaluations import score_store
from evaluations.models import (
    Answer,
    Kawasan,
    PrerequisiteDefinition,
    PrerequisiteRecord,
    Worksheet,
    WorksheetEvent,
    WorksheetScore,
)
from evaluations.services import tpn_values_set
from programme.models import Action
from proposals import docs, selectors, services
from proposals.models import Award, DocumentTemplate, Event, Nominee, Proposal
from tests import factories as f
from units.models import Membership, Unit

R = Membership.Role
FACTS = {"opini-bpk": "WTP", "sakip-instansi": "BB", "indeks-rb": "B", "maturitas-spip": "3", "layanan-inti": "ya",
         "dampak-persepsi": "ya", "tindak-lanjut": "100", "kepatuhan-lhk": "100", "membangun-wbk": "2024-01-02", "membangun-wbbm": "2024-06-01",
         "sakip-unit": "BB"}


def record_facts(round_, ws=None, user=None, skip=()):
    for d in PrerequisiteDefinition.objects.filter(version=round_.version, key__in=FACTS).exclude(key__in=skip):
        scope = {"round": round_} if d.level == "instansi" else {"worksheet": ws}
        if ws is None and d.level != "instansi":
            continue
        if not PrerequisiteRecord.objects.filter(definition=d, **scope).exists():
            PrerequisiteRecord.objects.create(definition=d, value=FACTS[d.key], recorded_by=user, **scope)
    if ws:
        score_store.refresh([ws.pk])


def approved(round_, unit, reviewer, *, facts=True, skip=(), **tpi_numbers):
    """An approved worksheet with the best answers, the TPI agreeing (some numbers changed)."""
    ws = f.worksheet(round_, unit, reviewers=[reviewer], answers="best")
    Answer.objects.filter(worksheet=ws).update(tpi_option=models.F("unit_option"), tpi_number=models.F("unit_number"))
    for key, number in tpi_numbers.items():
        Answer.objects.filter(worksheet=ws, question__key=key).update(tpi_number=Decimal(number))
    Worksheet.objects.filter(pk=ws.pk).update(status="approved", decided_at=timezone.now())
    record_facts(round_, ws if facts else None, skip=skip)
    score_store.refresh([ws.pk])
    ws.refresh_from_db()
    return ws


@pytest.fixture
def world(instansi, round_open, reviewer, admin_user):
    """Five approved units: Alfa ready; Beta short on IPAK by the TPI; Gama with a prerequisite
    unmet; Delta (RSUD, Stranas PK) with the same prerequisite unmet but exempt; Epsilon not approved."""
    record_facts(round_open)
    units = {name: f.unit(instansi, name) for name in ("Dinas Alfa", "Dinas Beta", "Dinas Gama", "Epsilon")}
    units["RSUD Delta"] = f.unit(instansi, "RSUD Delta", kind=Unit.Kind.RSUD, stranas_pk_service="rsud")
    sheets = {"Dinas Alfa": approved(round_open, units["Dinas Alfa"], reviewer),
              "Dinas Beta": approved(round_open, units["Dinas Beta"], reviewer, **{"H-I.hasil.i.a": "3"}),
              "Dinas Gama": approved(round_open, units["Dinas Gama"], reviewer, skip=("tindak-lanjut",)),
              "RSUD Delta": approved(round_open, units["RSUD Delta"], reviewer, skip=("tindak-lanjut",)),
              "Epsilon": f.worksheet(round_open, units["Epsilon"], reviewers=[reviewer], answers="best")}
    return units, sheets


def _propose(client, round_, units, route="tpn", **extra):
    data = {"route": route, f"{route}-units": [u.pk for u in units], f"{route}-letter_number": "700/12/ITDA/2026",
            f"{route}-letter_date": "2026-05-02", f"{route}-signatory_name": "H. Ahmad Fauzi, S.E.",
            f"{route}-signatory_title": "Bupati Uji", f"{route}-signatory_nip": "", **extra}
    return client.post(reverse("proposals:propose", args=[round_.pk]), data)


def _docx_text(field) -> str:
    with field.open("rb") as handle:
        return docs.text_of(handle.read())


# --------------------------------------------------------------------------- who may be proposed


def test_proposable_units_follow_readiness_and_prerequisites_with_the_stranas_pk_exception(world, round_open):
    units, sheets = world
    found = {c.name: c for c in selectors.candidates(round_open)}
    assert set(found) == {"Dinas Alfa", "RSUD Delta"}  # Beta short, Gama prerequisite unmet, Epsilon not approved
    assert found["RSUD Delta"].exempt and not found["Dinas Alfa"].exempt
    assert found["Dinas Alfa"].total == WorksheetScore.objects.get(worksheet=sheets["Dinas Alfa"], value_set="tpi").total


def test_the_round_page_lists_them_with_the_countdown_in_fixed_queries(admin_client_zi, world, round_open,
                                                                       django_assert_max_num_queries):
    round_open.proposal_deadline = timezone.localdate() + datetime.timedelta(days=10)
    round_open.save()
    with django_assert_max_num_queries(32):
        page = admin_client_zi.get(reverse("proposals:round", args=[round_open.pk])).content.decode()
    assert '<span class="badge text-bg-danger" data-testid="countdown">10 hari lagi</span>' in page
    rows = page.split('data-testid="candidates"')[1].split("</table>")[0]
    assert "Dinas Alfa" in rows and "RSUD Delta" in rows and "Dinas Beta" not in rows
    assert "dikecualikan Stranas PK" in rows
    # more units: the same number of queries
    for i in range(4):
        approved(round_open, f.unit(round_open.instansi, f"Dinas Tambahan {i}"), world[1]["Dinas Alfa"].reviewers.first())
    with django_assert_max_num_queries(32):
        page = admin_client_zi.get(reverse("proposals:round", args=[round_open.pk])).content.decode()
    assert page.count('data-testid="candidate"') == 6


# --------------------------------------------------------------------------- the proposal and its documents


def test_proposing_writes_the_letter_and_the_statement_with_the_units_and_tpi_scores(admin_client_zi, world,
                                                                                   round_open, admin_user):
    units, sheets = world
    response = _propose(admin_client_zi, round_open, [units["Dinas Alfa"], units["RSUD Delta"]])
    proposal = Proposal.objects.get(round=round_open)
    assert response.status_code == 302 and response["Location"] == reverse("proposals:proposal", args=[proposal.pk])
    assert sorted(n.unit.name for n in proposal.nominees.all()) == ["Dinas Alfa", "RSUD Delta"]
    assert set(proposal.nominees.values_list("status", flat=True)) == {"proposed"}
    letter = _docx_text(proposal.letter_file)
    total = WorksheetScore.objects.get(worksheet=sheets["Dinas Alfa"], value_set="tpi").total
    shown = f"{total:.2f}".replace(".", ",")
    assert "Nomor\t: 700/12/ITDA/2026" in letter and "PEMERINTAH KABUPATEN UJI" in letter
    assert f"1 | Dinas Alfa | Menuju WBK | {shown}" in letter
    assert "2 | RSUD Delta | Menuju WBK" in letter
    assert "mengusulkan 2 unit kerja/kawasan" in letter and "H. Ahmad Fauzi, S.E." in letter
    statement = _docx_text(proposal.statement_file)
    assert "SURAT PERNYATAAN TANGGUNG JAWAB MUTLAK" in statement and "1. Dinas Alfa — Menuju WBK" in statement
    assert "Stranas PK (RSUD Delta)" in statement  # the exception is stated, not hidden
    assert Event.objects.filter(proposal=proposal, unit=units["Dinas Alfa"], actor=admin_user).exists()
    page = admin_client_zi.get(response["Location"]).content.decode()
    assert page.count('data-testid="nominee-status">Diusulkan') == 2
    download = admin_client_zi.get(reverse("proposals:document", args=[proposal.pk, "surat"]))
    assert download["Content-Disposition"].startswith('attachment; filename="surat-pengajuan-2026')
    # Alfa is no longer offered; proposing it again is refused and nothing is added
    assert [c.blocked for c in selectors.candidates(round_open) if c.name == "Dinas Alfa"] == [
        "sudah diusulkan pada periode ini"]
    again = _propose(admin_client_zi, round_open, [units["Dinas Alfa"]])
    assert again.status_code == 400 and proposal.nominees.count() == 2


def test_a_proposal_after_the_deadline_is_refused_and_the_typed_letter_kept(admin_client_zi, world, round_open):
    round_open.proposal_deadline = timezone.localdate() - datetime.timedelta(days=1)
    round_open.save()
    response = _propose(admin_client_zi, round_open, [world[0]["Dinas Alfa"]])
    page = response.content.decode()
    assert response.status_code == 400 and "telah lewat" in page
    assert 'value="700/12/ITDA/2026"' in page  # what was typed survives
    assert not Proposal.objects.exists()


def test_only_admins_propose(client, world, round_open, reviewer, instansi):
    client.force_login(reviewer)
    assert _propose(client, round_open, [world[0]["Dinas Alfa"]]).status_code == 403
    kepala = f.member(instansi, R.KEPALA, world[0]["Dinas Alfa"], "kepala.alfa")
    client.force_login(kepala)
    assert _propose(client, round_open, [world[0]["Dinas Alfa"]]).status_code == 404
    assert not Proposal.objects.exists()


def test_an_instansi_template_replaces_the_letterhead_and_a_broken_one_is_refused(admin_client_zi, world, round_open,
                                                                                 instansi):
    url = reverse("proposals:template_upload", args=[instansi.pk])
    broken = admin_client_zi.post(url, {"kind": "letter", "file": SimpleUploadedFile(
        "kop.docx", b"PK\x03\x04 bukan dokumen", docs.CONTENT_TYPE)})
    assert broken.status_code == 400 and "bukan dokumen Office" in broken.content.decode()
    doc = Document(str(docs.default_path("letter")))
    doc.sections[0].header.paragraphs[0].text = "KOP BARU {{ instansi_upper }} — Jl. Merdeka 1 {% if %}"
    bad = io.BytesIO()
    doc.save(bad)
    refused = admin_client_zi.post(url, {"kind": "letter", "file": SimpleUploadedFile("kop.docx", bad.getvalue())})
    assert refused.status_code == 400 and "Templat Word tidak dapat dipakai" in refused.content.decode()
    doc.sections[0].header.paragraphs[0].text = "KOP BARU {{ instansi_upper }} — Jl. Merdeka 1"
    good = io.BytesIO()
    doc.save(good)
    ok = admin_client_zi.post(url, {"kind": "letter", "file": SimpleUploadedFile("kop-pemkab.docx", good.getvalue())})
    assert ok.status_code == 302
    _propose(admin_client_zi, round_open, [world[0]["Dinas Alfa"]])
    assert "KOP BARU PEMERINTAH KABUPATEN UJI — Jl. Merdeka 1" in _docx_text(Proposal.objects.get().letter_file)


NESTED = "{% for a in [0] * 9000 %}{% for b in [0] * 9000 %}{% for c in [0] * 9000 %}.{% endfor %}{% endfor %}{% endfor %}"


@pytest.mark.parametrize("tag", ["{{ 'x' * 100000000 }}", "{{ rows * 100000000 }}", "{{ 9 ** 99999999 }}",
                                 "{% for i in range(100000) %}{% for j in range(100000) %}.{% endfor %}{% endfor %}",
                                 "{{ ''.__class__.__mro__ }}", "{{ lipsum(100000) }}", NESTED,
                                 "{{ ('x' * 9000) * 9000 }}", "{{ 'x'|center(500000000) }}"])
def test_a_hostile_template_is_refused_at_once(admin_client_zi, instansi, tag, settings):
    """Work without bound, or the sandbox's escape hatches, in an uploaded template: refused next to
    the field in well under a second; nothing is kept."""
    doc = Document(str(docs.default_path("letter")))
    doc.sections[0].header.paragraphs[0].text = tag
    data = io.BytesIO()
    doc.save(data)
    settings.DOCX_RENDER_SECONDS = 2  # what a template may take is bounded (10 s by default)
    started = timezone.now()
    r = admin_client_zi.post(reverse("proposals:template_upload", args=[instansi.pk]),
                             {"kind": "letter", "file": SimpleUploadedFile("kop.docx", data.getvalue())})
    assert (timezone.now() - started).total_seconds() < 6
    assert r.status_code == 400 and "Templat Word tidak dapat dipakai" in r.content.decode()
    assert not DocumentTemplate.objects.exists()


def test_text_with_markup_stays_text_in_the_documents(admin_client_zi, world, round_open):
    """A unit named with "<" and "&" (or a signatory) is escaped, not XML that breaks the document."""
    Unit.objects.filter(pk=world[0]["Dinas Alfa"].pk).update(name="Dinas A&B <Uji>")
    _propose(admin_client_zi, round_open, [world[0]["Dinas Alfa"]], **{"tpn-signatory_name": "{{ 7*7 }} & Co"})
    letter = _docx_text(Proposal.objects.get().letter_file)
    assert "Dinas A&B <Uji>" in letter and "{{ 7*7 }} & Co" in letter and "49" not in letter.split("Co")[0][-10:]


def test_documents_are_built_in_a_fixed_number_of_queries(admin_client_zi, world, round_open, instansi, reviewer):
    _propose(admin_client_zi, round_open, [world[0]["Dinas Alfa"]])
    proposal = Proposal.objects.get()

    def count():
        with CaptureQueriesContext(connection) as ctx:
            services.build_documents(proposal)
        return len(ctx.captured_queries)

    count()  # the proposal's round and instansi are read once and kept
    one = count()
    for i in range(3):
        ws = approved(round_open, f.unit(instansi, f"Dinas Lain {i}"), reviewer)
        Nominee.objects.create(proposal=proposal, unit=ws.unit, worksheet=ws, predicate="wbk", tpi_total=80)
    assert count() == one
    assert "Dinas Lain 2" in _docx_text(Proposal.objects.get().letter_file)


# --------------------------------------------------------------------------- the TPN


@pytest.fixture
def proposed(admin_client_zi, world, round_open):
    _propose(admin_client_zi, round_open, [world[0]["Dinas Alfa"], world[0]["RSUD Delta"]])
    return {n.unit.name: n for n in Nominee.objects.select_related("unit", "worksheet")}


def test_stages_then_an_award_gives_the_predicate_and_wbbm_becomes_the_target(admin_client_zi, proposed, round_open):
    alfa = proposed["Dinas Alfa"]
    for kind in ("pra", "desk", "field", "clearance", "panel"):
        r = admin_client_zi.post(reverse("proposals:stage", args=[alfa.pk]), {
            f"s{alfa.pk}-kind": kind, f"s{alfa.pk}-date": "2026-07-01", f"s{alfa.pk}-outcome": "passed",
            f"s{alfa.pk}-notes": f"catatan {kind}"})
        assert r.status_code == 302
    alfa.refresh_from_db()
    assert alfa.status == "evaluating" and alfa.stages.count() == 5
    missing = admin_client_zi.post(reverse("proposals:result", args=[alfa.pk]), {f"r{alfa.pk}-awarded": "ya"})
    assert missing.status_code == 400 and "Isi nomor SK" in missing.content.decode()
    r = admin_client_zi.post(reverse("proposals:result", args=[alfa.pk]), {
        f"r{alfa.pk}-awarded": "ya", f"r{alfa.pk}-decree_number": "B/2210/M.RB.06/2026",
        f"r{alfa.pk}-decree_date": "2026-12-10",
        f"r{alfa.pk}-document": SimpleUploadedFile("sk.pdf", b"%PDF-1.4 sk", "application/pdf")})
    assert r.status_code == 302
    unit = Unit.objects.get(pk=alfa.unit_id)
    assert (unit.predicate, unit.predicate_year) == ("wbk", 2026)
    award = Award.objects.get(unit=unit)
    assert award.reevaluation_due == datetime.date(2028, 12, 10) and award.source == "tpn"
    # the unit now aims at WBBM: its stored verdict says so
    assert WorksheetScore.objects.get(worksheet=alfa.worksheet, value_set="tpi").target == "wbbm"
    assert admin_client_zi.get(reverse("proposals:award_document", args=[award.pk])).status_code == 200
    # recorded once
    again = admin_client_zi.post(reverse("proposals:result", args=[alfa.pk]), {
        f"r{alfa.pk}-awarded": "tidak", f"r{alfa.pk}-recommendations": "x"})
    assert again.status_code == 400


def test_not_awarded_recommendations_become_rencana_aksi_in_one_click(client, admin_client_zi, proposed, instansi):
    delta = proposed["RSUD Delta"]
    admin_client_zi.post(reverse("proposals:result", args=[delta.pk]), {
        f"r{delta.pk}-awarded": "tidak",
        f"r{delta.pk}-recommendations": "III. Lengkapi analisis beban kerja\nV. Survei antikorupsi internal rutin"})
    kepala = f.member(instansi, R.KEPALA, delta.unit, "kepala.delta")
    client.force_login(kepala)
    page = client.get(reverse("proposals:unit", args=[delta.unit_id])).content.decode()
    assert "Lengkapi analisis beban kerja" in page and 'data-testid="take-recommendations"' in page
    r = client.post(reverse("proposals:take_recommendations", args=[delta.pk]))
    assert r.status_code == 302 and r["Location"].startswith(reverse("programme:unit", args=[delta.unit_id]))
    actions = list(Action.objects.filter(unit=delta.unit).order_by("area_code").values_list("area_code", "description"))
    assert actions == [("III", "Lengkapi analisis beban kerja"), ("V", "Survei antikorupsi internal rutin")]
    client.post(reverse("proposals:take_recommendations", args=[delta.pk]))
    assert Action.objects.filter(unit=delta.unit).count() == 2  # once


def test_tpn_values_typed_on_the_page_all_or_nothing(admin_client_zi, proposed):
    alfa = proposed["Dinas Alfa"]
    url = reverse("proposals:tpn_values", args=[alfa.pk])
    page = admin_client_zi.get(url).content.decode()
    ws = alfa.worksheet
    yes_no = Answer.objects.filter(worksheet=ws, question__answer_type="ya_tidak").select_related("question").first()
    survey = Answer.objects.filter(worksheet=ws, question__answer_type="indeks").select_related("question").first()
    assert f'name="q{survey.question_id}"' in page
    bad = admin_client_zi.post(url, {f"q{yes_no.question_id}": "Tidak", f"q{survey.question_id}": "4,5"})
    text = bad.content.decode()
    assert bad.status_code == 400 and 'value="4,5"' in text  # the typed value comes back, next to its error
    assert not Answer.objects.filter(worksheet=ws).exclude(tpn_option="").exists()  # nothing saved
    ok = admin_client_zi.post(url, {f"q{yes_no.question_id}": "Tidak", f"q{survey.question_id}": "3,25"})
    assert ok.status_code == 302
    yes_no.refresh_from_db()
    survey.refresh_from_db()
    assert (yes_no.tpn_option, survey.tpn_number, yes_no.tpi_option) == ("Tidak", Decimal("3.25"), "Ya")
    assert WorksheetEvent.objects.filter(worksheet=ws, field="tpn_value").count() == 2


def _tpn_workbook(client, ws, changes: dict) -> bytes:
    """This app's export of the worksheet with the TPN's answers written into column K."""
    book = load_workbook(io.BytesIO(client.get(reverse("evaluations:export_lke", args=[ws.pk])).content))
    sheet = book["LKE ZI"]
    for row in sheet.iter_rows(min_row=1):
        key = row[7].value
        if key in changes:
            row[10].value = changes[key]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_tpn_import_with_a_bad_row_changes_nothing_then_a_good_file_is_previewed_and_applied(admin_client_zi,
                                                                                           proposed):
    alfa = proposed["Dinas Alfa"]
    ws = alfa.worksheet
    keys = dict(Answer.objects.filter(worksheet=ws, question__answer_type__in=["ya_tidak", "indeks"])
                .values_list("question__answer_type", "question__key").order_by("question__order"))
    url = reverse("proposals:tpn_import", args=[alfa.pk])
    bad = _tpn_workbook(admin_client_zi, ws, {keys["ya_tidak"]: "Tidak", keys["indeks"]: "9"})
    r = admin_client_zi.post(url, {"file": SimpleUploadedFile("lke-tpn.xlsx", bad)})
    assert r.status_code == 400 and 'data-testid="import-errors"' in r.content.decode()
    assert "Tidak ada yang diubah" in r.content.decode()
    good = _tpn_workbook(admin_client_zi, ws, {keys["ya_tidak"]: "Tidak", keys["indeks"]: "3,1"})
    preview = admin_client_zi.post(url, {"file": SimpleUploadedFile("lke-tpn.xlsx", good)}).content.decode()
    assert preview.count('data-testid="change"') >= 2
    assert not Answer.objects.filter(worksheet=ws).exclude(tpn_option="").exists()  # previewed, not applied
    applied = admin_client_zi.post(url, {"apply": "1"})
    assert applied.status_code == 302
    assert Answer.objects.get(worksheet=ws, question__key=keys["ya_tidak"]).tpn_option == "Tidak"
    assert Answer.objects.get(worksheet=ws, question__key=keys["indeks"]).tpn_number == Decimal("3.1")
    page = admin_client_zi.get(reverse("proposals:proposal", args=[alfa.proposal_id])).content.decode()
    assert 'data-testid="tpn-total"' in page


def test_calibration_report_says_where_the_tpi_was_more_generous(admin_client_zi, proposed, instansi,
                                                                 django_assert_max_num_queries):
    alfa = proposed["Dinas Alfa"]
    rows = [{"key": a.question.key, "option": a.tpi_option, "number": None if a.tpi_number is None else str(a.tpi_number)}
            for a in Answer.objects.filter(worksheet=alfa.worksheet, question__formula="").select_related("question")
            if a.tpi_option or a.tpi_number is not None]
    for r in rows:  # the TPN answers "Tidak" wherever Penguatan Pengawasan (V) asks Ya/Tidak
        if r["key"].startswith("V.") and r["option"] == "Ya":
            r["option"] = "Tidak"
    services_rows = rows
    admin = Membership.objects.get(instansi=instansi, role="admin").user
    tpn_values_set(user=admin, worksheet=alfa.worksheet, rows=services_rows, comment="uji")
    data = selectors.calibration(instansi.pk)
    areas = {d.key: d for d in data["areas"]}
    assert areas["V"].mean > 0 and areas["I"].mean == 0 and data["pairs"] == 1
    # an earlier year where the TPN agreed with the TPI everywhere: the years are told apart, column by column
    earlier = f.round_(instansi, year=2025, name="Evaluasi ZI 2025")
    old = approved(earlier, alfa.unit, alfa.worksheet.reviewers.first())
    Answer.objects.filter(worksheet=old).update(tpn_option=models.F("tpi_option"), tpn_number=models.F("tpi_number"))
    data = selectors.calibration(instansi.pk)
    keys = [d.key for d in data["areas"]]
    by_year = {row["year"]: dict(zip(keys, row["cells"], strict=True)) for row in data["by_year"]}
    assert by_year[2025]["V"].mean == 0 and by_year[2026]["V"].mean == areas["V"].mean
    assert data["areas"][0].key == "V" and data["areas"][0].mean == areas["V"].mean / 2  # two sheets, one differs
    with django_assert_max_num_queries(12):
        page = admin_client_zi.get(reverse("proposals:calibration", args=[instansi.pk])).content.decode()
    assert "TPI menilai Penguatan Pengawasan rata-rata" in page and "lebih tinggi dari TPN" in page
    assert 'data-testid="calibration-years"' in page
    one = admin_client_zi.get(reverse("proposals:calibration", args=[instansi.pk]), {"tahun": "2025"}).content.decode()
    assert "TPI menilai Penguatan Pengawasan" not in one  # 2025 alone: the TPN agreed


# --------------------------------------------------------------------------- history, self-evaluation, revocation


def test_predicate_history_across_two_rounds(admin_client_zi, instansi, reviewer, admin_user, world, round_open):
    unit = world[0]["Dinas Alfa"]
    earlier = f.round_(instansi, year=2025, name="Evaluasi ZI 2025")
    approved(earlier, unit, reviewer, **{"H-I.hasil.i.a": "3"})
    Worksheet.objects.filter(round=earlier, unit=unit).update(decided_at=timezone.make_aware(datetime.datetime(2025, 10, 1)))
    page = admin_client_zi.get(reverse("proposals:unit", args=[unit.pk])).content.decode()
    trend = page.split('data-testid="trend"')[1].split("</table>")[0]
    assert "2025" in trend and "Evaluasi ZI 2026" in trend or "2026" in trend
    total_row = trend.split('data-testid="trend-total"')[1].split("</tr>")[0]
    assert "text-success" in total_row  # the TPI's total rose from 2025 to 2026
    history = page.split('data-testid="history"')[1]
    assert history.index("Evaluasi ZI 2026") < history.index("Evaluasi ZI 2025")  # newest first


def test_self_evaluation_path(admin_client_zi, world, round_open, instansi, admin_user):
    units = world[0]
    refused = _propose(admin_client_zi, round_open, [units["Dinas Alfa"]], route="mandiri")
    assert refused.status_code == 400 and not Proposal.objects.exists()
    r = admin_client_zi.post(reverse("proposals:authority", args=[instansi.pk]), {
        "authorised": "on", "reference": "Surat MenPANRB B/77/M.RB.06/2024 tanggal 2 Mei 2024", "since": "2024-05-02"})
    assert r.status_code == 302
    assert _propose(admin_client_zi, round_open, [units["Dinas Alfa"], units["RSUD Delta"]],
                    route="mandiri").status_code == 302
    proposal = Proposal.objects.get(route="mandiri")
    nominees = {n.unit.name: n for n in proposal.nominees.select_related("unit")}
    data = {"members": "Inspektur Daerah (ketua)\nSekretaris Daerah\nKepala Bagian Organisasi",
            "panel_date": "2026-06-15", "decree_number": "800/55/2026", "decree_date": "2026-06-20",
            f"n{nominees['Dinas Alfa'].pk}_awarded": "ya", f"n{nominees['Dinas Alfa'].pk}_reasons": "",
            f"n{nominees['RSUD Delta'].pk}_awarded": "tidak", f"n{nominees['RSUD Delta'].pk}_reasons": "IKM belum stabil"}
    missing = admin_client_zi.post(reverse("proposals:panel", args=[proposal.pk]), data)
    assert missing.status_code == 400 and "IKM belum stabil" in missing.content.decode()  # typed text kept
    data[f"n{nominees['Dinas Alfa'].pk}_reasons"] = "Seluruh area memenuhi; survei eksternal BPS baik"
    assert admin_client_zi.post(reverse("proposals:panel", args=[proposal.pk]), data).status_code == 302
    award = Award.objects.get(unit=units["Dinas Alfa"])
    assert (award.source, award.predicate, award.decree_number) == ("mandiri", "wbk", "800/55/2026")
    assert Unit.objects.get(pk=units["Dinas Alfa"].pk).predicate == "wbk"
    assert not Award.objects.filter(unit=units["RSUD Delta"]).exists()
    decree = _docx_text(Proposal.objects.get(pk=proposal.pk).letter_file)
    assert "NOMOR 800/55/2026" in decree and "1 | Dinas Alfa" in decree and "RSUD Delta" not in decree
    assert "Inspektur Daerah (ketua)" in decree and "B/77/M.RB.06/2024" in decree
    # the unit now aims at WBBM, which goes to the TPN, never to self-evaluation
    assert WorksheetScore.objects.get(worksheet=world[1]["Dinas Alfa"], value_set="tpi").target == "wbbm"
    nxt = f.round_(instansi, year=2027, name="Evaluasi ZI 2027")
    record_facts(nxt)
    approved(nxt, units["Dinas Alfa"], world[1]["Dinas Alfa"].reviewers.first())
    wbbm = next(c for c in selectors.candidates(nxt, "mandiri") if c.name == "Dinas Alfa")
    assert wbbm.predicate == "wbbm" and "Menuju WBBM diusulkan ke TPN" in wbbm.blocked


def test_revocation_clears_the_predicate_and_bars_a_new_proposal_for_two_years(admin_client_zi, world, round_open,
                                                                              instansi):
    unit = world[0]["Dinas Alfa"]
    award = Award.objects.create(unit=unit, predicate="wbk", year=2025, source="tpn", decree_number="B/1/2025",
                                 decree_date=datetime.date(2025, 12, 1))
    services._sync_predicate(unit)
    assert Unit.objects.get(pk=unit.pk).predicate == "wbk"
    r = admin_client_zi.post(reverse("proposals:revoke", args=[award.pk]), {
        f"a{award.pk}-on": "2026-03-01", f"a{award.pk}-reason": ""})
    assert r.status_code == 400 and not Award.objects.get(pk=award.pk).revoked_on
    r = admin_client_zi.post(reverse("proposals:revoke", args=[award.pk]), {
        f"a{award.pk}-on": "2026-03-01", f"a{award.pk}-reason": "Hasil survei integritas turun; temuan pungli"})
    assert r.status_code == 302
    assert Unit.objects.get(pk=unit.pk).predicate == ""
    alfa = next(c for c in selectors.candidates(round_open, today=datetime.date(2026, 5, 1)) if c.name == "Dinas Alfa")
    assert alfa.blocked == "predikatnya dicabut: belum dapat diusulkan sampai 1 Maret 2028"
    later = next(c for c in selectors.candidates(round_open, today=datetime.date(2028, 3, 1)) if c.name == "Dinas Alfa")
    assert later.blocked == ""
    page = admin_client_zi.get(reverse("proposals:unit", args=[unit.pk])).content.decode()
    assert 'data-testid="barred"' in page and "Dicabut 1 Maret 2026" in page


def test_the_reevaluation_reminder_is_sent_once(world, instansi, admin_user):
    admin_user.email = "admin@pemda.go.id"
    admin_user.save()
    Award.objects.create(unit=world[0]["Dinas Alfa"], predicate="wbk", year=2024, source="tpn",
                         decree_number="B/9/2024", decree_date=datetime.date(2024, 12, 20))
    today = datetime.date(2026, 11, 1)  # re-evaluation due 20 December 2026: within 90 days
    assert services.remind_reevaluations(today) == 1
    f.run_tasks()
    assert len(mail.outbox) == 1 and "Dinas Alfa" in mail.outbox[0].body and "20 Desember 2026" in mail.outbox[0].body
    assert services.remind_reevaluations(today) == 0


# --------------------------------------------------------------------------- kawasan and LHE


def test_a_kawasan_is_proposed_as_a_whole_once_its_integration_score_reaches_the_minimum(admin_client_zi, world,
                                                                                         round_open, instansi):
    units = world[0]
    kawasan = Kawasan.objects.create(instansi=instansi, name="Kawasan Pelayanan Terpadu")
    kawasan.units.add(units["Dinas Alfa"], units["RSUD Delta"])
    url = reverse("proposals:integration", args=[round_open.pk, kawasan.pk])
    r = admin_client_zi.post(url, {f"k{kawasan.pk}-score": "6,4", f"k{kawasan.pk}-url": ""})
    assert r.status_code == 400 and "Lampirkan bukti" in r.content.decode()
    admin_client_zi.post(url, {f"k{kawasan.pk}-score": "6,4", f"k{kawasan.pk}-url": "https://jdih.uji.go.id/k.pdf"})
    found = selectors.kawasan_candidates(round_open)[0]
    assert found.blockers == ["nilai integrasi proses bisnis 6,40 — kurang dari 6,50 untuk Menuju WBK"]
    admin_client_zi.post(url, {f"k{kawasan.pk}-score": "6,5", f"k{kawasan.pk}-url": "https://jdih.uji.go.id/k2.pdf"})
    assert selectors.kawasan_candidates(round_open)[0].ready
    _propose(admin_client_zi, round_open, [], **{"tpn-kawasan": [kawasan.pk]})
    nominee = Nominee.objects.get(kawasan=kawasan)
    assert nominee.integration_score == Decimal("6.50") and nominee.unit_id is None
    assert "Kawasan Pelayanan Terpadu (kawasan)" in _docx_text(nominee.proposal.letter_file)
    admin_client_zi.post(reverse("proposals:result", args=[nominee.pk]), {
        f"r{nominee.pk}-awarded": "ya", f"r{nominee.pk}-decree_number": "B/5/2026",
        f"r{nominee.pk}-decree_date": "2026-12-01"})
    assert Award.objects.get(kawasan=kawasan).predicate == "wbk"
    assert selectors.kawasan_candidates(round_open)[0].predicate == "wbbm"  # next: WBBM, at ≥ 7,5


def test_lhe_tpi_has_scores_gaps_notes_and_recommendations(client, admin_client_zi, world, instansi):
    ws = world[1]["Dinas Beta"]  # short on IPAK by the TPI
    Answer.objects.filter(worksheet=ws, question__key="H-I.hasil.i.a").update(tpi_note="Survei hanya 20 responden")
    response = admin_client_zi.get(reverse("proposals:lhe", args=[ws.pk]))
    assert response["Content-Type"] == docs.CONTENT_TYPE
    text = docs.text_of(response.content)
    assert "LAPORAN HASIL EVALUASI TIM PENILAI INTERNAL" in text and "DINAS BETA" in text
    assert "I. Manajemen Perubahan | 8,00 | 8,00 | 8,00 | 100,00%" in text  # area, weight, unit, TPI, %
    assert "Birokrasi yang Bersih dan Akuntabel: 18,13 — kurang 0,12" in text  # a gap
    assert "Survei hanya 20 responden" in text and "nilai TPI (disetujui)" in text
    assert "Tingkatkan" in text  # a recommendation from the largest gap
    # the unit reads it once the TPI has decided; another unit's staff get a 404
    other = f.member(instansi, R.OPERATOR, world[0]["Dinas Alfa"], "op.alfa")
    client.force_login(other)
    assert client.get(reverse("proposals:lhe", args=[ws.pk])).status_code == 404


# --------------------------------------------------------------------------- after the review


def test_an_admin_who_is_staff_of_a_unit_never_decides_on_it(client, world, round_open, instansi, admin_user):
    """Separation of duties, as on worksheets: the Inspektur who is admin and also kepala of a unit
    neither proposes, scores, awards nor revokes that unit."""
    alfa = world[0]["Dinas Alfa"]
    Membership.objects.create(user=admin_user, instansi=instansi, role=R.KEPALA, unit=alfa)
    client.force_login(admin_user)
    assert _propose(client, round_open, [alfa]).status_code == 403 and not Proposal.objects.exists()
    _propose(client, round_open, [world[0]["RSUD Delta"]])  # another unit: fine
    assert Proposal.objects.count() == 1
    award = Award.objects.create(unit=alfa, predicate="wbk", year=2025, source="tpn", decree_number="B/1",
                                 decree_date=datetime.date(2025, 12, 1))
    r = client.post(reverse("proposals:revoke", args=[award.pk]), {f"a{award.pk}-on": "2026-03-01",
                                                                    f"a{award.pk}-reason": "uji"})
    assert r.status_code == 403 and not Award.objects.get(pk=award.pk).revoked_on


def test_a_tpi_member_sees_only_the_units_they_review(client, admin_client_zi, world, round_open, instansi):
    _propose(admin_client_zi, round_open, [world[0]["Dinas Alfa"], world[0]["RSUD Delta"]])
    other_tpi = f.member(instansi, R.TPI, None, "tpi.lain")
    world[1]["RSUD Delta"].reviewers.set([other_tpi])
    client.force_login(other_tpi)
    page = client.get(reverse("proposals:round", args=[round_open.pk])).content.decode()
    assert "RSUD Delta" in page and "Dinas Alfa" not in page
    proposal = Proposal.objects.get()
    page = client.get(reverse("proposals:proposal", args=[proposal.pk])).content.decode()
    assert "RSUD Delta" in page and "Dinas Alfa" not in page and 'data-testid="letter-link"' not in page
    assert client.get(reverse("proposals:document", args=[proposal.pk, "surat"])).status_code == 403
    alfa_unit = world[0]["Dinas Alfa"].pk
    assert client.get(reverse("proposals:calibration", args=[instansi.pk]), {"unit": alfa_unit}).status_code == 404


def test_a_second_letter_is_its_own_and_a_unit_in_an_undecided_proposal_waits(admin_client_zi, world, round_open,
                                                                             instansi, reviewer):
    _propose(admin_client_zi, round_open, [world[0]["Dinas Alfa"]])
    first = Proposal.objects.get()
    letter = _docx_text(first.letter_file)
    _propose(admin_client_zi, round_open, [world[0]["RSUD Delta"]], **{"tpn-letter_number": "700/99/ITDA/2026"})
    assert Proposal.objects.count() == 2
    first.refresh_from_db()
    assert first.letter_number == "700/12/ITDA/2026" and _docx_text(first.letter_file) == letter  # as sent
    # next year Alfa is approved again while this year's proposal is still with the TPN
    nxt = f.round_(instansi, year=2027, name="Evaluasi ZI 2027")
    record_facts(nxt)
    approved(nxt, world[0]["Dinas Alfa"], reviewer)
    alfa = next(c for c in selectors.candidates(nxt) if c.name == "Dinas Alfa")
    assert alfa.blocked == "masih dalam usulan Evaluasi ZI 2026 yang belum diputuskan"


def test_wbbm_is_not_awarded_once_the_wbk_it_rests_on_is_revoked(admin_client_zi, world, round_open, instansi):
    alfa = world[0]["Dinas Alfa"]
    wbk = Award.objects.create(unit=alfa, predicate="wbk", year=2024, source="tpn", decree_number="B/1/2024",
                               decree_date=datetime.date(2024, 12, 1))
    services._sync_predicate(alfa)
    score_store.refresh([world[1]["Dinas Alfa"].pk])
    _propose(admin_client_zi, round_open, [alfa])
    nominee = Nominee.objects.get(unit=alfa)
    assert nominee.predicate == "wbbm"
    admin_client_zi.post(reverse("proposals:revoke", args=[wbk.pk]), {
        f"a{wbk.pk}-on": "2026-01-10", f"a{wbk.pk}-reason": "Temuan pungli"})
    r = admin_client_zi.post(reverse("proposals:result", args=[nominee.pk]), {
        f"r{nominee.pk}-awarded": "ya", f"r{nominee.pk}-decree_number": "B/2/2026",
        f"r{nominee.pk}-decree_date": "2026-11-20"})
    assert r.status_code == 400 and "dicabut" in r.content.decode()
    assert not Award.objects.filter(unit=alfa, predicate="wbbm").exists()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    other = Award.objects.create(unit=world[0]["RSUD Delta"], predicate="wbk", year=2025, source="tpn",
                                 decree_number="B/3", decree_date=datetime.date(2025, 1, 2))
    r = admin_client_zi.post(reverse("proposals:revoke", args=[other.pk]), {
        f"a{other.pk}-on": tomorrow.isoformat(), f"a{other.pk}-reason": "belum berlaku"})
    assert r.status_code == 400 and not Award.objects.get(pk=other.pk).revoked_on  # not before it takes effect


def test_wbbm_supersedes_wbk_and_a_kept_predicate_moves_its_reevaluation(admin_client_zi, world, instansi,
                                                                         admin_user):
    alfa = world[0]["Dinas Alfa"]
    r = admin_client_zi.post(reverse("proposals:earlier_award", args=[alfa.pk]), {
        "predicate": "wbk", "decree_number": "B/77/2022", "decree_date": "2022-12-05",
        "document": SimpleUploadedFile("sk.pdf", b"bukan pdf sama sekali", "application/pdf")})
    assert r.status_code == 400 and "tidak sesuai dengan ekstensinya" in r.content.decode()
    admin_client_zi.post(reverse("proposals:earlier_award", args=[alfa.pk]), {
        "predicate": "wbk", "decree_number": "B/77/2022", "decree_date": "2022-12-05",
        "document": SimpleUploadedFile("sk.pdf", b"%PDF-1.4 sk", "application/pdf")})
    wbk = Award.objects.get(unit=alfa)
    assert Unit.objects.get(pk=alfa.pk).predicate == "wbk" and wbk.reevaluation_due == datetime.date(2024, 12, 5)
    assert wbk in selectors.due_reevaluations(instansi.pk)
    r = admin_client_zi.post(reverse("proposals:reevaluation", args=[wbk.pk]), {
        f"e{wbk.pk}-on": "2024-11-20", f"e{wbk.pk}-note": "Surat hasil evaluasi ulang"})
    assert r.status_code == 302
    wbk.refresh_from_db()
    assert wbk.reevaluation_due == datetime.date(2026, 11, 20)
    admin_client_zi.post(reverse("proposals:earlier_award", args=[alfa.pk]), {
        "predicate": "wbbm", "decree_number": "B/88/2026", "decree_date": "2026-11-25"})
    wbk.refresh_from_db()
    assert wbk.superseded_by.predicate == "wbbm" and wbk not in selectors.due_reevaluations(instansi.pk)
    assert Unit.objects.get(pk=alfa.pk).predicate == "wbbm"


def test_the_tpn_import_warns_when_the_file_holds_the_units_own_answers(admin_client_zi, proposed):
    alfa = proposed["Dinas Alfa"]
    own = admin_client_zi.get(reverse("evaluations:export_lke", args=[alfa.worksheet_id])).content
    page = admin_client_zi.post(reverse("proposals:tpn_import", args=[alfa.pk]),
                                {"file": SimpleUploadedFile("lke.xlsx", own)}).content.decode()
    assert 'data-testid="same-as-unit"' in page


def test_kawasan_evidence_is_kept_and_read_by_admins_only(client, admin_client_zi, world, round_open, instansi,
                                                         reviewer):
    kawasan = Kawasan.objects.create(instansi=instansi, name="Kawasan Uji")
    url = reverse("proposals:integration", args=[round_open.pk, kawasan.pk])
    fake = admin_client_zi.post(url, {f"k{kawasan.pk}-score": "7", f"k{kawasan.pk}-file": SimpleUploadedFile(
        "bukti.exe", b"MZ\x90\x00", "application/octet-stream")})
    assert fake.status_code == 400 and "tidak diterima" in fake.content.decode()
    admin_client_zi.post(url, {f"k{kawasan.pk}-score": "7", f"k{kawasan.pk}-file": SimpleUploadedFile(
        "reviu integrasi.pdf", b"%PDF-1.4 reviu", "application/pdf")})
    score = kawasan.integration_scores.get()
    download = admin_client_zi.get(reverse("proposals:integration_evidence", args=[score.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 reviu"
    client.force_login(reviewer)
    assert client.get(reverse("proposals:integration_evidence", args=[score.pk])).status_code == 404


def test_a_kawasan_predicate_is_revoked_on_the_instansi_page_and_typed_text_survives(admin_client_zi, instansi):
    kawasan = Kawasan.objects.create(instansi=instansi, name="Kawasan Uji")
    award = Award.objects.create(kawasan=kawasan, predicate="wbk", year=2025, source="tpn", decree_number="B/4",
                                 decree_date=datetime.date(2025, 6, 1))
    page = admin_client_zi.get(reverse("proposals:instansi", args=[instansi.pk])).content.decode()
    assert 'data-testid="kawasan-revoke-form"' in page
    url = reverse("proposals:revoke", args=[award.pk])
    bad = admin_client_zi.post(url, {f"a{award.pk}-on": "", f"a{award.pk}-reason": "Integrasi layanan terhenti"})
    assert bad.status_code == 400 and "Integrasi layanan terhenti" in bad.content.decode()
    ok = admin_client_zi.post(url, {f"a{award.pk}-on": "2026-02-01", f"a{award.pk}-reason": "Integrasi terhenti"})
    assert ok.status_code == 302 and Award.objects.get(pk=award.pk).revoked_on == datetime.date(2026, 2, 1)
    assert selectors.kawasan_candidates(f.round_(instansi, name="Evaluasi ZI 2027", year=2027),
                                        today=datetime.date(2027, 1, 1))[0].blockers[-1].startswith(
        "predikatnya dicabut: belum dapat diusulkan sampai 1 Februari 2028")
