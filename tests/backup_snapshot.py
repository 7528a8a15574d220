"""What a restore must bring back, printed as JSON by ``dump()``: run in the test's own database
and again, through ``manage.py shell``, in the restored one — the two must be equal."""

import hashlib
import json

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage

from evaluations.models import (
    Answer,
    AreaScore,
    Document,
    Evidence,
    PrerequisiteRecord,
    Worksheet,
    WorksheetEvent,
    WorksheetScore,
)
from proposals.models import Award, Proposal


def _num(value):
    return None if value is None else f"{value:.2f}"


def snapshot() -> dict:
    def file_sha(name):
        if not name:
            return ""
        with default_storage.open(name, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()

    answers = [
        [a.worksheet.unit.name, a.worksheet.round.name, a.question.key, a.unit_option, _num(a.unit_number),
         a.unit_explanation, a.tpi_option, _num(a.tpi_number), a.tpi_note, a.needs_revision, a.revision,
         a.updated_by.username if a.updated_by else None]
        for a in Answer.objects.select_related("worksheet__unit", "worksheet__round", "question", "updated_by")]

    def attachment(e):
        """One attachment, described by its library document and that document's current version."""
        doc, version = e.document, e.version
        name = version.file.name if version else ""
        return [e.answer.worksheet.unit.name, e.answer.question.key, doc.kind, doc.url,
                version.original_name if version else "", name, file_sha(name),
                e.attached_by.username if e.attached_by else None]

    evidence = [attachment(e) for e in Evidence.objects.select_related(
        "answer__worksheet__unit", "answer__question", "attached_by", "document", "version")]
    library = [[d.unit.name, d.kind, d.title, d.url, d.current.number if d.current else None,
                sorted([v.number, v.original_name, v.file.name, v.sha256, file_sha(v.file.name)] for v in d.versions.all())]
               for d in Document.objects.select_related("unit", "current").prefetch_related("versions")]
    sheets = [[w.unit.name, w.round.name, w.status, sorted(u.username for u in w.reviewers.all())]
              for w in Worksheet.objects.select_related("unit", "round").prefetch_related("reviewers")]
    users = [[u.username, u.password, u.is_staff, sorted(
        f"{m.role}@{m.unit.name if m.unit else m.instansi.name}" for m in u.memberships.all())]
        for u in get_user_model().objects.prefetch_related("memberships__unit", "memberships__instansi")]
    prerequisites = [[r.definition.key, r.value, r.evidence_name, file_sha(r.evidence_file.name),
                      r.recorded_by.username if r.recorded_by else None,
                      r.worksheet.unit.name if r.worksheet_id else r.round.name]
                     for r in PrerequisiteRecord.objects.select_related("definition", "recorded_by",
                                                                        "worksheet__unit", "round")]
    # the proposal's Word documents (files), who was proposed and what was awarded; the TPN's values
    proposals = [[p.round.name, p.route, p.letter_number, p.letter_file.name, file_sha(p.letter_file.name),
                  p.statement_file.name, file_sha(p.statement_file.name),
                  sorted([n.unit.name if n.unit else n.kawasan.name, n.status, _num(n.tpi_total)] for n in p.nominees.all())]
                 for p in Proposal.objects.select_related("round").prefetch_related("nominees__unit", "nominees__kawasan")]
    awards = sorted([a.unit.name if a.unit else a.kawasan.name, a.predicate, a.year, a.decree_number, str(a.revoked_on)]
                    for a in Award.objects.select_related("unit", "kawasan"))
    tpn = Answer.objects.exclude(tpn_option="", tpn_number__isnull=True).count()
    return {"proposals": sorted(proposals, key=json.dumps), "awards": awards, "tpn_values": tpn,
            "answers": sorted(answers), "prerequisites": sorted(prerequisites, key=json.dumps), "evidence": sorted(evidence, key=json.dumps),
            "library": sorted(library, key=json.dumps), "worksheets": sorted(sheets),
            "users": sorted(users), "events": WorksheetEvent.objects.count(),
            "scores": sorted([s.worksheet_id, s.value_set, _num(s.total)] for s in WorksheetScore.objects.all()),
            "areas": sorted([a.score.worksheet_id, a.worksheet_id, a.score.value_set, a.value_set, a.superseded,
                             a.area_code, _num(a.value)] for a in AreaScore.objects.select_related("score"))}


def dump():
    print("SNAPSHOT" + json.dumps(snapshot()))
