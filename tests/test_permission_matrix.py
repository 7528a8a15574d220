"""One permission matrix for every page: role × unit × URL → what the user gets.

Unit staff reach only their own unit; a TPI member only the worksheets assigned to them; an admin
their own instansi. Everything else is a 404 (never someone else's data); anonymous users go to
the login page. Later issues add their URLs here.
"""

import pytest
from django.urls import reverse

from tests import factories as f
from units.models import Membership

pytestmark = pytest.mark.django_db
R = Membership.Role


@pytest.fixture
def world():
    inst = f.instansi("Pemerintah Kabupaten Uji")
    other_inst = f.instansi("Pemerintah Kota Lain")
    own, other = f.unit(inst, "Dinas Sendiri"), f.unit(inst, "Dinas Tetangga")
    foreign = f.unit(other_inst, "Dinas Kota Lain")
    rnd, foreign_rnd = f.round_(inst), f.round_(other_inst)
    tpi = f.member(inst, R.TPI, None, "tpi.ditugaskan")
    users = {
        "anonim": None,
        "operator": f.member(inst, R.OPERATOR, own, "op.sendiri"),
        "kepala": f.member(inst, R.KEPALA, own, "kepala.sendiri"),
        "operator_lain": f.member(inst, R.OPERATOR, other, "op.tetangga"),
        "tpi": tpi,
        "tpi_lain": f.member(inst, R.TPI, None, "tpi.lain"),
        "admin": f.member(inst, R.ADMIN, None, "admin.sendiri"),
        "admin_lain": f.member(other_inst, R.ADMIN, None, "admin.lain"),
        "tanpa_peran": f.user("tanpa.peran"),
    }
    sheets = {"own": f.worksheet(rnd, own, reviewers=[tpi]), "other": f.worksheet(rnd, other),
              "foreign": f.worksheet(foreign_rnd, foreign)}
    return users, sheets, {"rnd": rnd, "foreign_rnd": foreign_rnd}


# (url name, object) → {role: expected status}; roles not listed expect 404.
MATRIX = [
    (("evaluations:worksheet_detail", "own"), {"operator": 200, "kepala": 200, "tpi": 200, "admin": 200}),
    (("evaluations:worksheet_detail", "other"), {"operator_lain": 200, "admin": 200}),
    (("evaluations:worksheet_detail", "foreign"), {"admin_lain": 200}),
    (("evaluations:round_detail", "rnd"), {"operator": 200, "kepala": 200, "operator_lain": 200, "tpi": 200,
                                           "admin": 200}),
    (("evaluations:round_detail", "foreign_rnd"), {"admin_lain": 200}),
    (("evaluations:round_summary", "rnd"), {"operator": 200, "kepala": 200, "operator_lain": 200, "tpi": 200,
                                            "admin": 200}),
    (("evaluations:round_summary", "foreign_rnd"), {"admin_lain": 200}),
    (("evaluations:round_hasil", "rnd"), {"tpi": 200, "admin": 200}),
    (("evaluations:worksheet_scorecard", "own"), {"operator": 200, "kepala": 200, "tpi": 200, "admin": 200}),
    (("evaluations:worksheet_scorecard", "other"), {"operator_lain": 200, "admin": 200}),
    (("evaluations:worksheet_scorecard", "foreign"), {"admin_lain": 200}),
    (("evaluations:review_queue", None), {"tpi": 200, "tpi_lain": 200, "admin": 200, "admin_lain": 200}),
    (("evaluations:round_list", None), {role: 200 for role in
                                        ["operator", "kepala", "operator_lain", "tpi", "tpi_lain", "admin",
                                         "admin_lain", "tanpa_peran"]}),
    (("evaluations:my_worksheets", None), {role: 200 for role in
                                           ["operator", "kepala", "operator_lain", "tpi", "tpi_lain", "admin",
                                            "admin_lain", "tanpa_peran"]}),
]
ROLES = ["anonim", "operator", "kepala", "operator_lain", "tpi", "tpi_lain", "admin", "admin_lain", "tanpa_peran"]


@pytest.mark.parametrize("target,expected", MATRIX, ids=[f"{t[0]}-{t[1]}" for t, _ in MATRIX])
def test_permission_matrix(client, world, target, expected):
    users, sheets, rounds = world
    name, obj = target
    args = [] if obj is None else [(sheets.get(obj) or rounds.get(obj)).pk]
    url = reverse(name, args=args)
    for role in ROLES:
        client.logout()
        if users[role]:
            client.force_login(users[role])
        response = client.get(url)
        want = 302 if role == "anonim" else expected.get(role, 404)
        assert response.status_code == want, f"{role} → {url}: {response.status_code}, expected {want}"
        if want == 302:
            assert response["Location"].startswith(reverse("login"))


def test_a_guessed_id_is_404(client, world):
    users, sheets, _ = world
    client.force_login(users["operator"])
    assert client.get(reverse("evaluations:worksheet_detail", args=[999999])).status_code == 404


def test_my_worksheets_lists_only_my_unit(client, world):
    users, sheets, _ = world
    client.force_login(users["operator"])
    page = client.get(reverse("evaluations:my_worksheets")).content.decode()
    assert "Dinas Sendiri" in page and "Dinas Tetangga" not in page and "Dinas Kota Lain" not in page


def test_round_detail_shows_unit_staff_only_their_unit(client, world):
    users, sheets, rounds = world
    client.force_login(users["operator"])
    page = client.get(reverse("evaluations:round_detail", args=[rounds["rnd"].pk])).content.decode()
    assert "Dinas Sendiri" in page and "Dinas Tetangga" not in page


def _evidence(ws):
    from evaluations.models import Evidence
    answer = ws.answers.get(question__key="I.pemenuhan.i.a")
    return Evidence.objects.create(answer=answer, kind="file", file="x/y/bukti.pdf", original_name="bukti.pdf",
                                   content_type="application/pdf", size=10)


def _worksheet_urls(ws, evidence):
    from evaluations.models import Question
    qid = Question.objects.get(key="I.pemenuhan.i.a").pk
    return {
        ("GET", "evaluations:area_detail"): [ws.pk, "I"],
        ("POST", "evaluations:answer_save"): [ws.pk, qid],
        ("POST", "evaluations:evidence_upload"): [ws.pk, qid],
        ("POST", "evaluations:evidence_link"): [ws.pk, qid],
        ("GET", "evaluations:evidence_download"): [ws.pk, evidence.pk],
        ("POST", "evaluations:evidence_delete"): [ws.pk, evidence.pk],
        ("POST", "evaluations:worksheet_submit"): [ws.pk],
        ("POST", "evaluations:worksheet_extend"): [ws.pk],
        ("GET", "evaluations:review_area"): [ws.pk, "I"],
        ("POST", "evaluations:review_answer_save"): [ws.pk, qid],
        ("POST", "evaluations:review_decide"): [ws.pk],
    }


@pytest.mark.parametrize("role", ["operator_lain", "tpi_lain", "admin_lain", "tanpa_peran", "anonim"])
def test_every_worksheet_page_upload_and_download_is_404_to_outsiders(client, world, role):
    users, sheets, _ = world
    ws = sheets["own"]
    evidence = _evidence(ws)
    if users[role]:
        client.force_login(users[role])
    for (method, name), args in _worksheet_urls(ws, evidence).items():
        url = reverse(name, args=args)
        response = client.get(url) if method == "GET" else client.post(
            url, {"revision": 0, "action": "approve", "expected_status": "draft"})
        want = 302 if role == "anonim" else 404
        assert response.status_code == want, f"{role} {method} {url}: {response.status_code}"
    assert ws.answers.filter(unit_option="").count() == ws.answers.count()


def test_a_guessed_evidence_id_of_another_worksheet_is_404(client, world):
    users, sheets, _ = world
    foreign_evidence = _evidence(sheets["other"])
    client.force_login(users["operator"])
    own = sheets["own"]
    for name in ("evaluations:evidence_download", "evaluations:evidence_delete"):
        url = reverse(name, args=[own.pk, foreign_evidence.pk])
        response = client.get(url) if name.endswith("download") else client.post(url)
        assert response.status_code == 404


def test_the_assigned_tpi_reads_the_area_page_but_cannot_change_answers(client, world):
    users, sheets, _ = world
    ws = sheets["own"]
    client.force_login(users["tpi"])
    page = client.get(reverse("evaluations:area_detail", args=[ws.pk, "I"])).content.decode()
    assert 'data-testid="read-only"' in page and 'name="option"' not in page
    from evaluations.models import Question
    url = reverse("evaluations:answer_save", args=[ws.pk, Question.objects.get(key="I.pemenuhan.i.a").pk])
    assert client.post(url, {"option": "Ya", "revision": 0}, HTTP_HX_REQUEST="true").status_code == 403
    assert not ws.answers.exclude(unit_option="").exists()
