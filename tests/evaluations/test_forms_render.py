"""Forms render from evaluations/forms.py: what a field looks like is said once, in its widget,
and every page that shows the form shows that; errors stand beside their field and are read out
with it; typing survives a refused save."""

import re

from django.urls import reverse

from evaluations import forms, services
from evaluations.models import Question
from tests import factories as f


def q(key):
    return Question.objects.get(key=key)


def _tag(page, field_id):
    return re.search(rf'<(?:input|textarea|select)[^>]*id="{re.escape(field_id)}"[^>]*>', page).group(0)


def _shows_widget_of(page, field_id):
    tag = _tag(page, field_id)
    assert 'rows="7"' in tag and 'maxlength="5000"' in tag
    assert f'for="{field_id}">' in page  # its label names it


def test_a_widget_changed_in_forms_py_shows_on_the_units_card(member_client, worksheet, monkeypatch):
    monkeypatch.setitem(forms.AnswerForm.base_fields["explanation"].widget.attrs, "rows", 7)
    page = member_client.get(reverse("evaluations:area_detail", args=[worksheet.pk, "I"])).content.decode()
    _shows_widget_of(page, f"q{q('I.pemenuhan.i.a').pk}-explanation")


def test_a_widget_changed_in_forms_py_shows_on_the_tpis_card(client, reviewer, submitted, monkeypatch):
    monkeypatch.setitem(forms.ReviewForm.base_fields["note"].widget.attrs, "rows", 7)
    services.review_start(user=reviewer, worksheet=submitted)
    client.force_login(reviewer)
    page = client.get(reverse("evaluations:review_area", args=[submitted.pk, "I"])).content.decode()
    _shows_widget_of(page, f"q{q('I.pemenuhan.i.a').pk}-note")


def test_the_decision_comment_is_the_forms_and_keeps_its_draft(client, reviewer, submitted, monkeypatch):
    monkeypatch.setitem(forms.DecisionForm.base_fields["comment"].widget.attrs, "rows", 5)
    services.review_start(user=reviewer, worksheet=submitted)
    client.force_login(reviewer)
    # returning needs a flagged answer: refused, and the comment waits for the next try
    client.post(reverse("evaluations:review_decide", args=[submitted.pk]),
                {"action": "return", "expected_status": "in_review", "comment": "Catatan untuk unit"})
    page = client.get(submitted.get_absolute_url()).content.decode()
    tag = _tag(page, "id_decision_comment")
    assert 'rows="5"' in tag and f'data-draft-key="decision-{submitted.pk}-in_review"' in tag
    assert ">\nCatatan untuk unit</textarea>" in page


def test_a_number_with_an_error_is_marked_and_read_out_with_its_message(member_client, worksheet):
    question = q("V.reform.iii.c")
    response = member_client.post(reverse("evaluations:answer_save", args=[worksheet.pk, question.pk]),
                                  {"revision": 0, "number": "tiga"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    tag = _tag(page, f"q{question.pk}-number")
    assert 'value="tiga"' in tag and "is-invalid" in tag and 'aria-invalid="true"' in tag
    assert f'aria-describedby="q{question.pk}-number_error q{question.pk}-number_helptext"' in tag
    assert f'id="q{question.pk}-number_error">Bukan angka.' in page
    assert f'id="q{question.pk}-number_helptext">Isi bilangan bulat' in page


def test_every_evidence_input_has_a_label(member_client, worksheet):
    """Each card's evidence forms arrive when its "Tambah bukti dukung" opens: every one, labelled."""
    page = member_client.get(reverse("evaluations:area_detail", args=[worksheet.pk, "I"])).content.decode()
    urls = re.findall(r'hx-get="([^"]+/bukti/formulir/)"', page)
    assert len(urls) > 5
    ids = []
    for url in urls:
        fragment = member_client.get(url, HTTP_HX_REQUEST="true").content.decode()
        found = re.findall(r'<input[^>]*name="(?:description|url|file)"[^>]*id="([^"]+)"', fragment)
        assert len(found) == 4 and all(f'for="{i}"' in fragment for i in found)
        ids += found
    assert len(ids) > 20 and len(set(ids)) == len(ids)  # ids unique across the page's cards


def test_a_refused_extension_comes_back_with_its_typing_and_the_error_beside_the_field(admin_client_zi, worksheet):
    url = reverse("evaluations:worksheet_extend", args=[worksheet.pk])
    response = admin_client_zi.post(url, {"until": "1900-01-01T10:00", "comment": "Banjir di kantor"})
    page = admin_client_zi.get(response["Location"]).content.decode()
    assert 'data-testid="extend" open' in page
    assert 'value="Banjir di kantor"' in _tag(page, "id_fill_comment")
    assert 'id="id_fill_until_error">Tanggal di luar rentang' in page
    again = admin_client_zi.get(worksheet.get_absolute_url()).content.decode()
    assert "Banjir di kantor" not in again  # shown once, then the form is fresh


def test_hasil_cells_belong_to_their_row_and_name_their_unit(client, admin_user, round_open, unit, other_unit):
    for u in (unit, other_unit):
        f.worksheet(round_open, u)
    client.force_login(admin_user)
    page = client.get(reverse("evaluations:round_hasil", args=[round_open.pk])).content.decode()
    ids = re.findall(r'\sid="(ws\d+-q\d+-[^"]+)"', page)
    assert ids and len(ids) == len(set(ids))  # every cell's ids unique on the page
    number = re.search(r'<input[^>]*name="\d+-\d+-number"[^>]*>', page).group(0)
    assert 'inputmode="decimal"' in number and 'form="form-' in number and 'placeholder="0–4"' in number
    assert "— Dinas Perhubungan" in page


def test_sorted_column_and_current_tab_are_announced(client, admin_user, reviewer, round_open, unit):
    f.worksheet(round_open, unit)
    client.force_login(admin_user)
    page = client.get(reverse("evaluations:round_detail", args=[round_open.pk]) + "?sort=unit&dir=desc").content.decode()
    assert page.count("aria-sort=") == 1 and 'aria-sort="descending"' in page
    client.force_login(reviewer)
    queue = client.get(reverse("evaluations:review_queue") + "?status=semua").content.decode()
    assert re.search(r'nav-link active" aria-current="page"[^>]*>Semua', queue)


def test_password_changed_page_has_a_heading(client, member):
    client.force_login(member)
    page = client.get(reverse("password_change_done")).content.decode()
    assert '<h1 class="h3 mb-3" data-testid="page-title">Kata sandi diganti</h1>' in page
