"""The squashed evaluations migrations: a database that stopped part-way through the originals is
stopped by ``migrate`` with the way out, instead of being told there is nothing to apply."""

import hashlib
import io

import pytest
from django.core.checks import run_checks
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from evaluations.models import Document
from evaluations.models import Evidence as Attachment
from tests import factories as f
from zi_tracker.checks import SQUASHED_EVALUATIONS


def _recorded(names):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'evaluations'")
        for name in names:
            cursor.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('evaluations', %s, "
                           "CURRENT_TIMESTAMP)", [name])


@pytest.mark.django_db
def test_a_database_half_way_through_the_old_migrations_is_stopped_with_the_way_out():
    _recorded(SQUASHED_EVALUATIONS[:4])
    errors = [e for e in run_checks(databases=["default"]) if e.id == "zi_tracker.E001"]
    assert len(errors) == 1 and "0005_prerequisites_rule_keys_empty_base" in errors[0].msg
    assert "Check out commit" in errors[0].hint


@pytest.mark.django_db
@pytest.mark.parametrize("names", [SQUASHED_EVALUATIONS, ("0001_squashed_0007_answer_unit_updated_at",)])
def test_a_database_with_all_of_them_or_the_squash_passes(names):
    _recorded(names)
    assert not [e for e in run_checks(databases=["default"]) if e.id == "zi_tracker.E001"]


@pytest.mark.django_db(transaction=True)
def test_existing_area_scores_get_their_worksheet_value_set_and_whether_the_tpi_supersedes_them():
    """0011–0013 on a database with scores: the area rows copied from their score rows."""
    before, after = [("evaluations", "0010_spec_stamp")], [("evaluations", "0013_area_score_worksheet_required")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    Worksheet, WorksheetScore, AreaScore = (apps.get_model("evaluations", m)
                                            for m in ("Worksheet", "WorksheetScore", "AreaScore"))
    instansi = f.instansi()
    round_ = f.round_(instansi)
    sheets = [Worksheet.objects.create(round_id=round_.pk, unit_id=f.unit(instansi, name=f"Unit {i}").pk)
              for i in range(2)]
    figures = {"total": 1, "pengungkit": 1, "hasil": 0, "answered": 1, "inputs": 2}
    for ws, value_sets in zip(sheets, [("unit", "tpi"), ("unit",)], strict=True):
        for value_set in value_sets:
            score = WorksheetScore.objects.create(worksheet_id=ws.pk, value_set=value_set, **figures)
            AreaScore.objects.create(score_id=score.pk, area_code="I", value=1, weight=5)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    with connection.cursor() as cursor:
        cursor.execute("SELECT a.worksheet_id, a.value_set, a.superseded, s.worksheet_id, s.value_set "
                       "FROM evaluations_areascore a JOIN evaluations_worksheetscore s ON s.id = a.score_id")
        rows = cursor.fetchall()
    assert sorted((ws, vs, bool(sup)) for ws, vs, sup, score_ws, score_vs in rows if (ws, vs) == (score_ws, score_vs)
                  ) == sorted([(sheets[0].pk, "unit", True), (sheets[0].pk, "tpi", False), (sheets[1].pk, "unit", False)])


@pytest.mark.django_db(transaction=True)
def test_existing_evidence_becomes_library_documents_attached_as_before(tmp_path, settings):
    """0014–0016 on a database with evidence: each row's file or link becomes a document of its
    unit (a file as version 1, its stored name unchanged), the row its attachment pinned to that
    version; ``document_checksums`` then fills the SHA-256."""
    before, after = [("evaluations", "0013_area_score_worksheet_required")], [("evaluations", "0016_evidence_attachment")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    Worksheet, Answer, Evidence, Question = (apps.get_model("evaluations", m)
                                             for m in ("Worksheet", "Answer", "Evidence", "Question"))
    instansi = f.instansi()
    round_ = f.round_(instansi)
    unit = f.unit(instansi, name="Dinas Lama")
    operator = f.user("operator.lama")
    ws = Worksheet.objects.create(round_id=round_.pk, unit_id=unit.pk)
    questions = list(Question.objects.filter(version_id=round_.version_id).order_by("order")[:2])
    answers = [Answer.objects.create(worksheet_id=ws.pk, question_id=q.pk) for q in questions]
    content = b"%PDF-1.4 lama"
    name = default_storage.save("1/1/1/SK_lama.pdf", ContentFile(content))
    Evidence.objects.create(answer_id=answers[0].pk, kind="file", file=name, original_name="SK_lama.pdf",
                            content_type="application/pdf", size=len(content), uploaded_by_id=operator.pk,
                            description="SK")
    Evidence.objects.create(answer_id=answers[1].pk, kind="link", url="https://drive.pemda.go.id/lama",
                            description="Folder", uploaded_by_id=operator.pk)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes("evaluations"))
    file_doc, link_doc = Document.objects.order_by("kind").select_related("current")
    assert (file_doc.kind, file_doc.unit_id, file_doc.title, file_doc.owner_id) == ("file", unit.pk, "SK_lama.pdf",
                                                                                   operator.pk)
    assert file_doc.current.file.name == name and file_doc.current.sha256 == ""  # not read in the migration
    call_command("document_checksums", stdout=io.StringIO(), stderr=io.StringIO())  # as the upgrade note says
    file_doc.current.refresh_from_db()
    assert file_doc.current.sha256 == hashlib.sha256(content).hexdigest()
    assert (link_doc.kind, link_doc.url, link_doc.title, link_doc.current) == ("link", "https://drive.pemda.go.id/lama",
                                                                               "Folder", None)
    rows = sorted(Attachment.objects.values_list("answer_id", "document_id", "version_id", "description",
                                                 "attached_by_id"))
    assert rows == sorted([(answers[0].pk, file_doc.pk, file_doc.current_id, "SK", operator.pk),
                           (answers[1].pk, link_doc.pk, None, "Folder", operator.pk)])
