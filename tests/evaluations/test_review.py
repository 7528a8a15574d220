"""TPI review: values starting from the unit's, flags, decisions, races, audit trail, email."""

import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db import connection as conn
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from evaluations import selectors, services
from evaluations.models import Answer, Question, WorksheetEvent
from tests import factories as f
from tests.evaluations.test_services import complete

pytestmark = pytest.mark.django_db


def q(key):
    return Question.objects.get(key=key)


def tpi_save(user, ws, key, option="", number=None, note="", flag=False):
    a = Answer.objects.get(worksheet=ws, question__key=key)
    return services.review_answer_save(user=user, worksheet=ws, question=q(key), option=option, number=number,
                                       note=note, needs_revision=flag, revision=a.revision)


def test_submission_emails_the_assigned_tpi_with_a_link(submitted):
    # worksheet_submit ran inside the fixture and queued the email with it; a worker sends it.
    assert not mail.outbox
    f.run_tasks()
    [message] = [m for m in mail.outbox if "diajukan" in m.subject]
    assert message.to == ["tpi@pemda.go.id"]
    assert submitted.get_absolute_url() in message.body and submitted.unit.name in message.subject


def test_starting_the_review_copies_the_units_values(reviewer, submitted):
    services.review_start(user=reviewer, worksheet=submitted)
    submitted.refresh_from_db()
    assert submitted.status == "in_review"
    a = submitted.answers.get(question__key="I.pemenuhan.i.b")
    assert a.tpi_option == a.unit_option == "A"


def test_first_tpi_value_starts_the_review_and_is_audited(reviewer, submitted):
    tpi_save(reviewer, submitted, "I.pemenuhan.i.b", "B", note="Belum mewakili semua bidang")
    submitted.refresh_from_db()
    assert submitted.status == "in_review"
    event = submitted.events.get(field="tpi_value")
    assert (event.old_value, event.new_value, event.actor, event.comment) == ("A", "B", reviewer,
                                                                              "Belum mewakili semua bidang")
    assert submitted.answers.get(question__key="I.pemenuhan.i.a").tpi_option == "Ya"  # copied, not blank


def test_return_needs_a_flag_and_a_comment_and_gives_back_exactly_those_answers(reviewer, member, submitted):
    services.review_start(user=reviewer, worksheet=submitted)
    with pytest.raises(services.Refused, match="Tandai minimal satu jawaban"):  # a rule, not an access denial
        services.review_return(user=reviewer, worksheet=submitted, comment="Perbaiki")
    tpi_save(reviewer, submitted, "I.pemenuhan.i.b", "B", note="Lampirkan SK", flag=True)
    with pytest.raises(services.Refused, match="Tulis komentar"):
        services.review_return(user=reviewer, worksheet=submitted, comment="  ")
    services.review_return(user=reviewer, worksheet=submitted, comment="Perbaiki jawaban bertanda")
    submitted.refresh_from_db()
    assert submitted.status == "returned"
    services.answer_save(user=member, worksheet=submitted, question=q("I.pemenuhan.i.b"), option="A",
                         explanation="SK terlampir", revision=submitted.answers.get(question__key="I.pemenuhan.i.b").revision)
    with pytest.raises(PermissionDenied):
        services.answer_save(user=member, worksheet=submitted, question=q("I.pemenuhan.i.a"), option="Tidak",
                             revision=submitted.answers.get(question__key="I.pemenuhan.i.a").revision)


def test_unit_cannot_touch_a_worksheet_under_review(reviewer, member, submitted):
    services.review_start(user=reviewer, worksheet=submitted)
    with pytest.raises(PermissionDenied):
        services.answer_save(user=member, worksheet=submitted, question=q("I.pemenuhan.i.a"), option="Tidak",
                             revision=1)


def test_approval_locks_the_tpi_values_and_emails_the_unit(reviewer, submitted):
    tpi_save(reviewer, submitted, "I.pemenuhan.i.b", "B", note="x", flag=True)
    services.review_approve(user=reviewer, worksheet=submitted, comment="Baik")
    f.run_tasks()
    submitted.refresh_from_db()
    assert submitted.status == "approved" and not submitted.answers.filter(needs_revision=True).exists()
    with pytest.raises(PermissionDenied):
        tpi_save(reviewer, submitted, "I.pemenuhan.i.b", "C")
    [message] = [m for m in mail.outbox if "disetujui" in m.subject]
    assert sorted(message.to) == ["kepala@pemda.go.id", "op@pemda.go.id"] and "Baik" in message.body


def test_return_emails_the_unit(reviewer, submitted):
    tpi_save(reviewer, submitted, "I.pemenuhan.i.b", "B", note="Lampirkan SK", flag=True)
    services.review_return(user=reviewer, worksheet=submitted, comment="Perbaiki jawaban bertanda")
    f.run_tasks()
    [message] = [m for m in mail.outbox if "dikembalikan" in m.subject]
    assert "Perbaiki jawaban bertanda" in message.body and submitted.get_absolute_url() in message.body


def test_a_mail_server_outage_keeps_the_email_and_tries_again(reviewer, submitted, settings):
    """The decision stands; the email waits in the queue and is sent when the server is back."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    mail.outbox.clear()
    services.review_approve(user=reviewer, worksheet=submitted)
    f.run_tasks()
    submitted.refresh_from_db()
    assert submitted.status == "approved"
    waiting = DBTaskResult.objects.filter(task_path="evaluations.tasks.send_email", status="READY")
    [retry] = [t for t in waiting if "disetujui" in t.args_kwargs["kwargs"]["subject"]]
    assert retry.args_kwargs["kwargs"]["attempt"] == 2 and retry.run_after > timezone.now()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server is back
    waiting.update(run_after=timezone.now())
    f.run_tasks()
    assert [m.subject for m in mail.outbox if "disetujui" in m.subject]
    assert not waiting.exists()


def test_only_an_admin_reopens_and_needs_a_reason(reviewer, admin_user, submitted):
    services.review_approve(user=reviewer, worksheet=submitted)
    with pytest.raises(PermissionDenied, match="bukan wewenang Anda"):
        services.review_reopen(user=reviewer, worksheet=submitted, comment="x")
    with pytest.raises(services.Refused, match="Tulis komentar"):
        services.review_reopen(user=admin_user, worksheet=submitted, comment="")
    services.review_reopen(user=admin_user, worksheet=submitted, comment="Salah hitung IPAK")
    submitted.refresh_from_db()
    assert submitted.status == "in_review"


def test_an_unassigned_tpi_cannot_decide(instansi, submitted):
    other = f.member(instansi, "tpi", None, "tpi.lain")
    with pytest.raises(PermissionDenied):
        services.review_approve(user=other, worksheet=submitted)


def test_two_decisions_on_one_page_state_the_second_is_refused_and_nothing_half_applied(instansi, reviewer,
                                                                                      submitted):
    other = f.member(instansi, "tpi", None, "tpi.dua")
    submitted.reviewers.add(other)
    tpi_save(reviewer, submitted, "I.pemenuhan.i.b", "B", note="x", flag=True)
    # Both loaded the page while it was "in_review"; the first approves.
    services.review_approve(user=reviewer, worksheet=submitted, expected_status="in_review")
    with pytest.raises(services.DecisionConflict) as err:
        services.review_return(user=other, worksheet=submitted, comment="Kembalikan", expected_status="in_review")
    assert err.value.worksheet.status == "approved" and err.value.last_event.actor == reviewer
    submitted.refresh_from_db()
    assert submitted.status == "approved"
    assert list(submitted.events.filter(kind="status").values_list("to_status", flat=True)) == [
        "submitted", "in_review", "approved"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real row locks need PostgreSQL")
def test_concurrent_decisions_one_wins(round_open, unit, reviewer, kepala, instansi):
    other = f.member(instansi, "tpi", None, "tpi.dua")
    ws = f.worksheet(round_open, unit, reviewers=[reviewer, other])
    complete(ws)
    services.worksheet_submit(user=kepala, worksheet=ws)
    tpi_save(reviewer, ws, "I.pemenuhan.i.b", "B", note="x", flag=True)
    barrier, outcomes = threading.Barrier(2), []

    def decide(fn, user, **kw):
        try:
            barrier.wait()
            fn(user=user, worksheet=ws, expected_status="in_review", **kw)
            outcomes.append("ok")
        except services.DecisionConflict:
            outcomes.append("conflict")
        finally:
            conn.close()

    threads = [threading.Thread(target=decide, args=(services.review_approve, reviewer)),
               threading.Thread(target=decide, args=(services.review_return, other), kwargs={"comment": "x"})]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert WorksheetEvent.objects.filter(worksheet=ws, kind="status").count() == 3
    ws.refresh_from_db()
    assert ws.status in ("approved", "returned")


# --------------------------------------------------------------------------- views


def test_review_pages_are_404_to_the_unit_and_to_unassigned_tpi(client, member, instansi, submitted):
    url = reverse("evaluations:review_area", args=[submitted.pk, "I"])
    client.force_login(member)
    assert client.get(url).status_code == 404
    client.force_login(f.member(instansi, "tpi", None, "tpi.lain"))
    assert client.get(url).status_code == 404
    assert client.get(submitted.get_absolute_url()).status_code == 404


def test_review_page_shows_both_values_and_the_difference(client, reviewer, submitted):
    tpi_save(reviewer, submitted, "I.pemenuhan.i.b", "B", note="Belum lengkap")
    client.force_login(reviewer)
    page = client.get(reverse("evaluations:review_area", args=[submitted.pk, "I"])).content.decode()
    assert 'data-testid="value-differs"' in page and "Belum lengkap" in page
    # Penyusunan Tim Kerja (0.5): unit (1 + 1) / 2 × 0.5 = 0.50; TPI (1 + 0.5) / 2 × 0.5 = 0.375 → 0.38.
    assert 'data-testid="area-diff">-0,12<' in page


def test_review_page_query_count_is_fixed(client, reviewer, submitted, django_assert_num_queries):
    client.force_login(reviewer)
    client.get(reverse("evaluations:review_area", args=[submitted.pk, "II"]))
    for code in ("II", "V"):
        # savepoint, session, user, memberships, worksheet, reviewer check, area, template, answers,
        # questions, options, area answers, evidence, last return, release: 15 for any area.
        with django_assert_num_queries(15):
            response = client.get(reverse("evaluations:review_area", args=[submitted.pk, code]))
        assert response.status_code == 200 and 'data-testid="review-summary"' in response.content.decode()


def test_review_save_in_place_and_flag_needs_a_note(client, reviewer, submitted):
    client.force_login(reviewer)
    url = reverse("evaluations:review_answer_save", args=[submitted.pk, q("I.pemenuhan.i.b").pk])
    rev = submitted.answers.get(question__key="I.pemenuhan.i.b").revision
    html = client.post(url, {"option": "C", "needs_revision": "on", "note": "", "revision": rev},
                       HTTP_HX_REQUEST="true").content.decode()
    assert "Tulis catatan" in html
    html = client.post(url, {"option": "C", "needs_revision": "on", "note": "Tidak ada seleksi", "revision": rev},
                       HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="needs-revision"' in html and 'hx-swap-oob="true" data-testid="review-summary"' in html
    assert submitted.answers.get(question__key="I.pemenuhan.i.b").needs_revision
    # The part's subtotal (Pemenuhan: unit · TPI) is swapped in place too, not left stale until a reload.
    part = html.split('data-testid="review-part-score" hx-swap-oob="true">', 1)[1].split("</span>", 1)[0]
    page = client.get(reverse("evaluations:review_area", args=[submitted.pk, "I"])).content.decode()
    assert f'data-testid="review-part-score">{part}</span>' in page


def test_decision_view_reports_a_lost_race_clearly(client, instansi, reviewer, submitted):
    other = f.member(instansi, "tpi", None, "tpi.dua")
    submitted.reviewers.add(other)
    tpi_save(reviewer, submitted, "I.pemenuhan.i.b", "B", note="x", flag=True)
    services.review_approve(user=reviewer, worksheet=submitted)
    client.force_login(other)
    response = client.post(reverse("evaluations:review_decide", args=[submitted.pk]),
                           {"action": "return", "comment": "Kembalikan", "expected_status": "in_review"}, follow=True)
    page = response.content.decode()
    assert "Keputusan Anda tidak diterapkan" in page and "Disetujui TPI" in page and "Rina" not in page
    assert reviewer.username in page or reviewer.get_full_name() in page


def test_unit_sees_the_decision_timeline_but_not_tpi_work_in_progress(client, member, reviewer, submitted):
    tpi_save(reviewer, submitted, "I.pemenuhan.i.b", "B", note="Catatan internal sementara", flag=True)
    client.force_login(member)
    page = client.get(submitted.get_absolute_url()).content.decode()
    assert "Catatan internal sementara" not in page and "Direviu TPI" in page
    services.review_return(user=reviewer, worksheet=submitted, comment="Perbaiki jawaban bertanda")
    page = client.get(submitted.get_absolute_url()).content.decode()
    assert "Catatan internal sementara" in page and "Perbaiki jawaban bertanda" in page
    for step in ("Pengisian", "Diajukan", "Direviu TPI", "Dikembalikan untuk perbaikan"):
        assert step in page


def test_the_audit_trail_cannot_be_edited_or_deleted_even_by_a_superuser(client, django_user_model, submitted):
    client.force_login(django_user_model.objects.create_superuser("root.zi", "root@pemda.go.id", "x"))
    admin_client = client
    event = submitted.events.first()
    change = reverse("admin:evaluations_worksheetevent_change", args=[event.pk])
    assert admin_client.get(change).status_code == 200  # viewable
    assert admin_client.post(change, {"comment": "diubah"}).status_code == 403
    assert admin_client.post(reverse("admin:evaluations_worksheetevent_delete", args=[event.pk]),
                             {"post": "yes"}).status_code == 403
    assert admin_client.get(reverse("admin:evaluations_worksheetevent_add")).status_code == 403
    event.refresh_from_db()
    assert event.comment == ""


def test_after_a_resubmission_the_review_sheet_shows_the_tpis_earlier_values(client, reviewer, member, kepala,
                                                                          submitted):
    """Regression (user test): a resubmitted worksheet's sheet showed the unit's values as the TPI's."""
    tpi_save(reviewer, submitted, "I.pemenuhan.i.b", "C", note="Tidak ada seleksi", flag=True)
    services.review_return(user=reviewer, worksheet=submitted, comment="Perbaiki")
    services.worksheet_submit(user=kepala, worksheet=submitted)
    client.force_login(reviewer)
    page = client.get(reverse("evaluations:review_area", args=[submitted.pk, "I"])).content.decode()
    # Penyusunan Tim Kerja: unit (1 + 1) / 2 × 0.5 = 0.50, TPI (1 + 0) / 2 × 0.5 = 0.25.
    assert 'data-testid="area-diff">-0,25<' in page and "penilaian Anda sebelumnya" in page
    assert f.checked_option(page, q("I.pemenuhan.i.b")) == "C"


def test_approving_with_flagged_answers_warns_before_the_flags_are_cleared(client, reviewer, submitted):
    tpi_save(reviewer, submitted, "I.pemenuhan.i.b", "B", note="Lampirkan SK", flag=True)
    client.force_login(reviewer)
    page = client.get(submitted.get_absolute_url()).content.decode()
    confirm = page.split('data-testid="approve-button" data-confirm="', 1)[1].split('"', 1)[0]
    assert confirm.startswith("Masih ada 1 jawaban bertanda “perlu perbaikan”; menyetujui akan menghapus tanda itu.")
    tpi_save(reviewer, submitted, "I.pemenuhan.i.b", "B", note="Lampirkan SK", flag=False)
    page = client.get(submitted.get_absolute_url()).content.decode()
    confirm = page.split('data-testid="approve-button" data-confirm="', 1)[1].split('"', 1)[0]
    assert confirm.startswith("Setujui kertas kerja ini?")


def test_the_admin_assigns_tpi_members_in_the_app_and_it_is_audited(client, admin_user, instansi, round_open,
                                                                     reviewer):
    ws = f.worksheet(round_open, f.unit(instansi, "Dinas Baru Diajukan"), status="submitted")
    second = f.member(instansi, "tpi", None, "tpi.kedua")
    second.first_name, second.last_name = "Sri", "Handayani"
    second.save()
    outsider = f.member(f.instansi("Pemerintah Kota Lain"), "tpi", None, "tpi.kota.lain")
    client.force_login(admin_user)
    page = client.get(ws.get_absolute_url()).content.decode()
    assert 'data-testid="assign" open' in page and "belum ada" in page  # handed in, nobody assigned: open
    assert "Sri Handayani" in page and "tpi.kota.lain" not in page  # only this instansi's TPI members
    url = reverse("evaluations:worksheet_assign", args=[ws.pk])
    response = client.post(url, {"reviewers": [reviewer.pk, second.pk]}, follow=True)
    assert "Anggota TPI kertas kerja ini:" in response.content.decode()
    assert set(ws.reviewers.all()) == {reviewer, second}
    event = ws.events.get(kind="assign")
    assert event.old_value == "" and "Sri Handayani" in event.new_value and event.actor == admin_user
    assert "Penugasan TPI: — →" in " ".join(client.get(ws.get_absolute_url()).content.decode().split())
    refused = client.post(url, {"reviewers": [outsider.pk]}, follow=True).content.decode()
    assert "Penugasan belum disimpan" in refused and set(ws.reviewers.all()) == {reviewer, second}
    client.force_login(second)  # the newly assigned member now has it in the queue
    assert "Dinas Baru Diajukan" in client.get(reverse("evaluations:review_queue")).content.decode()


def test_a_refused_return_keeps_its_comment_until_a_decision_goes_through(client, reviewer, submitted):
    client.force_login(reviewer)
    services.review_start(user=reviewer, worksheet=submitted)
    decide = reverse("evaluations:review_decide", args=[submitted.pk])
    comment = "Lengkapi SK tim dan notulen rapat."
    page = client.post(decide, {"action": "return", "comment": comment, "expected_status": "in_review"},
                       follow=True).content.decode()
    assert "Tandai minimal satu jawaban" in page and comment in page
    client.get(reverse("evaluations:review_area", args=[submitted.pk, "I"]))  # off to flag an answer
    tpi_save(reviewer, submitted, "I.pemenuhan.i.b", "B", note="Lampirkan SK", flag=True)
    assert comment in client.get(submitted.get_absolute_url()).content.decode()  # still there on return
    client.post(decide, {"action": "return", "comment": comment, "expected_status": "in_review"})
    submitted.refresh_from_db()
    assert submitted.status == "returned"
    assert comment not in client.get(submitted.get_absolute_url()).content.decode().split("<textarea", 1)[-1][:300]


def test_the_tpi_may_set_its_own_value_for_a_computed_percentage(client, reviewer, submitted):
    """No complaints at all scores 100% from the counts; the TPI judges the complaint channel unused
    and sets 50% of its own — the TPI's score follows, the card says whose value it is."""

    Answer.objects.filter(worksheet=submitted, question__key__in=["V.reform.ii.b", "V.reform.ii.c",
                                                                 "V.reform.ii.d"]).update(unit_number=0)
    services.review_start(user=reviewer, worksheet=submitted)
    client.force_login(reviewer)
    url = reverse("evaluations:review_area", args=[submitted.pk, "V"])
    card = client.get(url).content.decode().split('data-testid="review-V.reform.ii.a"')[1].split('data-testid="review-')[0]
    assert "100,00%" in card and "Tidak ada pengaduan yang harus ditindaklanjuti — dinilai 100%" in card
    assert "Nilai TPI sendiri (%)" in card
    answer = Answer.objects.get(worksheet=submitted, question__key="V.reform.ii.a")
    response = client.post(reverse("evaluations:review_answer_save", args=[submitted.pk, answer.question_id]),
                           {"number": "50", "note": "Kanal pengaduan tidak dipakai", "revision": answer.revision},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    answer.refresh_from_db()
    assert answer.tpi_number == 50
    tpi = selectors.worksheet_assessment(submitted, user=reviewer).tpi
    assert tpi.indicators["V.reform.ii"].score == 1.5  # 50% of weight 3
    assert "Nilai TPI sendiri" in response.content.decode()


def test_a_refused_decision_is_told_in_words_chosen_for_it_never_the_exceptions_text(client, reviewer, round_open,
                                                                                       unit):
    """Typed refusals: the view shows the service's message for the rule that refused, whatever the
    exception's own text is (it used to search English messages for "comment" and "roles")."""
    ws = f.worksheet(round_open, unit, reviewers=[reviewer])  # still being filled in
    client.force_login(reviewer)
    page = client.post(reverse("evaluations:review_decide", args=[ws.pk]),
                       {"action": "approve", "expected_status": "draft", "comment": ""}, follow=True)
    text = page.content.decode()
    assert str(services.DECISION_NOT_NOW) in text and "approve" not in text.split('role="alert"')[1][:300]
    ws.refresh_from_db()
    assert ws.status == "draft"
