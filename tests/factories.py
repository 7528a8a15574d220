"""Plain factory functions for tests: explicit, no magic."""

import itertools
import re
from datetime import timedelta
from decimal import Decimal
from itertools import count
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from evaluations import answer_types, score_store
from evaluations.models import Answer, Document, DocumentVersion, Evidence, Question, Round, TemplateVersion, Worksheet
from evaluations.scoring import evaluate_formula
from units.models import Instansi, Membership, Unit

_seq = count(1)
PASSWORD = "rahasia-uji-123"


def instansi(name=None):
    return Instansi.objects.create(name=name or f"Pemerintah Kota Uji {next(_seq)}", kind=Instansi.Kind.KOTA)


def unit(inst, name=None, **kw):
    kw.setdefault("kind", Unit.Kind.DINAS)
    return Unit.objects.create(instansi=inst, name=name or f"Dinas Uji {next(_seq)}", **kw)


def user(username=None, **kw):
    u = get_user_model().objects.create_user(username=username or f"pengguna{next(_seq)}", password=PASSWORD, **kw)
    return u


def member(inst, role, unit_=None, username=None):
    u = user(username)
    Membership.objects.create(user=u, instansi=inst, role=role, unit=unit_)
    return u


def lke():
    return TemplateVersion.objects.get(code="lke-zi-90-2021")


def round_(inst, version=None, status=Round.Status.OPEN, year=2026, deadline_days=30, **kw):
    return Round.objects.create(
        instansi=inst, version=version or lke(), status=status, year=year,
        name=kw.pop("name", f"Evaluasi ZI {year} #{next(_seq)}"),
        fill_deadline=timezone.now() + timedelta(days=deadline_days), **kw)


def worksheet(rnd, unit_, status=Worksheet.Status.DRAFT, reviewers=(), answers="none"):
    """A worksheet with an Answer row per question; answers="best" fills every input with the best value."""
    ws = Worksheet.objects.create(round=rnd, unit=unit_, status=status)
    ws.reviewers.add(*reviewers)
    rows = []
    questions = list(Question.objects.filter(version=rnd.version))
    counts = {}
    if answers == "best":
        by_indicator = {}
        for q in questions:
            by_indicator.setdefault(q.indicator_id, []).append(q)
        for qs in by_indicator.values():
            counts.update({(qs[0].indicator_id, code): v for code, v in best_counts(qs).items()})
    for q in questions:
        a = Answer(worksheet=ws, question=q)
        if answers == "best" and not q.formula:
            fill_best(a, q, counts=counts)
        rows.append(a)
    Answer.objects.bulk_create(rows)
    score_store.refresh([ws.pk])
    return ws


def link_document(unit_, url="https://drive.pemda.go.id/bukti", title="", **kw):
    """A link in the unit's evidence library (the same address is the same document)."""
    doc, _created = Document.objects.get_or_create(unit=unit_, kind=Document.Kind.LINK, url=url,
                                                   defaults={"title": title or url, **kw})
    return doc


def file_document(unit_, name="SK_Tim.pdf", stored="", size=9, content_type="application/pdf", sha256="", **kw):
    """A file in the unit's library whose version 1 points at ``stored`` (a name in the storage)."""
    doc = Document.objects.create(unit=unit_, kind=Document.Kind.FILE, title=kw.pop("title", name), **kw)
    doc.current = DocumentVersion.objects.create(document=doc, number=1, file=stored or f"pustaka/{name}",
                                                 original_name=name, content_type=content_type, size=size,
                                                 sha256=sha256)
    doc.save(update_fields=["current"])
    return doc


def attach(answer, document=None, **kw):
    """Attach a library document (by default a link of the answer's unit) to an answer."""
    document = document or link_document(answer.worksheet.unit)
    kw.setdefault("version_id", document.current_id)
    return Evidence.objects.create(answer=answer, document=document, **kw)


def attach_links(answers, url="https://drive.pemda.go.id/bukti"):
    """The same link attached to many answers (each answer's unit's own library document)."""
    docs = {}
    rows = []
    for a in answers:
        unit_id = a.worksheet.unit_id
        if unit_id not in docs:
            docs[unit_id] = link_document(a.worksheet.unit, url)
        rows.append(Evidence(answer=a, document=docs[unit_id]))
    return Evidence.objects.bulk_create(rows)


def best_counts(questions):
    """Counts a best-performing unit reports: every computed percentage of the indicator at 100%
    (e.g. f = c + d + e reports filed; no violations this year for a decrease)."""
    names = [q.code for q in questions if q.answer_type == "jumlah" and not q.formula]
    computed = [q for q in questions if q.answer_type == "jumlah" and q.formula]  # b = c + d + e
    formulas = [q.formula for q in questions if q.formula and q.answer_type != "jumlah"]
    for values in itertools.product([Decimal("0"), Decimal("10"), Decimal("30")], repeat=len(names)):
        found = dict(zip(names, values, strict=True))
        for q in computed:
            total = evaluate_formula(q.formula, found)
            found[q.code] = None if total is None else Decimal(total.numerator) / total.denominator
        if all((v := evaluate_formula(f, found)) is not None and v >= 1 for f in formulas):
            return {k: v for k, v in found.items() if k in names}
    raise AssertionError("no counts give 100%")


BEST_OPTION = {code: answer_types.TYPES[code].letters[0] for code in answer_types.OPTION_TYPES}


def fill_best(a, q, which="unit", counts=None):
    if q.answer_type in BEST_OPTION:
        setattr(a, f"{which}_option", BEST_OPTION[q.answer_type])
    elif q.answer_type == "persen":
        setattr(a, f"{which}_number", Decimal("100"))
    elif q.answer_type == "indeks":
        setattr(a, f"{which}_number", Decimal("4"))
    elif q.answer_type == "jumlah":
        setattr(a, f"{which}_number", (counts or {}).get((q.indicator_id, q.code), Decimal("10")))


def checked_option(page: str, question) -> str | None:
    """The letter whose radio button is checked in one question's card of a rendered page."""
    card = page.split(f'id="q-{question.pk}"', 1)[1].split('<div id="q-', 1)[0]
    for tag in re.findall(r'<input[^>]*name="option"[^>]*>', card):
        if re.search(r"\schecked\b", tag):
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None


def run_tasks():
    """What a worker does, here and now: every due task, through django-tasks-db's own worker loop
    (in this process and the test's transaction). Browser tests start real worker processes.
    The loop's "drop stale connections" step is left out: here the connection is the test's own,
    inside its transaction."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None):
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def recap(client, round_):
    """Ask for a round's recap, let the worker build it, download it: the response."""
    client.post(reverse("evaluations:export_recap", args=[round_.pk]))
    run_tasks()
    return client.get(reverse("evaluations:recap_download", args=[round_.pk]))
