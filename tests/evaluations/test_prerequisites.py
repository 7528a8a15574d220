"""Proposal prerequisites (Tabel 5, PermenPANRB 5/2024) on the pages: recorded with who, when and
evidence, judged apart from the scores, the Stranas PK exception said in words."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evaluations import score_store
from evaluations.models import PrerequisiteDefinition, PrerequisiteRecord, WorksheetEvent, WorksheetScore
from tests import factories as f
from tests.evaluations.test_evidence_rules import PDF
from units.models import Instansi, Membership, Unit

pytestmark = pytest.mark.django_db


def definition(key):
    return PrerequisiteDefinition.objects.get(version=f.lke(), key=key)


def unit_page(ws):
    return reverse("evaluations:worksheet_prerequisites", args=[ws.pk])


def post_fact(client, url, key, value, **extra):
    d = definition(key)
    data = {"definition": d.pk, f"p{d.pk}-value": value}
    data.update({f"p{d.pk}-{k}": v for k, v in extra.items()})
    return client.post(url, data)


@pytest.fixture
def ws(round_open, unit, reviewer):
    return f.worksheet(round_open, unit, reviewers=[reviewer], answers="best")


def test_the_tpi_records_a_unit_fact_with_evidence_and_the_history_keeps_it(reviewer_client, reviewer, ws):
    response = post_fact(reviewer_client, unit_page(ws), "tindak-lanjut", "92,5", note="LHP Inspektorat 700/12",
                         evidence_file=SimpleUploadedFile("LHP tindak lanjut.pdf", PDF, "application/pdf"))
    assert response.status_code == 302 and response["Location"].endswith("#syarat-tindak-lanjut")
    record = PrerequisiteRecord.objects.get(worksheet=ws)
    assert (record.value, record.recorded_by, record.evidence_name) == ("92.5", reviewer, "LHP_tindak_lanjut.pdf")
    page = reviewer_client.get(unit_page(ws)).content.decode()
    current = page.split('data-testid="prerequisite-tindak-lanjut"')[1].split("</section>")[0]
    assert "92,5%" in current and "Rina" not in current and "LHP Inspektorat 700/12" in current
    assert "belum terpenuhi" in current and "(syarat: 100%)" in current
    download = reviewer_client.get(reverse("evaluations:worksheet_prerequisite_evidence", args=[ws.pk, record.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    # A new value without a new file keeps the evidence; the earlier record stays in the history.
    post_fact(reviewer_client, unit_page(ws), "tindak-lanjut", "100")
    latest = PrerequisiteRecord.objects.filter(worksheet=ws).order_by("pk").last()
    assert latest.value == "100" and latest.evidence_name == "LHP_tindak_lanjut.pdf"
    page = reviewer_client.get(unit_page(ws)).content.decode()
    assert 'data-testid="prerequisite-history"' in page and "92,5%" in page.split('data-testid="prerequisite-history"')[1]
    event = WorksheetEvent.objects.filter(worksheet=ws, kind="prerequisite").last()
    assert (event.old_value, event.new_value) == ("92,5%", "100%") and event.actor == reviewer  # as the page reads
    overview = reviewer_client.get(ws.get_absolute_url()).content.decode()
    timeline = overview.split('data-testid="timeline"')[1]
    assert "Syarat pengusulan: 92,5% → 100%" in timeline and "tindak-lanjut" not in timeline


def test_a_refused_fact_keeps_what_was_typed_and_says_why_next_to_the_field(reviewer_client, ws):
    response = post_fact(reviewer_client, unit_page(ws), "tindak-lanjut", "120", note="catatan yang diketik")
    assert response.status_code == 400
    page = response.content.decode()
    form = page.split('data-testid="prerequisite-form-tindak-lanjut"')[1].split("</form>")[0]
    assert "Persentase tidak boleh lebih dari 100." in form and 'value="catatan yang diketik"' in form
    assert 'value="120"' in form
    assert not PrerequisiteRecord.objects.filter(worksheet=ws).exists()


def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_recorded(reviewer_client, ws):
    response = post_fact(reviewer_client, unit_page(ws), "tindak-lanjut", "100",
                         evidence_file=SimpleUploadedFile("lhp.pdf", b"<html><script>x</script>", "application/pdf"))
    assert response.status_code == 400
    form = response.content.decode().split('data-testid="prerequisite-form-tindak-lanjut"')[1].split("</form>")[0]
    assert "tidak sesuai dengan ekstensinya" in form
    assert not PrerequisiteRecord.objects.filter(worksheet=ws).exists()


def test_unit_staff_read_their_prerequisites_but_do_not_record_them(member_client, ws):
    page = member_client.get(unit_page(ws)).content.decode()
    assert 'data-testid="prerequisite-tindak-lanjut"' in page and "prerequisite-form-" not in page
    assert post_fact(member_client, unit_page(ws), "tindak-lanjut", "100").status_code == 403
    assert not PrerequisiteRecord.objects.exists()


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_the_admin_records_the_instansi_facts_for_the_round(admin_user, reviewer, member, round_open, ws):
    admin_client_zi, reviewer_client, member_client = _client(admin_user), _client(reviewer), _client(member)
    url = reverse("evaluations:round_prerequisites", args=[round_open.pk])
    assert post_fact(admin_client_zi, url, "opini-bpk", "WDP").status_code == 302
    page = admin_client_zi.get(url).content.decode()
    assert "Wajar Dengan Pengecualian (WDP)" in page
    assert page.split('data-testid="instansi-wbk"')[1].split("<")[0].strip(">").strip() != "Terpenuhi"
    assert reviewer_client.get(url).status_code == 200  # the TPI reads it…
    assert post_fact(reviewer_client, url, "opini-bpk", "WTP").status_code == 403  # …the admin records it
    assert member_client.get(url).status_code == 404
    # The unit sees the instansi's facts on its own page, read-only.
    unit_view = member_client.get(unit_page(ws)).content.decode()
    assert "Wajar Dengan Pengecualian (WDP)" in unit_view.split("Syarat tingkat instansi")[1]


def test_the_overview_shows_score_readiness_and_prerequisites_apart(member_client, ws):
    page = member_client.get(ws.get_absolute_url()).content.decode()
    line = page.split('data-testid="verdict-line">')[1].split("</div>")[0]
    assert "Nilai memenuhi WBK" in line and "syarat pengusulan Menuju WBK: 11 belum terpenuhi" not in line
    assert "syarat pengusulan Menuju WBK: 10 belum terpenuhi" in line  # 4 instansi + 6 unit, none recorded
    assert "menunggu persetujuan TPI" in page.split('data-testid="not-proposable"')[1]
    assert 'data-testid="verdict-basis">Kesiapan menurut penilaian mandiri unit' in page


def test_stranas_pk_units_of_a_regional_government_may_be_proposed_meanwhile(member_client, instansi, unit, ws):
    Unit.objects.filter(pk=unit.pk).update(stranas_pk_service="dukcapil")
    score_store.refresh([ws.pk])
    page = member_client.get(unit_page(ws)).content.decode()
    assert "Pengecualian Stranas PK: Kependudukan dan Pencatatan Sipil" in page.split('data-testid="exemption"')[1]
    assert "dikecualikan (Stranas PK: Kependudukan dan Pencatatan Sipil)" in page
    assert WorksheetScore.objects.get(worksheet=ws, value_set="unit").prereq_exempt
    # Not for a ministry's unit.
    Instansi.objects.filter(pk=instansi.pk).update(kind=Instansi.Kind.KEMENTERIAN)
    score_store.refresh([ws.pk])
    page = member_client.get(unit_page(ws)).content.decode()
    assert 'data-testid="exemption"' not in page and "hanya berlaku bagi unit pemerintah daerah" in page
    assert not WorksheetScore.objects.get(worksheet=ws, value_set="unit").prereq_exempt


def test_the_round_prerequisites_page_has_a_fixed_number_of_queries(admin_client_zi, instansi, round_open,
                                                                    django_assert_num_queries):
    for i in range(3):
        f.worksheet(round_open, f.unit(instansi, f"Unit {i}"))
    url = reverse("evaluations:round_prerequisites", args=[round_open.pk])
    admin_client_zi.get(url)
    # session, user, memberships, round, definitions, the instansi's records, unit count, unit rows, the
    # instansi's history — no transaction around it (an upload is read before any lock is taken).
    with django_assert_num_queries(9):
        page = admin_client_zi.get(url).content.decode()
    assert page.count('data-testid="row"') == 3
    for i in range(3, 8):
        f.worksheet(round_open, f.unit(instansi, f"Unit {i}"))
    with django_assert_num_queries(9):
        page = admin_client_zi.get(url).content.decode()
    assert page.count('data-testid="row"') == 8
    assert Membership.objects.exists()


def test_a_pencanangan_date_that_has_not_happened_is_refused(reviewer_client, ws):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = post_fact(reviewer_client, unit_page(ws), "membangun-wbk", tomorrow)
    assert response.status_code == 400 and "Tanggal ini belum lewat" in response.content.decode()
    assert not PrerequisiteRecord.objects.filter(worksheet=ws).exists()
    response = post_fact(reviewer_client, unit_page(ws), "membangun-wbk", "2025-03-17")
    assert response.status_code == 302
    timeline = reviewer_client.get(ws.get_absolute_url()).content.decode().split('data-testid="timeline"')[1]
    assert "17 Maret 2025" in timeline and "2025-03-17" not in timeline
