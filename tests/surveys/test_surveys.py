"""Surveys SPAK/SPKP: the public page, its abuse controls, append-only responses, exclusions with a
reason, closing into the worksheet, the poster, and results in a fixed number of queries."""

import datetime
import io
import re
from decimal import Decimal

import pytest
import zxingcpp
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from evaluations import services as evaluation_services
from evaluations.models import Answer, Evidence, Question, WorksheetEvent
from surveys import selectors
from surveys import services as surveys
from surveys import tasks as survey_tasks
from surveys.models import AccessCode, Exclusion, Response, ResponseAnswer, SurveyPeriod
from tests import factories as f
from tests.test_permission_matrix import discovered

pytestmark = pytest.mark.django_db


@pytest.fixture
def period(member, unit, round_open):
    p = surveys.period_create(user=member, unit=unit, round_=round_open, opens_on=timezone.localdate(),
                              closes_on=timezone.localdate() + datetime.timedelta(days=30),
                              services=["KTP-el", "Kartu Keluarga", "Akta Kelahiran"])
    return surveys.period_open(user=member, period=p)


def _answers(period, value=4):
    return dict.fromkeys(selectors.item_ranges(period), value)


def _post(client, period, *, value=4, service=None, **extra):
    page = client.get(reverse("surveys:respond", args=[period.token]))
    started = re.search(r'name="t" value="([^"]+)"', page.content.decode()).group(1)
    data = {"service": (service or period.services.first()).pk, "t": started, "website": "",
            **{f"q{pk}": value for pk in selectors.item_ranges(period)}, **extra}
    return client.post(reverse("surveys:respond", args=[period.token]), data)


def test_the_public_page_needs_no_login_works_without_javascript_and_is_small(client, period, settings):
    page = client.get(reverse("surveys:respond", args=[period.token]))
    html = page.content.decode()
    assert page.status_code == 200 and "<script" not in html and "bootstrap" not in html
    assert len(page.content) < 40_000  # 14 questions, a cheap phone on a slow line
    assert html.count('data-testid="item"') == 14 and "Privasi Anda" in html and "KTP-el" in html
    assert page.cookies["zi_survei"]["httponly"]  # the per-device token
    assert client.get(reverse("surveys:respond", args=["tidak-ada"])).status_code == 404


def test_a_response_is_written_once_with_a_receipt_and_an_unanswered_question_is_said_next_to_it(
        client, period, settings):
    settings.SURVEY_MIN_SECONDS = 0
    item = next(iter(selectors.item_ranges(period)))
    bad = _post(client, period, **{f"q{item}": ""})
    html = bad.content.decode()
    assert bad.status_code == 400 and "Pilih salah satu jawaban." in html
    assert html.count("checked") >= 13  # what was chosen is still chosen
    assert not Response.objects.exists()
    done = _post(client, period)
    assert done.status_code == 302 and done["Location"].endswith("/terima-kasih/")  # no receipt in any log
    response = Response.objects.get()
    assert response.answers.count() == 14 and response.flags == ""
    assert response.digest == surveys.digest(period.pk, response.service_id, response.receipt, _answers(period))
    thanks = client.get(done["Location"]).content.decode()
    assert response.receipt in thanks


def test_responses_are_append_only_no_update_path(period):
    submitted = surveys.response_submit(period=period, service=period.services.first(), values=_answers(period),
                                        seconds=60)
    response = submitted.response
    response.flags = "diubah"
    with pytest.raises(ValidationError):
        response.save()
    answer = ResponseAnswer.objects.filter(response=response).first()
    answer.value = 1
    with pytest.raises(ValidationError):
        answer.save()
    model_admin = admin.site._registry[Response]
    assert not model_admin.has_change_permission(None) and not model_admin.has_delete_permission(None)
    assert not model_admin.has_add_permission(None)
    # No view changes a response: the only URL that touches one is the exclusion (a row of its own).
    names = [n for _route, n, _p in discovered() if n and n.startswith("surveys:")]
    assert [n for n in names if "jawaban" in _route_of(n)] == ["surveys:exclude"]
    assert not [n for n in dir(surveys) if "update" in n or "edit" in n]


def _route_of(name):
    return next(route for route, n, _p in discovered() if n == name)


def test_a_one_time_code_admits_one_response(client, period, member, settings):
    settings.SURVEY_MIN_SECONDS = 0
    SurveyPeriod.objects.filter(pk=period.pk).update(require_code=True)
    period.refresh_from_db()
    code = surveys.codes_generate(user=member, period=period, count=3)[0]
    missing = _post(client, period)
    assert missing.status_code == 400 and "Masukkan kode survei" in missing.content.decode()
    wrong = _post(client, period, code="XXXXXXXX")
    assert wrong.status_code == 400 and "tidak dikenal atau sudah dipakai" in wrong.content.decode()
    assert _post(client, period, code=code.lower()).status_code == 302  # typed in lower case: the same code
    again = _post(client, period, code=code)
    assert again.status_code == 400 and "sudah dipakai" in again.content.decode()
    assert Response.objects.count() == 1 and AccessCode.objects.get(code=code).used
    assert not hasattr(Response, "code")  # which response used which code is never kept
    assert set(code) <= set(surveys.CODE_ALPHABET) and len(code) == 8


def test_rate_limit_per_client_flags_then_refuses_and_suspicions_are_flagged_not_dropped(client, period, settings):
    settings.SURVEY_RATE_FLAG, settings.SURVEY_RATE_LIMIT, settings.SURVEY_MIN_SECONDS = 2, 3, 0
    for _ in range(2):
        assert _post(client, period).status_code == 302
    assert _post(client, period).status_code == 302
    refused = _post(client, period)
    assert refused.status_code == 429 and "Terlalu banyak jawaban" in refused.content.decode()
    flags = list(Response.objects.order_by("pk").values_list("flags", flat=True))
    assert flags[0] == "" and "perangkat" in flags[1] and "jaringan" in flags[2]  # same browser; many from one address
    # A robot's hidden field, and a form sent within seconds: kept and flagged for an admin to decide.
    settings.SURVEY_MIN_SECONDS, settings.SURVEY_RATE_LIMIT = 60, 100
    other = f.user("lain")
    del other
    client.cookies.pop("zi_survei")
    _post(client, period, website="http://spam.example")
    last = Response.objects.order_by("-pk").first()
    assert "honeypot" in last.flags and "cepat" in last.flags
    assert len(Response.objects.all()) == 4
    # The client's address is kept only as a salted hash, never as it is.
    assert all(len(c) == 64 and "127.0.0.1" not in c for c in Response.objects.values_list("client", flat=True))


def test_an_admin_excludes_with_a_reason_and_the_results_say_so(client, period, admin_user, member):
    one = surveys.response_submit(period=period, service=period.services.first(), values=_answers(period, 4),
                                  seconds=60).response
    two = surveys.response_submit(period=period, service=period.services.first(), values=_answers(period, 1),
                                  seconds=1).response
    assert selectors.results(period).spak.overall.value == Decimal("2.50")
    with pytest.raises(PermissionDenied):
        surveys.response_exclude(user=member, response=two, reason="diisi petugas")
    client.force_login(admin_user)
    url = reverse("surveys:exclude", args=[period.pk, two.pk])
    short = client.post(url, {"reason": "x"})
    assert short.status_code == 400 and not Exclusion.objects.exists()
    client.post(url, {"reason": "Diisi petugas loket, terlihat di CCTV"})
    data = selectors.results(period)
    assert data.respondents == 1 and data.excluded == 1 and data.spak.overall.value == Decimal("4.00")
    page = client.get(reverse("surveys:results", args=[period.pk])).content.decode()
    assert "Diisi petugas loket, terlihat di CCTV" in page and two.receipt in page
    assert f'value="{period.closes_on.isoformat()}"' in page  # the dates to move, filled in (a date input)
    assert Response.objects.filter(pk=two.pk).exists() and one.answers.count() == 14  # nothing deleted


def test_closing_seals_erases_client_hashes_and_hands_both_values_to_the_worksheet_with_audit_and_evidence(
        client, period, admin_user, round_open, unit):
    worksheet = f.worksheet(round_open, unit)
    services_ = list(period.services.all())
    for i in range(31):
        surveys.response_submit(period=period, service=services_[i % 2], values=_answers(period, 3 + i % 2),
                                client_ip=f"10.0.0.{i}", seconds=90)
    client.force_login(admin_user)
    page = client.get(reverse("surveys:results", args=[period.pk])).content.decode()
    assert "Akta Kelahiran" in page and 'data-testid="coverage-warning"' in page  # a service with no answers
    unconfirmed = client.post(reverse("surveys:close", args=[period.pk]))
    assert unconfirmed.status_code == 400 and "Centang pernyataan ini" in unconfirmed.content.decode()
    client.post(reverse("surveys:close", args=[period.pk]), {"confirm": "on"})
    period.refresh_from_db()
    assert period.status == "closed" and len(period.seal) == 64
    assert not Response.objects.exclude(client="").exists()
    value = selectors.results(period).spkp.overall.value
    ipkp = Answer.objects.get(worksheet=worksheet, question__key="H-II.hasil.i.a")
    ipak = Answer.objects.get(worksheet=worksheet, question__key="H-I.hasil.i.a")
    assert ipkp.unit_number == value and ipkp.unit_source == "survey" and "31 responden" in ipkp.unit_source_detail
    assert ipak.unit_number == selectors.results(period).spak.overall.value
    evidence = Evidence.objects.get(answer=ipkp)
    assert evidence.document.url.endswith(reverse("surveys:results", args=[period.pk]))
    event = WorksheetEvent.objects.get(answer=ipkp, field="unit_value")
    assert event.actor == admin_user and event.new_value == str(value).replace(".", ",")
    assert surveys_answers_cannot_come_in_after_close(client, period)


def surveys_answers_cannot_come_in_after_close(client, period):
    page = client.get(reverse("surveys:respond", args=[period.token])).content.decode()
    return 'data-testid="survey-closed"' in page and "<form" not in page


def test_a_submitted_worksheet_is_not_changed_by_the_survey_and_the_results_say_why(period, admin_user, round_open,
                                                                                    unit):
    worksheet = f.worksheet(round_open, unit, status="submitted")
    surveys.response_submit(period=period, service=period.services.first(), values=_answers(period), seconds=60)
    handoffs = surveys.period_close(user=admin_user, period=period)
    assert all("sudah dikirim" in h.outcome for h in handoffs)
    assert not Answer.objects.filter(worksheet=worksheet, question__key="H-I.hasil.i.a", unit_number__isnull=False)


def test_the_poster_carries_a_qr_code_of_the_public_page(client, period, member, settings):
    settings.SITE_URL = "https://zi.sukamajukab.go.id"
    client.force_login(member)
    service = period.services.first()
    png = client.get(reverse("surveys:poster", args=[period.pk, service.pk, "png"]))
    image = Image.open(io.BytesIO(png.content))
    assert image.size == (1240, 1754)  # A4 at 150 dpi
    texts = [r.text for r in zxingcpp.read_barcodes(image)]
    assert texts == [f"https://zi.sukamajukab.go.id/s/{period.token}/?layanan={service.pk}"]  # the public address
    pdf = client.get(reverse("surveys:poster", args=[period.pk, 0, "pdf"]))
    assert pdf.content.startswith(b"%PDF") and b"/MediaBox [ 0 0 595.2 841.92 ]" in pdf.content  # A4 in points
    assert client.get(reverse("surveys:poster", args=[period.pk, 0, "exe"])).status_code == 404


def test_results_of_many_responses_in_a_fixed_number_of_queries_and_the_export(client, period, admin_user,
                                                                               django_assert_num_queries):
    client.force_login(admin_user)
    url = reverse("surveys:results", args=[period.pk])
    for i in range(3):
        surveys.response_submit(period=period, service=period.services.first(), values=_answers(period, 2 + i % 3),
                                seconds=60)
    client.get(url)
    # session, user, memberships, the period; services, counts, per service, the item sums, exclusions,
    # flagged; the worksheet and its answers (readiness change); hand-offs; the savepoint pair
    with django_assert_num_queries(14) as first:
        client.get(url)
    for i in range(40):
        surveys.response_submit(period=period, service=list(period.services.all())[i % 3],
                                values=_answers(period, 1 + i % 4), seconds=1)
    with django_assert_num_queries(len(first.captured_queries)):
        html = client.get(url).content.decode()
    assert 'data-testid="respondents">43<' in html.replace("\n", "")
    book = load_workbook(io.BytesIO(client.get(reverse("surveys:results_export", args=[period.pk])).content))
    assert book.sheetnames == ["Ringkasan", "Perhitungan", "Jawaban"]
    rows = list(book["Jawaban"].iter_rows(values_only=True))
    assert len(rows) == 44 and rows[0][:3] == ("Tanda terima", "Tanggal", "Jenis layanan")
    assert all("127.0.0.1" not in str(r) for r in rows)  # anonymised


def test_an_instansi_adapts_an_instrument_as_a_new_version_and_open_surveys_keep_theirs(
        client, period, admin_user, instansi, member, other_unit, round_open):
    national = period.spak
    client.force_login(admin_user)
    url = reverse("surveys:instrument_adapt", args=[instansi.pk, national.pk])
    form = client.get(url).content.decode()
    first = national.items.order_by("order").first()
    data = {"title": "SPAK Pemkab Uji", "intro": "", "scale_min": "1", "scale_max": "5",
            **{f"text_{i.pk}": i.text for i in national.items.all()},
            **{f"labels_{i.pk}": " | ".join(i.labels) for i in national.items.all()},
            "new_aspect_1": "P4", "new_text_1": "Tidak ada biaya tambahan untuk mempercepat layanan.",
            "new_labels_1": "STS | TS | R | S | SS"}
    assert "Kosongkan untuk tidak memakai butir ini." in form
    wrong = client.post(url, data)  # four labels on a five-point scale
    assert wrong.status_code == 400 and "Tulis 5 keterangan" in wrong.content.decode()
    assert "Tidak ada biaya tambahan untuk mempercepat layanan." in wrong.content.decode()  # typed text kept
    data.update({f"labels_{i.pk}": "STS | TS | R | S | SS" for i in national.items.all()})
    data[f"text_{first.pk}"] = "Petugas melayani semua orang sama (rumusan instansi)."
    assert client.post(url, data).status_code == 302
    mine = selectors.current_instrument("spak", instansi.pk)
    assert (mine.instansi, mine.version, mine.based_on, mine.scale_max) == (instansi, 1, national, 5)
    assert mine.items.count() == 6 and mine.items.filter(code="P4.2").exists()
    assert mine.items.get(code=first.code).text.endswith("(rumusan instansi).")
    assert national.items.get(pk=first.pk).text == first.text  # the national version untouched
    period.refresh_from_db()
    assert period.spak == national  # the open survey keeps what it was opened with
    newer = surveys.period_create(user=admin_user, unit=other_unit, round_=round_open,
                                  opens_on=timezone.localdate(), closes_on=timezone.localdate(), services=["A"])
    assert newer.spak == mine and newer.spkp == period.spkp
    # On 1–5, every answer 5 is 4 on the LKE's scale; every answer 3 is 2,5.
    newer = surveys.period_open(user=admin_user, period=newer)
    values = {pk: high for pk, (_low, high) in selectors.item_ranges(newer).items()}
    surveys.response_submit(period=newer, service=newer.services.first(), values=values, seconds=60)
    assert selectors.results(newer).spak.overall.value == Decimal("4.00")
    page = client.get(reverse("surveys:instruments", args=[instansi.pk])).content.decode()
    assert "dikonversi linear ke 1–4" in page
    client.force_login(member)
    assert client.get(url).status_code == 404  # not an instansi page for a unit's operator


def test_the_public_page_tells_nothing_about_other_units_or_the_count(client, period, other_unit, round_open,
                                                                      member):
    surveys.response_submit(period=period, service=period.services.first(), values=_answers(period), seconds=60)
    html = client.get(reverse("surveys:respond", args=[period.token])).content.decode()
    assert other_unit.name not in html and "responden" not in html.lower()
    SurveyPeriod.objects.filter(pk=period.pk).update(status="closed")
    closed = client.get(reverse("surveys:respond", args=[period.token]))
    assert closed.status_code == 200 and "sudah ditutup" in closed.content.decode()
    refused = client.post(reverse("surveys:respond", args=[period.token]), {"service": "1"})
    assert refused.status_code == 410 and Response.objects.count() == 1


def test_a_survey_value_stays_labelled_after_other_saves_and_a_typed_value_is_not_overwritten(
        client, period, admin_user, member, round_open, unit):
    worksheet = f.worksheet(round_open, unit)
    ipkp_q = Question.objects.get(version=round_open.version, key="H-II.hasil.i.a")
    ipak_q = Question.objects.get(version=round_open.version, key="H-I.hasil.i.a")
    evaluation_services.answer_save(user=member, worksheet=worksheet, question=ipak_q, number=Decimal("3.10"),
                                    explanation="Survei BPS 2026", revision=0)  # an external survey, typed
    for _ in range(3):
        surveys.response_submit(period=period, service=period.services.first(), values=_answers(period, 4),
                                seconds=60)
    handoffs = surveys.period_close(user=admin_user, period=period)
    ipak, ipkp = (Answer.objects.get(worksheet=worksheet, question=q) for q in (ipak_q, ipkp_q))
    assert ipak.unit_number == Decimal("3.10") and ipak.unit_source == ""  # the unit's typed value stays
    assert [h.written for h in handoffs] == [False, True] and "tidak ditimpa" in handoffs[0].outcome
    # An explanation saved later keeps the survey's label; a new number makes it a typed value.
    evaluation_services.answer_save(user=member, worksheet=worksheet, question=ipkp_q, number=ipkp.unit_number,
                                    explanation="Hasil survei aplikasi", revision=ipkp.revision)
    ipkp.refresh_from_db()
    assert ipkp.unit_source == "survey"
    # The admin decides: another value needs a reason; the survey's own value replaces the typed one.
    client.force_login(admin_user)
    url = reverse("surveys:fix_value", args=[period.pk])
    no_reason = client.post(url, {"kind": "spak", "value": "3,50"})
    assert no_reason.status_code == 400 and "Tulis alasan" in no_reason.content.decode()
    assert "3,50" in no_reason.content.decode()  # what was typed stays
    client.post(url, {"kind": "spak", "value": "", "reason": ""})
    ipak.refresh_from_db()
    assert ipak.unit_number == Decimal("4.00") and ipak.unit_source == "survey"
    assert "survei aplikasi" in ipak.unit_source_detail


def test_the_nightly_job_closes_an_ended_survey_and_the_overview_waits_for_the_admin(client, period, admin_user,
                                                                                     instansi):
    surveys.response_submit(period=period, service=period.services.first(), values=_answers(period), seconds=60)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    SurveyPeriod.objects.filter(pk=period.pk).update(opens_on=yesterday, closes_on=yesterday)
    assert survey_tasks.nightly() == 1
    period.refresh_from_db()
    assert period.status == "closed" and period.seal
    assert not any(h.written for h in period.handoffs.all())
    client.force_login(admin_user)
    overview = client.get(reverse("surveys:instansi", args=[instansi.pk])).content.decode()
    assert "menunggu admin" in overview
