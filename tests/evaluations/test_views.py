"""Pages as their users see them: landing by role, worksheet overview, queue, round overview."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evaluations.models import Answer, Round, Worksheet
from evaluations.views.review import QUEUE_PER_PAGE
from tests import factories as f
from units.models import Membership

pytestmark = pytest.mark.django_db


def test_login_page_is_indonesian(client):
    page = client.get(reverse("login")).content.decode()
    assert "Masuk ke ZI Tracker" in page and 'lang="id"' in page


def test_wrong_password_says_so_and_keeps_the_username(client, member):
    response = client.post(reverse("login"), {"username": "operator", "password": "salah"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in page
    assert 'value="operator"' in page


def test_login_then_home_takes_the_operator_to_the_worksheet(client, member, worksheet):
    response = client.post(reverse("login"), {"username": "operator", "password": f.PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == worksheet.get_absolute_url()
    assert "Kertas kerja LKE ZI" in response.content.decode()


def test_home_takes_tpi_to_the_queue(reviewer_client):
    assert reviewer_client.get(reverse("home"))["Location"] == reverse("evaluations:review_queue")


def test_home_takes_admin_to_the_open_round(admin_client_zi, round_open):
    assert admin_client_zi.get(reverse("home"))["Location"] == reverse("evaluations:round_detail", args=[round_open.pk])


def test_home_without_open_round_takes_admin_to_the_round_list(admin_client_zi):
    assert admin_client_zi.get(reverse("home"))["Location"] == reverse("evaluations:round_list")


def test_home_without_role_explains(client):
    client.force_login(f.user("baru"))
    page = client.get(reverse("home")).content.decode()
    assert "belum memiliki peran" in page


def test_operator_goes_to_the_open_round_not_last_years(member_client, unit, instansi, round_open):
    ws = f.worksheet(round_open, unit)
    f.worksheet(f.round_(instansi, year=2025, status=Round.Status.CLOSED), unit)
    assert member_client.get(reverse("home"))["Location"] == ws.get_absolute_url()


def test_operator_of_two_units_gets_the_list(member, member_client, unit, other_unit, instansi, round_open):
    Membership.objects.create(user=member, instansi=instansi, unit=other_unit, role=Membership.Role.OPERATOR)
    f.worksheet(round_open, unit)
    f.worksheet(round_open, other_unit)
    assert member_client.get(reverse("home"))["Location"] == reverse("evaluations:my_worksheets")


def test_logout_is_a_post_and_ends_the_session(member_client):
    assert member_client.post(reverse("logout")).status_code == 302
    assert member_client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_worksheet_overview_shows_scores_progress_and_deadline(member_client, round_open, unit):
    ws = f.worksheet(round_open, unit, answers="best")
    page = member_client.get(ws.get_absolute_url()).content.decode()
    assert 'data-testid="unit-total">100,00<' in page  # Indonesian decimals
    assert "127 dari 127 terjawab" in page  # 137 rows less 8 computed percentages and 2 computed counts
    assert "Manajemen Perubahan" in page and "Pelayanan Publik yang Prima" in page
    assert "WIB" in page
    assert "Siap WBK" in page  # the unit holds no WBK yet, so not WBBM


def test_worksheet_overview_shows_tpi_scores_once_given(member_client, round_open, unit):
    ws = f.worksheet(round_open, unit, answers="best")
    page = member_client.get(ws.get_absolute_url()).content.decode()
    assert 'data-testid="tpi-total">—<' in page and "belum dinilai" in page
    answers = Answer.objects.filter(worksheet=ws)
    answers.update(tpi_option=F("unit_option"), tpi_number=F("unit_number"))
    Worksheet.objects.filter(pk=ws.pk).update(status="approved")
    # Penyusunan Tim Kerja (weight 0.5) has n questions; one "Tidak" costs 0.5 / n points.
    n = answers.filter(question__indicator__name="Penyusunan Tim Kerja").count()
    answers.filter(question__key="I.pemenuhan.i.a").update(tpi_option="Tidak")
    page = member_client.get(ws.get_absolute_url()).content.decode()
    expected = f"{100 - 0.5 / n:.2f}".replace(".", ",")
    assert f'data-testid="tpi-total">{expected}<' in page


def test_unit_does_not_see_tpi_values_while_the_review_is_under_way(client, member, reviewer, round_open, unit):
    ws = f.worksheet(round_open, unit, answers="best", status="in_review", reviewers=[reviewer])
    Answer.objects.filter(worksheet=ws).update(tpi_option=F("unit_option"), tpi_number=F("unit_number"),
                                               tpi_note="Catatan kerja TPI")
    client.force_login(member)
    assert 'data-testid="tpi-total">—<' in client.get(ws.get_absolute_url()).content.decode()
    area = reverse("evaluations:area_detail", args=[ws.pk, "I"])
    assert "Catatan kerja TPI" not in client.get(area).content.decode()
    client.force_login(reviewer)
    assert 'data-testid="tpi-total">100,00<' in client.get(ws.get_absolute_url()).content.decode()
    assert "Catatan kerja TPI" in client.get(area).content.decode()


def test_review_queue_lists_assigned_oldest_submission_first(reviewer_client, reviewer, instansi, round_open):
    a, b, c = (f.worksheet(round_open, f.unit(instansi, name), reviewers=[reviewer])
               for name in ["Dinas A", "Dinas B", "Dinas C"])
    f.worksheet(round_open, f.unit(instansi, "Dinas Tak Ditugaskan"))
    now = timezone.now()
    Worksheet.objects.filter(pk=a.pk).update(status="submitted", submitted_at=now)
    Worksheet.objects.filter(pk=b.pk).update(status="submitted", submitted_at=now - timedelta(days=2))
    page = reviewer_client.get(reverse("evaluations:review_queue")).content.decode()
    assert page.index("Dinas B") < page.index("Dinas A")  # waiting for the TPI: oldest submission first
    assert "Dinas C" not in page and "Dinas Tak Ditugaskan" not in page  # still filling in; not assigned
    everything = reviewer_client.get(reverse("evaluations:review_queue") + "?status=semua").content.decode()
    assert everything.index("Dinas B") < everything.index("Dinas A") < everything.index("Dinas C")
    filtered = reviewer_client.get(reverse("evaluations:review_queue") + "?status=draft").content.decode()
    assert "Dinas C" in filtered and "Dinas A" not in filtered


def test_review_queue_shows_admins_handed_in_worksheets_without_a_tpi(admin_client_zi, reviewer, instansi,
                                                                       round_open):
    f.worksheet(round_open, f.unit(instansi, "Dinas Bertim"), status="submitted", reviewers=[reviewer])
    f.worksheet(round_open, f.unit(instansi, "Dinas Tanpa Tim"), status="submitted")
    f.worksheet(round_open, f.unit(instansi, "Dinas Masih Mengisi"))
    url = reverse("evaluations:review_queue")
    page = admin_client_zi.get(url).content.decode()
    assert "1 kertas kerja yang sudah diajukan belum memiliki anggota TPI" in page
    assert "Dinas Masih Mengisi" not in page  # nothing to review yet
    row = page.split("Dinas Tanpa Tim", 1)[1].split("</tr>", 1)[0]
    assert "Belum ada" in row
    unassigned = admin_client_zi.get(url + "?tpi=belum").content.decode()
    assert "Dinas Tanpa Tim" in unassigned and "Dinas Bertim" not in unassigned


def test_review_queue_searches_and_pages_with_a_fixed_number_of_queries(admin_client_zi, reviewer, instansi,
                                                                         round_open, django_assert_num_queries):

    for i in range(QUEUE_PER_PAGE + 5):
        f.worksheet(round_open, f.unit(instansi, f"Puskesmas {i:03d}"), status="submitted", reviewers=[reviewer])
    url = reverse("evaluations:review_queue")
    admin_client_zi.get(url)
    with django_assert_num_queries(10):
        first = admin_client_zi.get(url).content.decode()
    assert first.count('data-testid="reviewers"') == QUEUE_PER_PAGE and "Halaman 1 dari 2" in first
    second = admin_client_zi.get(url + "?page=2").content.decode()
    assert second.count('data-testid="reviewers"') == 5
    found = admin_client_zi.get(url + "?q=Puskesmas 007").content.decode()
    assert found.count('data-testid="reviewers"') == 1


def test_worksheet_detail_query_count_is_fixed(member_client, round_open, unit, django_assert_num_queries):
    ws = f.worksheet(round_open, unit, answers="best")
    f.attach_links(ws.answers.select_related("worksheet__unit")[:30], url="https://drive.pemda.go.id/x")
    member_client.get(ws.get_absolute_url())
    # savepoint, session, user, memberships, worksheet, the template's stamp (template, rules and
    # prerequisite definitions are kept by the process), answers (scores), prerequisite records,
    # answers with evidence counts (missing), questions (missing), events, whether anything is entered
    # yet (the offer to start from the previous period), release.
    with django_assert_num_queries(13):
        page = member_client.get(ws.get_absolute_url()).content.decode()
    assert 'data-testid="unit-total">100,00<' in page and "Siap WBK" in page


def test_numbers_use_indonesian_format(member_client, round_open, unit):
    ws = f.worksheet(round_open, unit)
    Answer.objects.filter(worksheet=ws, question__key="H-I.hasil.i.a").update(unit_number=Decimal("3.5"))
    page = member_client.get(ws.get_absolute_url()).content.decode()
    assert "15,31" in page  # 3.5 / 4 × 17.5 = 15.3125


def test_membership_roles_drive_the_navigation(client, instansi, unit):
    user = f.member(instansi, Membership.Role.ADMIN, None, "admin.nav")
    client.force_login(user)
    page = client.get(reverse("evaluations:round_list")).content.decode()
    assert "Periode evaluasi" in page and "Antrean reviu" in page


def test_review_queue_and_my_worksheets_query_counts_do_not_grow(reviewer_client, reviewer, member, instansi,
                                                                 round_open, unit, django_assert_num_queries):
    for i in range(3):
        f.worksheet(round_open, f.unit(instansi, f"Dinas Antre {i}"), reviewers=[reviewer])
    url = reverse("evaluations:review_queue") + "?status=semua"
    reviewer_client.get(url)
    # savepoint, session, user, memberships, status counts, page count, worksheets, their TPI members, release.
    with django_assert_num_queries(9):
        reviewer_client.get(url)
    for i in range(3, 7):
        f.worksheet(round_open, f.unit(instansi, f"Dinas Antre {i}"), reviewers=[reviewer])
    with django_assert_num_queries(9):
        assert reviewer_client.get(url).content.decode().count("Dinas Antre") == 7
    op = Client()
    op.force_login(member)
    for year in (2024, 2025):
        f.worksheet(f.round_(instansi, year=year, status=Round.Status.CLOSED), unit)
    op.get(reverse("evaluations:my_worksheets"))
    with django_assert_num_queries(6):
        assert op.get(reverse("evaluations:my_worksheets")).content.decode().count("Evaluasi ZI") >= 2
