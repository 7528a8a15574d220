"""Fuzzing every form and the workbook import (hypothesis): whatever is posted or uploaded, the
answer is never a server error, and nothing stored goes beyond the limits the forms state.

Each endpoint gets generated field values — ordinary and enormous text, formula and control
characters, numbers in every notation, impossible dates, random ids — posted as htmx and as plain
forms; after every request the database is checked against ``evaluations.limits``.
"""

import contextlib
import io
import random
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.functions import Length
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from evaluations import limits
from evaluations.models import (
    Answer,
    Document,
    Evidence,
    PrerequisiteDefinition,
    PrerequisiteRecord,
    Question,
    Worksheet,
    WorksheetEvent,
)
from tests import factories as f
from tests.evaluations.test_imports import app_workbook
from tests.evaluations.test_services import complete
from units.models import Membership

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=20, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])

HOSTILE = ["=cmd|' /C calc'!A0", "@SUM(1)", "<script>alert(1)</script>", "\x00", "\u202e", "' OR 1=1 --", "../../x",
           "1e309", "NaN", "-Infinity", "١٢", "87,5%", "1.234,56", "0001-01-01T00:00", "9999-12-31T23:59",
           "2030-02-30T10:00", "http://evil.example", "javascript:alert(1)", "A", "Ya", "Z", "", " "]
TEXT = st.one_of(st.text(max_size=80), st.sampled_from(HOSTILE),
                 st.integers(min_value=-10**20, max_value=10**20).map(str),
                 st.decimals(allow_nan=True, allow_infinity=True, places=4).map(str),
                 st.integers(min_value=limits.EXPLANATION - 2, max_value=limits.EXPLANATION + 3).map(lambda n: "é" * n))


@pytest.fixture
def world(instansi, unit, round_open, member, kepala, reviewer, admin_user):
    draft = f.worksheet(round_open, unit, reviewers=[reviewer])
    other_unit = f.unit(instansi, "Dinas Tinjauan")
    submitted = f.worksheet(round_open, other_unit, reviewers=[reviewer])
    complete(submitted)
    Worksheet.objects.filter(pk=submitted.pk).update(status="submitted")
    return {"draft": draft, "submitted": Worksheet.objects.get(pk=submitted.pk), "round": round_open,
            "users": {"member": member, "kepala": kepala, "reviewer": reviewer, "admin": admin_user}}


def client_for(user):
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


def assert_within_limits():
    """What the forms promise, checked in the database after every request."""

    def longest(qs, field):
        return qs.annotate(n=Length(field)).order_by("-n").values_list("n", flat=True).first() or 0

    assert longest(Answer.objects, "unit_explanation") <= limits.EXPLANATION
    assert longest(Answer.objects, "tpi_note") <= limits.TPI_NOTE
    assert longest(Evidence.objects, "description") <= limits.EVIDENCE_DESCRIPTION
    assert longest(Document.objects, "url") <= limits.URL
    assert longest(Document.objects, "title") <= Document._meta.get_field("title").max_length
    assert longest(PrerequisiteRecord.objects, "note") <= limits.REASON
    assert longest(WorksheetEvent.objects.filter(kind="status"), "comment") <= limits.DECISION_COMMENT
    for a in Answer.objects.exclude(unit_number=None).select_related("question"):
        low, high = {"persen": (0, 100), "jumlah": (0, 999_999_999), "indeks": (0, 4)}[a.question.answer_type]
        assert low <= a.unit_number <= high, (a.question.key, a.unit_number)


def post(client, url, data, htmx):
    response = client.post(url, data, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))
    assert response.status_code < 500, (url, data, response.status_code)
    assert_within_limits()
    return response


QUESTION_KEYS = ["I.pemenuhan.i.a", "I.pemenuhan.i.b", "V.reform.ii.b", "H-I.hasil.i.a", "IV.pemenuhan.ii.a",
                 "V.reform.ii.a"]


@FUZZ
@given(key=st.sampled_from(QUESTION_KEYS), option=TEXT, number=TEXT, explanation=TEXT, revision=TEXT,
       htmx=st.booleans())
def test_answer_save_never_fails_and_never_stores_beyond_limits(world, key, option, number, explanation, revision,
                                                               htmx):
    q = Question.objects.get(key=key)
    url = reverse("evaluations:answer_save", args=[world["draft"].pk, q.pk])
    post(client_for(world["users"]["member"]), url,
         {"option": option, "number": number, "explanation": explanation, "revision": revision}, htmx)


@FUZZ
@given(url=TEXT, description=TEXT, name=TEXT, content=st.binary(max_size=300), htmx=st.booleans())
def test_evidence_forms_never_fail(world, url, description, name, content, htmx):
    q = Question.objects.get(key="I.pemenuhan.i.a")
    c = client_for(world["users"]["member"])
    post(c, reverse("evaluations:evidence_link", args=[world["draft"].pk, q.pk]),
         {"url": url, "description": description}, htmx)
    upload = SimpleUploadedFile((name or "x")[:200] + ".pdf", b"%PDF-1.4" + content)
    post(c, reverse("evaluations:evidence_upload", args=[world["draft"].pk, q.pk]),
         {"file": upload, "description": description}, htmx)


@FUZZ
@given(key=st.sampled_from(QUESTION_KEYS), option=TEXT, number=TEXT, note=TEXT, flag=st.sampled_from(["on", "", "x"]),
       revision=TEXT, htmx=st.booleans())
def test_review_save_never_fails(world, key, option, number, note, flag, revision, htmx):
    q = Question.objects.get(key=key)
    post(client_for(world["users"]["reviewer"]),
         reverse("evaluations:review_answer_save", args=[world["submitted"].pk, q.pk]),
         {"option": option, "number": number, "note": note, "needs_revision": flag, "revision": revision}, htmx)


@FUZZ
@given(action=st.sampled_from(["start", "return", "approve", "reopen", "x", ""]), comment=TEXT, expected=TEXT,
       until=TEXT, reason=TEXT)
def test_decisions_and_deadlines_never_fail(world, action, comment, expected, until, reason):
    ws = world["submitted"]
    post(client_for(world["users"]["reviewer"]), reverse("evaluations:review_decide", args=[ws.pk]),
         {"action": action, "comment": comment, "expected_status": expected}, False)
    admin = client_for(world["users"]["admin"])
    for name in ("evaluations:worksheet_extend", "evaluations:worksheet_extend_review"):
        post(admin, reverse(name, args=[ws.pk]), {"until": until, "comment": reason}, False)
    post(client_for(world["users"]["kepala"]), reverse("evaluations:worksheet_submit", args=[world["draft"].pk]),
         {"comment": comment}, False)
    post(admin, reverse("evaluations:worksheet_assign", args=[ws.pk]), {"reviewers": [expected, reason]}, False)


@FUZZ
@given(values=st.lists(TEXT, min_size=9, max_size=9), worksheet=TEXT, action=TEXT, reason=TEXT)
def test_round_pages_never_fail(world, values, worksheet, action, reason):
    admin = client_for(world["users"]["admin"])
    rnd, ws = world["round"], world["draft"]
    hasil = {"worksheet": ws.pk if worksheet == "" else worksheet}
    for i, q in enumerate(Question.objects.filter(key__in=["H-I.hasil.i.a", "H-I.hasil.ii.a", "H-II.hasil.i.a"])):
        prefix = f"{ws.pk}-{q.pk}"
        hasil.update({f"{prefix}-option": values[3 * i], f"{prefix}-number": values[3 * i + 1],
                      f"{prefix}-revision": values[3 * i + 2]})
    post(admin, reverse("evaluations:round_hasil", args=[rnd.pk]), hasil, False)
    opini = PrerequisiteDefinition.objects.get(key="opini-bpk")
    post(admin, reverse("evaluations:round_prerequisites", args=[rnd.pk]),
         {"definition": values[0] if action == "" else opini.pk, f"p{opini.pk}-value": values[1],
          f"p{opini.pk}-note": reason, f"p{opini.pk}-evidence_url": values[2]}, False)
    for key in ("tindak-lanjut", "membangun-wbk", "sakip-unit", "layanan-inti"):
        d = PrerequisiteDefinition.objects.get(key=key)
        post(client_for(world["users"]["reviewer"]), reverse("evaluations:worksheet_prerequisites", args=[ws.pk]),
             {"definition": d.pk, f"p{d.pk}-value": values[4], f"p{d.pk}-note": reason}, False)
    post(admin, reverse("evaluations:round_status", args=[rnd.pk]), {"action": action, "comment": reason}, False)


def _mutations(data: bytes, rng: random.Random):
    """A real export damaged the ways files get damaged: truncated, bytes flipped, parts swapped."""
    yield data[: rng.randrange(len(data))]
    flipped = bytearray(data)
    for _ in range(rng.randrange(1, 40)):
        flipped[rng.randrange(len(flipped))] = rng.randrange(256)
    yield bytes(flipped)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename.endswith(".xml") and rng.random() < 0.5:
                body = body[: rng.randrange(len(body) + 1)] + bytes(rng.randrange(256) for _ in range(20))
            dst.writestr(info.filename, body)
    yield out.getvalue()


@settings(FUZZ, max_examples=12)
@given(seed=st.integers(min_value=0, max_value=2**32), cells=st.lists(st.tuples(TEXT, TEXT, TEXT), max_size=8))
def test_the_import_never_fails_on_damaged_or_random_workbooks(world, seed, cells):
    member = world["users"]["member"]
    c = client_for(member)
    ws = world["draft"]
    url = reverse("evaluations:import_lke", args=[ws.pk])
    export = client_for(member).get(reverse("evaluations:export_lke", args=[ws.pk])).content

    candidates = list(_mutations(export, random.Random(seed)))
    with contextlib.suppress(IllegalCharacterError):  # openpyxl refuses to write such a cell; the mutations cover raw bytes
        candidates.append(app_workbook(cells).getvalue())
    for content in candidates:
        response = post(c, url, {"file": SimpleUploadedFile("lke.xlsx", content)}, False)
        if b'data-testid="import-preview"' in response.content:
            post(c, url, {"apply": "1"}, False)


def test_fuzzing_reaches_the_interesting_refusals(world):
    """A sanity anchor: the generators above do produce values the forms refuse with a message."""
    q = Question.objects.get(key="H-I.hasil.i.a")
    response = client_for(world["users"]["member"]).post(
        reverse("evaluations:answer_save", args=[world["draft"].pk, q.pk]),
        {"number": "4,5", "explanation": "", "revision": 0}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Nilai survei paling besar 4." in response.content.decode()
    assert Membership.objects.exists()
