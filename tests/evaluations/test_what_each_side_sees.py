"""What each side sees (real-round walk-through): the unit's own last save, the TPI's result once it
has decided, "menunggu reviu ulang" after a resubmission, counts compared and computed rows fresh on
the TPI sheet, and a pointer to the review sheet for the TPI on the unit's pages."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations import services
from evaluations.models import Answer
from tests import factories as f
from tests.evaluations.test_review import q, tpi_save

pytestmark = pytest.mark.django_db

KEY = "I.pemenuhan.i.b"


def area(client, ws, code="I"):
    return client.get(reverse("evaluations:area_detail", args=[ws.pk, code])).content.decode()


def card(page, key):
    start = page.index(f'data-testid="question-{key}"')
    return page[start:page.find('data-testid="question-', start + 10)]


def return_fix_resubmit(ws, reviewer, member, kepala):
    """The TPI flags KEY (A → B) and returns; the operator answers A again; the kepala resubmits."""
    tpi_save(reviewer, ws, KEY, "B", note="Lampirkan SK", flag=True)
    services.review_return(user=reviewer, worksheet=ws, comment="Perbaiki")
    a = Answer.objects.get(worksheet=ws, question__key=KEY)
    services.answer_save(user=member, worksheet=ws, question=q(KEY), option="A", explanation="SK terlampir",
                         revision=a.revision)
    services.worksheet_submit(user=kepala, worksheet=ws)


def test_the_units_card_shows_the_units_own_last_save_not_the_tpis(client, member, reviewer, submitted):
    """Bug: "Tersimpan … oleh" took the time of the TPI's later save (updated_at) with the operator's name."""
    unit_saved = timezone.now() - timedelta(days=3)
    Answer.objects.filter(worksheet=submitted, question__key=KEY).update(unit_updated_at=unit_saved,
                                                                           updated_by=member)
    tpi_save(reviewer, submitted, KEY, "B", note="Belum mewakili semua bidang", flag=True)
    services.review_return(user=reviewer, worksheet=submitted, comment="Perbaiki")
    client.force_login(member)
    mine = card(area(client, submitted), KEY)
    local = timezone.localtime(unit_saved)
    assert f"Tersimpan {local.day} " in mine and local.strftime("%H.%M") in mine
    assert "Dinilai " in mine and reviewer.get_full_name() in mine  # the TPI's save is the TPI's


def test_once_decided_the_unit_sees_the_tpis_value_note_and_scores(client, member, reviewer, submitted):
    tpi_save(reviewer, submitted, KEY, "B", note="Belum mewakili semua bidang", flag=True)
    client.force_login(member)
    during = area(client, submitted)
    assert 'data-testid="tpi-result"' not in during and "Belum mewakili" not in during  # the TPI's work in progress
    services.review_return(user=reviewer, worksheet=submitted, comment="Perbaiki")
    page = area(client, submitted)
    mine = card(page, KEY)
    assert 'data-testid="tpi-value">B<' in mine and 'data-testid="tpi-differs"' in mine
    assert "Belum mewakili semua bidang" in mine
    assert "sama dengan jawaban unit" in card(page, "I.pemenuhan.i.a")
    # Penyusunan Tim Kerja (0.5): unit 0,50; TPI (1 + 0.5) / 2 × 0.5 = 0,375 → 0,38.
    assert 'data-testid="indicator-tpi-score">0,38<' in page
    assert 'data-testid="tpi-area-score">' in page


def test_after_a_resubmission_the_overview_says_waiting_for_the_re_review(client, member, kepala, reviewer,
                                                                           submitted):
    client.force_login(member)
    assert "menunggu reviu TPI" in client.get(submitted.get_absolute_url()).content.decode()
    return_fix_resubmit(submitted, reviewer, member, kepala)
    page = client.get(submitted.get_absolute_url()).content.decode()
    assert "menunggu reviu ulang" in page and "belum dinilai" not in page


def test_a_count_the_tpi_changes_is_marked_and_its_percentage_comes_back_with_the_save(client, reviewer, submitted):
    """LHKPN: a = f / b with b = c + d + e. The TPI corrects f; the saved card comes back with a's
    new value out of band (it stayed stale until a reload), and f is marked "Nilai berbeda"."""
    services.review_start(user=reviewer, worksheet=submitted)
    f_answer = Answer.objects.get(worksheet=submitted, question__key="V.reform.iii.f")
    total = sum(Answer.objects.get(worksheet=submitted, question__key=f"V.reform.iii.{c}").unit_number
                for c in "cde")
    client.force_login(reviewer)
    response = client.post(reverse("evaluations:review_answer_save", args=[submitted.pk, f_answer.question_id]),
                           {"number": "0", "note": "", "revision": f_answer.revision}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and total > 0
    percent = q("V.reform.iii.a")
    assert f'id="tpi-computed-{percent.pk}"' in body and 'hx-swap-oob="true"' in body
    computed = body[body.index(f'id="tpi-computed-{percent.pk}"'):]
    assert "0,00%" in computed[:600]
    assert 'data-testid="value-differs"' in body  # the count itself
    page = client.get(reverse("evaluations:review_area", args=[submitted.pk, "V"])).content.decode()
    unchanged = page[page.index('data-testid="review-V.reform.iii.c"'):page.index('data-testid="review-V.reform.iii.d"')]
    assert 'data-testid="value-differs"' not in unchanged


def test_the_tpi_sheet_carries_what_the_live_preview_reads(client, reviewer, submitted):
    client.force_login(reviewer)
    page = client.get(reverse("evaluations:review_area", args=[submitted.pk, "V"])).content.decode()
    f_value = Answer.objects.get(worksheet=submitted, question__key="V.reform.iii.f").unit_number
    assert f'data-count-code="f" data-count-value="{Decimal(f_value)}"' in page  # before the review: the unit's
    assert 'data-formula="f / b"' in page and "data-computed-output" in page


def test_the_tpi_on_the_units_pages_is_pointed_to_the_review_sheet(client, reviewer, submitted):
    client.force_login(reviewer)
    page = area(client, submitted, "II")
    assert "hanya dapat diisi oleh operator dan kepala unit" not in page
    assert reverse("evaluations:review_area", args=[submitted.pk, "II"]) in page
    assert 'data-testid="open-review-sheet"' in page
    overview = client.get(submitted.get_absolute_url()).content.decode()
    assert "lembar reviu" in overview


def test_the_hasil_page_names_the_tpi_member_for_the_tpi_value(client, admin_user, reviewer, member, submitted):
    key = "H-I.hasil.i.a"
    tpi_save(reviewer, submitted, key, number=Decimal("3.1"))
    client.force_login(admin_user)
    page = client.get(reverse("evaluations:round_hasil", args=[submitted.round_id])).content.decode()
    assert f'data-testid="hasil-tpi-by">TPI: {reviewer.get_full_name()}' in page


# ----------------------------------------------------------------------------- wording and numbers


def test_the_missing_summary_leaves_out_a_zero_part(member_client, round_open, unit):
    ws = f.worksheet(round_open, unit, answers="best")  # everything answered, no evidence yet
    page = member_client.get(ws.get_absolute_url()).content.decode()
    summary = page[page.index('data-testid="missing-summary"'):][:300]
    assert "pertanyaan belum memiliki bukti dukung" in summary and "belum dijawab" not in summary
    assert "<strong>0</strong>" not in summary


def test_history_shows_numbers_with_the_same_decimals_and_counts_whole(reviewer, submitted):
    tpi_save(reviewer, submitted, "H-I.hasil.i.a", number=Decimal("3.25"))
    tpi_save(reviewer, submitted, "H-I.hasil.i.a", number=Decimal("3.1"))
    tpi_save(reviewer, submitted, "V.reform.iii.c", number=Decimal("1234"))
    events = list(submitted.events.filter(field="tpi_value").order_by("pk").values_list("old_value", "new_value"))
    assert ("3,25", "3,10") in events
    assert events[-1][1] == "1.234" and "," not in events[-1][0]


def test_area_tabs_name_their_areas(member_client, round_open, unit):
    ws = f.worksheet(round_open, unit)
    page = member_client.get(reverse("evaluations:area_detail", args=[ws.pk, "II"])).content.decode()
    nav = page[page.index('data-testid="area-nav"'):page.index("</nav>", page.index('data-testid="area-nav"'))]
    for name in ("I. Manajemen Perubahan", "IV. Penguatan Akuntabilitas", "Pelayanan Publik yang Prima"):
        assert name in nav
    assert 'aria-current="page">II. Penataan Tata Laksana<' in nav


def test_chart_labels_are_whole(admin_client_zi, round_open, unit):
    ws = f.worksheet(round_open, unit, answers="best")
    page = admin_client_zi.get(reverse("evaluations:worksheet_scorecard", args=[ws.pk])).content.decode()
    assert 'data-testid="chart-label">III. Penataan Sistem Manajemen SDM Aparatur<' in page
    assert "…</" not in page.split('data-testid="chart-scores"')[1].split("</figure>")[0]


# ----------------------------------------------------------------------------- a second walk-through


def test_counts_read_with_thousands_grouped_everywhere(client, member, reviewer, submitted):
    Answer.objects.filter(worksheet=submitted, question__key="V.reform.iii.c").update(unit_number=Decimal("1250"))
    client.force_login(member)
    Worksheet = submitted.__class__
    Worksheet.objects.filter(pk=submitted.pk).update(status="draft")
    page = area(client, submitted, "V")
    assert 'value="1.250"' in page  # the count's field, as typed
    Worksheet.objects.filter(pk=submitted.pk).update(status="submitted")
    client.force_login(reviewer)
    review = client.get(reverse("evaluations:review_area", args=[submitted.pk, "V"])).content.decode()
    unit_side = review[review.index('data-testid="review-V.reform.iii.c"'):review.index('data-testid="review-V.reform.iii.d"')]
    assert "<strong>1.250</strong>" in unit_side and 'value="1.250"' in unit_side


def test_the_history_names_questions_in_words_and_keeps_the_tpis_earlier_decision_visible(
        client, member, kepala, reviewer, submitted):
    return_fix_resubmit(submitted, reviewer, member, kepala)
    tpi_save(reviewer, submitted, "I.pemenuhan.i.a", "Tidak", note="Belum diputuskan")  # the new review, not yet decided
    client.force_login(member)
    timeline = client.get(submitted.get_absolute_url()).content.decode().split('data-testid="timeline"')[1]
    assert "Nilai TPI — I · Penyusunan Tim Kerja butir b: A → B" in timeline  # decided before: still seen
    assert "Belum diputuskan" not in timeline and "butir a: Ya → Tidak" not in timeline  # this round's: not yet
    assert KEY not in timeline


def test_after_approval_the_tpi_is_told_the_values_are_final(client, reviewer, submitted):
    services.review_start(user=reviewer, worksheet=submitted)
    services.review_approve(user=reviewer, worksheet=submitted)
    client.force_login(reviewer)
    page = client.get(submitted.get_absolute_url()).content.decode()
    assert "nilai TPI final dan terkunci" in page and "diisi di lembar reviu" not in page


def test_after_a_resubmission_the_review_opens_where_the_unit_changed_something(client, member, kepala, reviewer,
                                                                                 submitted):
    tpi_save(reviewer, submitted, "V.reform.iii.c", number=Decimal("3"), note="Periksa", flag=True)
    services.review_return(user=reviewer, worksheet=submitted, comment="Perbaiki")
    a = Answer.objects.get(worksheet=submitted, question__key="V.reform.iii.c")
    services.answer_save(user=member, worksheet=submitted, question=q("V.reform.iii.c"), number=Decimal("4"),
                         revision=a.revision)
    services.worksheet_submit(user=kepala, worksheet=submitted)
    client.force_login(reviewer)
    page = client.get(submitted.get_absolute_url()).content.decode()
    link = page[page.index('data-testid="open-review"') - 120:page.index('data-testid="open-review"')]
    assert reverse("evaluations:review_area", args=[submitted.pk, "V"]) in link


def test_the_gap_list_names_hasil_areas_and_indicators_say_how_many_are_answered(admin_client_zi, round_open, unit):
    ws = f.worksheet(round_open, unit, answers="best")
    Answer.objects.filter(worksheet=ws, question__key="H-II.hasil.i.a").update(unit_number=Decimal("2"))
    page = admin_client_zi.get(reverse("evaluations:worksheet_scorecard", args=[ws.pk])).content.decode()
    gaps = page.split('data-testid="gap-list"')[1]
    assert "Pelayanan Publik yang Prima</td>" in gaps and "H-II" not in gaps
    sheet = admin_client_zi.get(reverse("evaluations:area_detail", args=[ws.pk, "I"])).content.decode()
    assert "2 dari 2 terjawab" in sheet
