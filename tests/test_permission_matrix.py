"""One permission matrix for every URL of the project: role × relation to the object → status.

The URL patterns are discovered from the URLconf, so a new view cannot land unnoticed: a pattern
without a row in ``MATRIX`` (or, for the Django admin, without a model to fill its ids) fails
``test_every_url_pattern_has_a_row``. Each request runs in a savepoint that is rolled back, so a
destructive POST (delete, submit, approve) never changes what the next role sees.

Relations: ``operator``/``kepala`` belong to the worksheet's unit, ``operator_lain`` to another
unit of the same instansi; ``tpi`` is assigned to the worksheet, ``tpi_lain`` is not; ``admin``
runs the instansi, ``admin_lain`` another one; ``superuser`` is a Django staff superuser.
Unit staff reach only their own unit; a TPI member only the worksheets assigned to them; an admin
their own instansi. Everything else is a 404 (never someone else's data); anonymous users are
always sent to a login page.
"""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin as django_admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from evaluations import tasks
from evaluations.models import (
    Answer,
    CarryOver,
    Document,
    DocumentVersion,
    Evidence,
    Kawasan,
    PrerequisiteDefinition,
    PrerequisiteRecord,
    Question,
    RecapExport,
    Round,
    RoundEvent,
    Worksheet,
    WorksheetEvent,
)
from programme.models import (
    Action,
    MonitoringNote,
    PlanExport,
    ProgrammeEvent,
    Progress,
    QuarterReport,
    TeamDecree,
    TeamMember,
)
from proposals import services as proposal_services
from proposals.models import Award, Event, IntegrationScore, Nominee, Proposal
from surveys import selectors as survey_selectors
from surveys import services as survey_services
from surveys.models import Exclusion, Instrument, ServiceType, SurveyPeriod
from tests import factories as f
from units.models import Membership

pytestmark = pytest.mark.django_db
R = Membership.Role
ROLES = ["anonim", "operator", "kepala", "operator_lain", "tpi", "tpi_lain", "admin", "admin_lain",
         "tanpa_peran", "superuser"]
SIGNED_IN = [r for r in ROLES if r != "anonim"]
STAFF = ["operator", "kepala"]
SEES_OWN = ["operator", "kepala", "tpi", "admin", "superuser"]  # who may open the own unit's worksheet
SEES_FOREIGN = ["admin_lain", "superuser"]  # another instansi's worksheet


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{namespace}{p.name}" if p.name else None, p


def discovered():
    """(route, qualified name, pattern) of every URL the project serves."""
    return list(_walk(get_resolver().url_patterns))


def _app_patterns():
    return [(route, name) for route, name, _ in discovered() if not route.startswith("admin/")]


def _admin_patterns():
    return [(route, name, p) for route, name, p in discovered() if route.startswith("admin/")]


# name → (method, {object: {role: expected}}). Objects: "own" = a complete draft worksheet of
# operator's unit with tpi assigned, "submitted" = the same unit's worksheet of an earlier round,
# waiting for review, "foreign" = a worksheet of another instansi, "rnd"/"foreign_rnd" = rounds,
# None = no object. Roles not listed expect 404; "anonim" always expects the login redirect.
# Expected is a status, or DONE: the action took effect (see EFFECTS). Wherever an effect is
# defined, every expected status also asserts that nothing changed.
DONE = "done"
REFUSED_HTMX = 403  # htmx requests get the refusal as a status; plain forms a redirect with a message
HIDDEN_OR_REFUSED = 302  # a plain form refused: back to the worksheet with the reason, nothing changed


def _all(expected, roles=SIGNED_IN):
    return dict.fromkeys(roles, expected)


SEERS = ["tpi", "admin", "superuser"]  # see the own unit's worksheet without belonging to the unit
# The own unit's worksheets of earlier rounds in the other states: "in_review", "returned" (its
# I.pemenuhan.i.a answer — the one the requests touch — flagged for rework) and "approved".
LATER = ("in_review", "returned", "approved")
EDIT = {"own": {**_all(DONE, STAFF), **_all(REFUSED_HTMX, SEERS)}, "submitted": _all(REFUSED_HTMX, SEES_OWN),
        "in_review": _all(REFUSED_HTMX, SEES_OWN), "returned": {**_all(DONE, STAFF), **_all(REFUSED_HTMX, SEERS)},
        "approved": _all(REFUSED_HTMX, SEES_OWN), "foreign": _all(REFUSED_HTMX, SEES_FOREIGN)}
READ = {"own": _all(200, SEES_OWN), **{k: _all(200, SEES_OWN) for k in LATER}, "foreign": _all(200, SEES_FOREIGN)}
REVIEW_READ = {"own": _all(200, SEERS), "submitted": _all(200, SEERS), **{k: _all(200, SEERS) for k in LATER},
               "foreign": _all(200, SEES_FOREIGN)}
ROUND_READ = {"rnd": _all(200, ["operator", "kepala", "operator_lain", "tpi", "admin", "superuser"]),
              "foreign_rnd": _all(200, SEES_FOREIGN)}
ROUND_TPI = {"rnd": _all(200, SEERS), "foreign_rnd": _all(200, SEES_FOREIGN)}
ADDS_EVIDENCE = {"own": {**_all(200, STAFF), **_all(403, SEERS)}, "submitted": _all(403, SEES_OWN),
                 "in_review": _all(403, SEES_OWN), "returned": {**_all(200, STAFF), **_all(403, SEERS)},
                 "approved": _all(403, SEES_OWN), "foreign": _all(403, SEES_FOREIGN)}
# Library URLs take the object's unit: "own" (operator's unit), "other" (operator_lain's), "foreign".
LIBRARY_READ = {"own": _all(200, ["operator", "kepala", "admin", "superuser"]),
                "other": _all(200, ["operator_lain", "admin", "superuser"]), "foreign": _all(200, SEES_FOREIGN)}
# A unit's ZI programme: read by its staff, the instansi's TPI members and admins; written by its staff.
PROGRAMME_READERS = ["tpi", "tpi_lain", "admin", "superuser"]
PROGRAMME_READ = {"own": _all(200, STAFF + PROGRAMME_READERS),
                  "other": _all(200, ["operator_lain", *PROGRAMME_READERS]), "foreign": _all(200, SEES_FOREIGN)}
PROGRAMME_WRITE = {"own": {**_all(DONE, STAFF), **_all(403, PROGRAMME_READERS)},
                   "other": {"operator_lain": DONE, **_all(403, PROGRAMME_READERS)},
                   "foreign": _all(403, SEES_FOREIGN)}
LIBRARY_WRITE = {"own": {**_all(DONE, STAFF), **_all(403, ["admin", "superuser"])},
                 "other": {"operator_lain": DONE, **_all(403, ["admin", "superuser"])},
                 "foreign": _all(403, SEES_FOREIGN)}

# A unit's survey: read by its staff, the instansi's TPI members and admins; prepared by its staff and
# the admins; decided (close, exclude, fix a value) by the admins alone.
SURVEYS = ("survey", "survey_other", "survey_foreign")
SURVEY_READ = {"survey": _all(200, STAFF + PROGRAMME_READERS),
               "survey_other": _all(200, ["operator_lain", *PROGRAMME_READERS]),
               "survey_foreign": _all(200, SEES_FOREIGN)}
SURVEY_PREPARE = {"survey": {**_all(DONE, [*STAFF, "admin", "superuser"]), **_all(403, ["tpi", "tpi_lain"])},
                  "survey_other": {**_all(DONE, ["operator_lain", "admin", "superuser"]),
                                   **_all(403, ["tpi", "tpi_lain"])},
                  "survey_foreign": _all(DONE, SEES_FOREIGN)}
SURVEY_DECIDE = {"survey": {**_all(DONE, ["admin", "superuser"]), **_all(403, [*STAFF, "tpi", "tpi_lain"])},
                 "survey_other": {**_all(DONE, ["admin", "superuser"]), **_all(403, ["operator_lain", "tpi", "tpi_lain"])},
                 "survey_foreign": _all(DONE, SEES_FOREIGN)}

INSTANSI_READ = {"rnd": _all(200, ["tpi", "tpi_lain", "admin", "superuser"]), "foreign_rnd": _all(200, SEES_FOREIGN)}
INSTANSI_WRITE = {"rnd": {**_all(DONE, ["admin", "superuser"]), **_all(403, ["tpi", "tpi_lain"])},
                  "foreign_rnd": _all(DONE, SEES_FOREIGN)}
PROPOSAL_READ = {"proposal": _all(200, ["tpi", "tpi_lain", "admin", "superuser"]),
                 "proposal_foreign": _all(200, SEES_FOREIGN)}
PROPOSAL_WRITE = {"proposal": {**_all(DONE, ["admin", "superuser"]), **_all(403, ["tpi", "tpi_lain"])},
                  "proposal_foreign": _all(DONE, SEES_FOREIGN)}
NOMINEE_WRITE = {"nominee": {**_all(DONE, ["admin", "superuser"]), **_all(403, ["tpi", "tpi_lain"])},
                 "nominee_foreign": _all(DONE, SEES_FOREIGN)}
MATRIX = {
    # Pages anyone signed in may open; what they list is scoped (tested below).
    "home": ("GET", {None: {**_all(302), "tanpa_peran": 200}}),  # sent on to their role's page; no role: told so
    "login": ("GET", {None: _all(302)}),  # signed-in users are sent on; anonymous users get the form
    "logout": ("POST", {None: _all(302)}),
    "password_change": ("GET", {None: _all(200)}),
    "password_change_done": ("GET", {None: _all(200)}),
    "session_keepalive": ("GET", {None: _all(200)}),  # "Tetap masuk": renews the person's own session
    "evaluations:my_worksheets": ("GET", {None: _all(200)}),
    "evaluations:round_list": ("GET", {None: _all(200)}),
    "evaluations:review_queue": ("GET", {None: _all(200, ["tpi", "tpi_lain", "admin", "admin_lain", "superuser"])}),
    # Reading a worksheet: its unit's staff, the assigned TPI member, the instansi's admin.
    "evaluations:worksheet_detail": ("GET", READ),
    "evaluations:worksheet_scorecard": ("GET", READ),
    "evaluations:area_detail": ("GET", READ),
    "evaluations:export_lke": ("GET", READ),
    "evaluations:evidence_download": ("GET", READ),
    # Changing answers and evidence: the unit's staff while the worksheet is open to them.
    "evaluations:answer_save": ("POST", EDIT),
    "evaluations:evidence_upload": ("POST", EDIT),
    "evaluations:evidence_link": ("POST", EDIT),
    "evaluations:evidence_delete": ("POST", EDIT),
    # The forms for adding evidence, loaded when a card's "Tambah bukti dukung" opens: who may add it.
    "evaluations:evidence_forms": ("GET", ADDS_EVIDENCE),
    # A library document attached to one question: as adding evidence.
    "evaluations:evidence_attach": ("POST", EDIT),
    # Several files at once for an area or indicator, then assigned: who may add evidence now.
    "evaluations:bulk_upload": ("GET", ADDS_EVIDENCE),
    "evaluations:bulk_assign": ("GET", ADDS_EVIDENCE),
    # Start from last year: the unit's staff on an empty draft (these worksheets are not empty: refused
    # with the reason, nothing changes); the admin for a whole round, done by a worker.
    "evaluations:worksheet_carry_over": ("POST", {**{k: _all(302, SEES_OWN) for k in ("own", "submitted", *LATER)},
                                                  "foreign": _all(302, SEES_FOREIGN)}),
    "evaluations:round_carry_over": ("POST", {"rnd": {"admin": DONE, "superuser": DONE,
                                                      **_all(302, ["operator", "kepala", "operator_lain", "tpi"])},
                                              "foreign_rnd": {"admin_lain": DONE, "superuser": DONE}}),
    # A unit's evidence library: read by its staff and the instansi's admins (not the TPI: it sees
    # evidence through the worksheets it reviews); changed by the unit's staff only.
    "evaluations:library_list": ("GET", LIBRARY_READ),
    "evaluations:library_document": ("GET", LIBRARY_READ),
    "evaluations:library_download": ("GET", LIBRARY_READ),
    "evaluations:library_add": ("POST", LIBRARY_WRITE),
    "evaluations:library_version": ("POST", LIBRARY_WRITE),
    # (the document is attached: refused with the reason, nothing deleted)
    "evaluations:library_delete": ("POST", {k: {**v, **{r: 302 for r, w in v.items() if w == DONE}}
                                            for k, v in LIBRARY_WRITE.items()}),
    # (queues a check; nothing on the page changes until a worker has run it)
    "evaluations:library_check_links": ("POST", {k: {**v, **{r: 302 for r, w in v.items() if w == DONE}}
                                                 for k, v in LIBRARY_WRITE.items()}),
    # Import: the unit's staff, or the admin filling in for a unit on a draft; the TPI member is sent back.
    "evaluations:import_lke": ("GET", {"own": {**_all(200, STAFF), "tpi": 302, "admin": 200, "superuser": 200},
                                       "foreign": _all(200, SEES_FOREIGN)}),
    # Submitting is the kepala's; extending the deadline the admin's (hidden from everyone else).
    "evaluations:worksheet_submit": ("POST", {"own": {"kepala": DONE, **_all(HIDDEN_OR_REFUSED, ["operator"] + SEERS)},
                                              "returned": {"kepala": DONE,
                                                           **_all(HIDDEN_OR_REFUSED, ["operator"] + SEERS)},
                                              "in_review": _all(HIDDEN_OR_REFUSED, SEES_OWN),
                                              "approved": _all(HIDDEN_OR_REFUSED, SEES_OWN),
                                              "foreign": _all(HIDDEN_OR_REFUSED, SEES_FOREIGN)}),
    "evaluations:worksheet_extend": ("POST", {"own": {"admin": DONE, "superuser": DONE},
                                              "foreign": {"admin_lain": DONE, "superuser": DONE}}),
    "evaluations:worksheet_extend_review": ("POST", {"own": {"admin": DONE, "superuser": DONE},
                                                     "submitted": {"admin": DONE, "superuser": DONE},
                                                     "foreign": {"admin_lain": DONE, "superuser": DONE}}),
    # Assigning TPI members: the instansi's admin only (hidden from everyone else).
    "evaluations:worksheet_assign": ("POST", {"own": {"admin": DONE, "superuser": DONE},
                                              "foreign": {"admin_lain": DONE, "superuser": DONE}}),
    # Review: the assigned TPI member and the instansi's admin, once the worksheet is submitted.
    "evaluations:review_area": ("GET", REVIEW_READ),
    "evaluations:review_answer_save": ("POST", {"own": _all(REFUSED_HTMX, SEERS), "submitted": _all(DONE, SEERS),
                                                "in_review": _all(DONE, SEERS),
                                                "returned": _all(REFUSED_HTMX, SEERS),
                                                "approved": _all(REFUSED_HTMX, SEERS),
                                                "foreign": _all(REFUSED_HTMX, SEES_FOREIGN)}),
    # (the payload's action is "start": possible only from "submitted")
    "evaluations:review_decide": ("POST", {"own": _all(HIDDEN_OR_REFUSED, STAFF + SEERS),
                                           "submitted": {**_all(DONE, SEERS), **_all(HIDDEN_OR_REFUSED, STAFF)},
                                           **{k: _all(HIDDEN_OR_REFUSED, STAFF + SEERS) for k in LATER},
                                           "foreign": _all(HIDDEN_OR_REFUSED, SEES_FOREIGN)}),
    # Rounds: staff see their own unit's row; a TPI member the rounds they have worksheets in.
    "evaluations:round_detail": ("GET", ROUND_READ),
    "evaluations:round_summary": ("GET", ROUND_READ),
    "evaluations:round_hasil": ("GET", ROUND_TPI),
    # Opening and closing a round: the instansi's admin, audited (hidden from everyone else).
    "evaluations:round_status": ("POST", {"rnd": {"admin": DONE, "superuser": DONE},
                                          "foreign_rnd": {"admin_lain": DONE, "superuser": DONE}}),
    # The recap workbook: asked for by the round's reviewers (built by a worker), its state polled;
    # only the person who asked downloads it (nobody has asked here: a 404 for all).
    "evaluations:export_recap": ("POST", {"rnd": _all(DONE, SEERS), "foreign_rnd": _all(DONE, SEES_FOREIGN)}),
    "evaluations:recap_status": ("GET", ROUND_TPI),
    "evaluations:recap_download": ("GET", {"rnd": {}, "foreign_rnd": {}}),
    # Proposal prerequisites: a unit's page for whoever reads its worksheet, recorded by its TPI member
    # and the admins; the round's page for the instansi's admins and TPI, recorded by the admins.
    "evaluations:worksheet_prerequisites": ("GET", READ),
    "evaluations:worksheet_prerequisite_evidence": ("GET", READ),
    "evaluations:round_prerequisites": ("GET", ROUND_TPI),
    "evaluations:round_prerequisite_evidence": ("GET", ROUND_READ),
    "programme:unit": ("GET", PROGRAMME_READ),
    "programme:digest_preference": ("POST", {None: _all(302)}),  # one's own choice, then back
    # Every unit's progress: the instansi's admins and TPI members ("rnd" stands for its instansi).
    "programme:progress": ("GET", {"rnd": _all(200, ["tpi", "tpi_lain", "admin", "superuser"]),
                                   "foreign_rnd": _all(200, SEES_FOREIGN)}),
    "programme:innovation_add": ("POST", PROGRAMME_WRITE),
    "programme:study_visit_add": ("POST", PROGRAMME_WRITE),
    # The instansi's innovations: anyone working in it ("rnd" stands for its instansi).
    "programme:innovations": ("GET", {"rnd": _all(200, ["operator", "kepala", "operator_lain", "tpi", "tpi_lain",
                                                        "admin", "superuser"]),
                                      "foreign_rnd": _all(200, SEES_FOREIGN)}),
    # The plan workbook: asked for by the instansi's admins and TPI (built by a worker), its panel polled;
    # the file goes only to the person who asked (none here: 404 for everyone).
    "programme:progress_export": ("POST", {"rnd": _all(DONE, ["tpi", "tpi_lain", "admin", "superuser"]),
                                           "foreign_rnd": _all(DONE, SEES_FOREIGN)}),
    "programme:progress_export_status": ("GET", {"rnd": _all(200, ["tpi", "tpi_lain", "admin", "superuser"]),
                                                 "foreign_rnd": _all(200, SEES_FOREIGN)}),
    "programme:progress_export_download": ("GET", {"rnd": {}, "foreign_rnd": {}}),
    # Surveys ("survey" = a survey of operator's unit, "survey_other" = operator_lain's, "survey_foreign" =
    # another instansi's). The respondent's pages go by the survey's token alone: anyone, signed in or not.
    "surveys:respond": ("GET", {k: _all(200, ROLES) for k in SURVEYS}),
    "surveys:thanks": ("GET", {k: _all(200, ROLES) for k in SURVEYS}),
    "surveys:unit": ("GET", SURVEY_READ),
    # The questionnaires: read by the instansi's admins and TPI; adapted (a new version) by its admins.
    "surveys:instruments": ("GET", {"rnd": _all(200, ["tpi", "tpi_lain", "admin", "superuser"]),
                                    "foreign_rnd": _all(200, SEES_FOREIGN)}),
    "surveys:instrument_adapt": ("GET", {"rnd": {**_all(200, ["admin", "superuser"]), **_all(403, ["tpi", "tpi_lain"])},
                                         "foreign_rnd": _all(200, SEES_FOREIGN)}),
    "surveys:instansi": ("GET", {"rnd": _all(200, ["tpi", "tpi_lain", "admin", "superuser"]),
                                 "foreign_rnd": _all(200, SEES_FOREIGN)}),
    "surveys:period": ("GET", SURVEY_READ),
    "surveys:poster": ("GET", SURVEY_READ),
    "surveys:results": ("GET", SURVEY_READ),
    "surveys:results_export": ("GET", SURVEY_READ),
    # The unit's staff and the admins prepare it; the TPI reads.
    # (The world's surveys are open: opening again is refused with the reason, a redirect.)
    "surveys:open": ("POST", {k: {r: 302 if w == DONE else w for r, w in v.items()} for k, v in SURVEY_PREPARE.items()}),
    "surveys:services": ("POST", SURVEY_PREPARE),
    "surveys:codes_new": ("POST", SURVEY_PREPARE),
    "surveys:codes_download": ("GET", {k: {r: 200 if w == DONE else w for r, w in v.items()}
                                       for k, v in SURVEY_PREPARE.items()}),
    # Only the instansi's admins decide about what respondents said.
    "surveys:exclude": ("POST", SURVEY_DECIDE),
    "surveys:close": ("POST", SURVEY_DECIDE),
    "surveys:reschedule": ("POST", SURVEY_DECIDE),
    # (A value goes in only after the close: before it, the admin is told so next to the field.)
    "surveys:fix_value": ("POST", {k: {r: 400 if w == DONE else w for r, w in v.items()} for k, v in SURVEY_DECIDE.items()}),
    # Proposals, the TPN, predicates: the instansi's admins write; its TPI members read the
    # instansi's proposals; a unit's staff read their own unit's predicates and take its recommendations.
    "proposals:instansi": ("GET", INSTANSI_READ),
    "proposals:authority": ("POST", INSTANSI_WRITE),
    "proposals:template_upload": ("POST", INSTANSI_WRITE),
    "proposals:template_download": ("GET", INSTANSI_READ),
    "proposals:calibration": ("GET", INSTANSI_READ),
    "proposals:round": ("GET", INSTANSI_READ),
    "proposals:propose": ("POST", {k: {r: 400 if w == DONE else w for r, w in v.items()}  # nothing ready: told so
                                   for k, v in INSTANSI_WRITE.items()}),
    "proposals:integration": ("POST", INSTANSI_WRITE),
    "proposals:proposal": ("GET", {"proposal": _all(200, ["tpi", "admin", "superuser"]),  # a TPI member: their units
                                   "proposal_foreign": _all(200, SEES_FOREIGN)}),
    "proposals:document": ("GET", {"proposal": {**_all(200, ["admin", "superuser"]), **_all(403, ["tpi", "tpi_lain"])},
                                   "proposal_foreign": _all(200, SEES_FOREIGN)}),  # the letter names every unit
    "proposals:reevaluation": ("POST", {"award": {**_all(DONE, ["admin", "superuser"]), **_all(403, [*STAFF, "tpi"])},
                                        "award_foreign": _all(DONE, ["admin_lain", "superuser"])}),
    "proposals:earlier_award": ("POST", {"own": {**_all(DONE, ["admin", "superuser"]), **_all(403, [*STAFF, "tpi"])},
                                         "foreign": _all(DONE, SEES_FOREIGN)}),
    "proposals:integration_evidence": ("GET", {"integration": _all(200, ["admin", "superuser"]),
                                               "integration_foreign": _all(200, SEES_FOREIGN)}),
    "proposals:rebuild": ("POST", PROPOSAL_WRITE),
    "proposals:panel": ("POST", {k: {r: 400 if w == DONE else w for r, w in v.items()}  # a TPN proposal: no panel
                                 for k, v in PROPOSAL_WRITE.items()}),
    "proposals:stage": ("POST", NOMINEE_WRITE),
    "proposals:result": ("POST", NOMINEE_WRITE),
    "proposals:tpn_values": ("GET", {k: {r: 200 if w == DONE else w for r, w in v.items()}
                                     for k, v in NOMINEE_WRITE.items()}),
    "proposals:tpn_import": ("GET", {k: {r: 200 if w == DONE else w for r, w in v.items()}
                                     for k, v in NOMINEE_WRITE.items()}),
    "proposals:take_recommendations": ("POST", {
        "nominee": {**_all(DONE, STAFF), **_all(403, ["tpi", "tpi_lain", "admin", "superuser"])},
        "nominee_foreign": _all(403, ["admin_lain", "superuser"])}),
    "proposals:revoke": ("POST", {"award": {**_all(DONE, ["admin", "superuser"]), **_all(403, [*STAFF, "tpi"])},
                                  "award_foreign": _all(DONE, ["admin_lain", "superuser"])}),
    "proposals:award_document": ("GET", {"award": _all(200, [*STAFF, "tpi", "admin", "superuser"]),
                                         "award_foreign": _all(200, ["admin_lain", "superuser"])}),
    "proposals:unit": ("GET", {"own": _all(200, [*STAFF, "tpi", "admin", "superuser"]),
                               "foreign": _all(200, SEES_FOREIGN)}),
    "proposals:lhe": ("GET", {"approved": _all(200, SEES_OWN), "own": _all(200, SEERS),
                              "foreign": _all(200, SEES_FOREIGN)}),
    "programme:action_new": ("GET", PROGRAMME_READ),  # (a read-only form for those who may not write)
    "programme:action_edit": ("GET", PROGRAMME_READ),
    "programme:pencanangan": ("POST", PROGRAMME_WRITE),
    "programme:team_decree": ("POST", PROGRAMME_WRITE),
    "programme:team_member": ("POST", PROGRAMME_WRITE),
    "programme:team_member_end": ("POST", PROGRAMME_WRITE),
    "programme:quarter": ("GET", PROGRAMME_READ),
    "programme:monitoring_reply": ("POST", PROGRAMME_WRITE),
    # The quarter's report is signed off by the kepala alone; pemantauan notes are the TPI's alone.
    "programme:quarter_sign_off": ("POST", {"own": {"kepala": DONE, **_all(403, ["operator", *PROGRAMME_READERS])},
                                            "other": _all(403, ["operator_lain", *PROGRAMME_READERS]),
                                            "foreign": _all(403, SEES_FOREIGN)}),
    "programme:monitoring_note": ("POST", {
        "own": {**_all(DONE, ["tpi", "tpi_lain"]), **_all(403, [*STAFF, "admin", "superuser"])},
        "other": {**_all(DONE, ["tpi", "tpi_lain"]), **_all(403, ["operator_lain", "admin", "superuser"])},
        "foreign": _all(403, SEES_FOREIGN)}),
}


def _answer(ws):
    return ws.answers.get(question__key="I.pemenuhan.i.a")


def _proposal_state(instansi_id):
    """What the proposals' writes change: every one of them leaves an audit event; the TPN's values."""
    return (Event.objects.filter(instansi_id=instansi_id).count(),
            Answer.objects.filter(worksheet__round__instansi_id=instansi_id).exclude(tpn_option="").count())


def _snapshot(target):
    """What the actions change, read fresh from the database."""
    if isinstance(target, (Proposal, Nominee, Award)):
        return _proposal_state(_instansi_of(target))
    if isinstance(target, SurveyPeriod):
        period = SurveyPeriod.objects.get(pk=target.pk)
        return (period.status, str(period.opens_on), str(period.closes_on),
                sorted(period.services.values_list("name", flat=True)), period.codes.count(),
                Exclusion.objects.filter(response__period=period).count(), period.handoffs.count(),
                period.responses.count())
    if isinstance(target, Round):
        return (*_proposal_state(target.instansi_id),
                PrerequisiteRecord.objects.filter(round=target).count(), Round.objects.get(pk=target.pk).status,
                RecapExport.objects.filter(round=target).count(), CarryOver.objects.filter(round=target).count(),
                PlanExport.objects.filter(instansi_id=target.instansi_id).count())
    ws = Worksheet.objects.get(pk=target.pk)
    answer = _answer(ws)
    return (ws.status, ws.deadline_extension, ws.review_extension, answer.revision, answer.tpi_updated_at,
            Evidence.objects.filter(answer__worksheet=ws).count(), sorted(ws.reviewers.values_list("pk", flat=True)),
            PrerequisiteRecord.objects.filter(worksheet=ws).count(),
            sorted(Document.objects.filter(unit_id=ws.unit_id).values_list("title", flat=True)),
            DocumentVersion.objects.filter(document__unit_id=ws.unit_id).count(),
            sorted(ws.answers.values_list("carried", flat=True)), *_proposal_state(ws.unit.instansi_id),
            ProgrammeEvent.objects.filter(unit_id=ws.unit_id).count())


def _spare(ws):
    """A document of the unit's library that no answer uses yet (what "attach" attaches)."""
    return Document.objects.get(unit_id=ws.unit_id, url="https://drive.pemda.go.id/cadangan")


def _definition(key):
    return PrerequisiteDefinition.objects.get(version=f.lke(), key=key)


def _instansi_of(target):
    if isinstance(target, Proposal):
        return target.round.instansi_id
    if isinstance(target, Nominee):
        return target.proposal.round.instansi_id
    return target.unit.instansi_id


def _payload(target):
    if isinstance(target, Nominee):
        question = Question.objects.get(version=f.lke(), key="I.pemenuhan.i.a")
        return {f"s{target.pk}-kind": "desk", f"s{target.pk}-date": "2026-07-01", f"s{target.pk}-outcome": "passed",
                f"r{target.pk}-awarded": "tidak", f"r{target.pk}-recommendations": "II. Uji matriks",
                f"q{question.pk}": "Tidak"}
    if isinstance(target, Award):
        return {f"a{target.pk}-on": "2026-09-01", f"a{target.pk}-reason": "Uji matriks", f"e{target.pk}-on": "2026-09-01"}
    if isinstance(target, Proposal):
        return {"members": "Ketua panel"}
    if isinstance(target, SurveyPeriod):
        spare = Round.objects.filter(instansi_id=target.unit.instansi_id, status="open").exclude(
            survey_periods__unit=target.unit).first()
        return {"reason": "Diisi petugas (uji matriks)", "count": "3", "services": "KTP-el\nLayanan uji matriks",
                "kind": "spak", "value": "3,5", "round": spare.pk if spare else "", "opens_on": "2026-11-01",
                "closes_on": "2027-01-31", "minimum": "30", "confirm": "on"}
    if isinstance(target, Round):  # an instansi prerequisite
        opini = _definition("opini-bpk")
        kawasan = Kawasan.objects.get(instansi_id=target.instansi_id)
        return {"definition": opini.pk, f"p{opini.pk}-value": "WTP", f"p{opini.pk}-note": "LHP BPK",
                "action": "close", "comment": "Uji matriks", "authorised": "on", "reference": "Surat uji",
                "since": "2024-05-02", "kind": "letter", "route": "tpn",
                f"k{kawasan.pk}-score": "6,8", f"k{kawasan.pk}-url": "https://jdih.pemda.go.id/k.pdf",
                "file": SimpleUploadedFile("kop.docx", proposal_services.docs.default_path("letter").read_bytes())}
    ws = target
    tindak_lanjut = _definition("tindak-lanjut")
    answer = _answer(ws)
    return {"revision": answer.revision, "option": "Tidak", "explanation": "Diubah oleh uji matriks",
            "tpi_option": "Tidak", "tpi_note": "Catatan uji", "url": "https://drive.pemda.go.id/uji.pdf",
            "description": "SK uji", "action": "start", "kind": "link",
            "link-url": "https://drive.pemda.go.id/baru-matriks", "title": "Judul uji matriks",
            "document": _spare(ws).pk, "date": "2026-03-17", "declared_by": "Bupati Uji", "number": "800/1/2026",
            "name": "Anggota Uji", "role": "anggota", "predicate": "wbk", "decree_number": "B/9/2024",
            "decree_date": "2024-12-02", "area_code": "I", "target": "Uji terukur",
            "due": "2026-12-31", "status": "planned", "visited": "Kota Uji",
            "adopted": "Antrean daring", "note": "Catatan pemantauan uji", "reply": "Tanggapan uji",
            **{f"a{pk}-realisation": "40" for pk in Action.objects.filter(unit_id=ws.unit_id).values_list("pk", flat=True)}, "expected_status": ws.status, "comment": "Uji matriks",
            "definition": tindak_lanjut.pk, f"p{tindak_lanjut.pk}-value": "100",
            "until": "2027-01-15T16:00", "reviewers": list(Membership.objects.filter(
                instansi=ws.unit.instansi, role=R.TPI).values_list("user_id", flat=True)), "file": SimpleUploadedFile("sk-uji.pdf", b"%PDF-1.4 uji matriks",
                                                                    "application/pdf"),
            "files": SimpleUploadedFile("laporan-uji.pdf", b"%PDF-1.4 laporan uji matriks", "application/pdf")}


@pytest.fixture
def world():
    inst = f.instansi("Pemerintah Kabupaten Uji")
    other_inst = f.instansi("Pemerintah Kota Lain")
    own, other = f.unit(inst, "Dinas Sendiri"), f.unit(inst, "Dinas Tetangga")
    foreign = f.unit(other_inst, "Dinas Kota Lain")
    rnd, foreign_rnd = f.round_(inst), f.round_(other_inst)
    earlier = f.round_(inst, year=2025)
    tpi = f.member(inst, R.TPI, None, "tpi.ditugaskan")
    superuser = f.user("super.pengguna", is_staff=True, is_superuser=True)
    f.member(other_inst, R.TPI, None, "tpi.kota.lain")  # someone to assign on the other instansi's worksheet
    Group.objects.create(name="Operator")  # every model in the admin has a row, so every admin URL is walked
    tasks.send_email.enqueue(subject="Uji", body="Uji", recipients=["uji@pemda.go.id"])  # a queued task
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
        "superuser": superuser,
    }
    objects = {"own": f.worksheet(rnd, own, reviewers=[tpi], answers="best"),
               "submitted": f.worksheet(earlier, own, status=Worksheet.Status.SUBMITTED, reviewers=[tpi]),
               **{status: f.worksheet(f.round_(inst, year=year), own, status=status, reviewers=[tpi], answers="best")
                  for status, year in (("in_review", 2024), ("returned", 2023), ("approved", 2022))},
               "other": f.worksheet(rnd, other),
               "foreign": f.worksheet(foreign_rnd, foreign), "rnd": rnd, "foreign_rnd": foreign_rnd}
    for key in ("own", "submitted", "other", "foreign", *LATER):
        _evidence(objects[key])
    for key in ("own", "other", "foreign"):
        f.link_document(objects[key].unit, "https://drive.pemda.go.id/cadangan")
        decree = TeamDecree.objects.create(unit=objects[key].unit, number="800/0", date="2026-01-02")
        TeamMember.objects.create(decree=decree, name="Ketua Uji", role="ketua", since="2026-01-02")
        action = Action.objects.create(unit=objects[key].unit, year=2026, area_code="I", description="Aksi uji",
                                       target="Uji", due="2026-06-30")
        report = QuarterReport.objects.create(unit=objects[key].unit, year=2026, quarter=1)
        Progress.objects.create(report=report, action=action, realisation=30)
        MonitoringNote.objects.create(unit=objects[key].unit, year=2026, quarter=1, note="Catatan TPI")
    for key in ("own", "submitted", "other", "foreign", "rnd", "foreign_rnd", *LATER):
        _prerequisite_evidence(objects[key])
    # Every answer that needs evidence has some, so the kepala can submit the own worksheet (and
    # resubmit the returned one).
    f.attach_links([a for key in ("own", "returned")
                    for a in objects[key].answers.filter(question__evidence_required=True)
                    .exclude(question__key="I.pemenuhan.i.a")], "https://drive.pemda.go.id/b")
    objects["returned"].answers.filter(question__key="I.pemenuhan.i.a").update(
        needs_revision=True, tpi_option="Tidak", tpi_note="Lampirkan SK")
    for key in LATER:
        WorksheetEvent.objects.create(worksheet=objects[key], actor=users["kepala"], kind="status",
                                      from_status="draft", to_status="submitted")
    WorksheetEvent.objects.create(worksheet=objects["submitted"], actor=users["kepala"], kind="status",
                                  from_status="draft", to_status="submitted")
    for key, unit_, round_ in (("survey", own, rnd), ("survey_other", other, rnd), ("survey_foreign", foreign,
                                                                                   foreign_rnd)):
        period = SurveyPeriod.objects.create(
            unit=unit_, round=round_, opens_on="2026-01-01", closes_on="2026-12-31",
            spak=survey_selectors.current_instrument("spak", unit_.instansi_id),
            spkp=survey_selectors.current_instrument("spkp", unit_.instansi_id))
        service = ServiceType.objects.create(period=period, name="KTP-el")
        SurveyPeriod.objects.filter(pk=period.pk).update(status="open")
        period.refresh_from_db()
        for _ in range(2):  # the second one excluded (the admin's list of exclusions has a row)
            last = survey_services.response_submit(period=period, service=service, seconds=60, values=dict.fromkeys(
                survey_selectors.item_ranges(period), 3)).response
        Exclusion.objects.create(response=last, reason="Uji matriks", by=users["admin"])
        objects[key] = period
    Kawasan.objects.create(instansi=inst, name="Kawasan Pelayanan Terpadu").units.add(own, other)
    Kawasan.objects.create(instansi=other_inst, name="Kawasan Kota").units.add(foreign)
    for suffix, ws in (("", objects["approved"]), ("_foreign", objects["foreign"])):
        proposal = Proposal.objects.create(round=ws.round, letter_number="700/1/2026", letter_date=datetime.date(2026, 5, 2),
                                           signatory_name="Bupati Uji", signatory_title="Bupati")
        nominee = Nominee.objects.create(proposal=proposal, unit=ws.unit, worksheet=ws, predicate="wbk",
                                         recommendations="III. Lengkapi analisis beban kerja")
        proposal_services.build_documents(proposal)
        award = Award.objects.create(unit=ws.unit, predicate="wbk", year=2025, source="tpn", decree_number="B/1/2025",
                                     decree_date=datetime.date(2025, 12, 1),
                                     document=default_storage.save(f"uji/sk{suffix}.pdf", ContentFile(b"%PDF-1.4 sk")))
        integration = IntegrationScore.objects.create(
            kawasan=Kawasan.objects.get(instansi_id=ws.round.instansi_id), round=ws.round, score=7,
            evidence_file=default_storage.save(f"uji/integrasi{suffix}.pdf", ContentFile(b"%PDF-1.4 integrasi")))
        objects.update({f"proposal{suffix}": proposal, f"nominee{suffix}": nominee, f"award{suffix}": award,
                        f"integration{suffix}": integration})
    RoundEvent.objects.create(round=rnd, actor=users["admin"], from_status="draft", to_status="open")
    CarryOver.objects.create(round=earlier, requested_by=users["admin"], status=CarryOver.Status.DONE)
    seen = {"user_agent": "Chromium", "ip_address": "10.0.0.7", "username": "op.sendiri", "http_accept": "*/*",
            "path_info": "/masuk/"}
    AccessAttempt.objects.create(**seen, get_data="", post_data="username=op.sendiri", failures_since_start=1)
    AccessLog.objects.create(**seen)
    AccessFailureLog.objects.create(**seen)
    return users, objects


def _evidence(ws):
    answer = ws.answers.get(question__key="I.pemenuhan.i.a")
    name = default_storage.save(f"uji/{ws.pk}/sk.pdf", ContentFile(b"%PDF-1.4 matriks"))
    return f.attach(answer, f.file_document(ws.unit, "sk.pdf", stored=name, size=16))


def _prerequisite_evidence(target):
    scope = {"round": target} if isinstance(target, Round) else {"worksheet": target}
    name = default_storage.save(f"uji/syarat/{target.pk}/lhp.pdf", ContentFile(b"%PDF-1.4 syarat"))
    return PrerequisiteRecord.objects.create(
        definition=_definition("opini-bpk" if "round" in scope else "tindak-lanjut"), value="100",
        evidence_file=name, evidence_name="lhp.pdf", evidence_type="application/pdf", **scope)


def _args(route, obj):
    """Fill a route's converters from the object: pk, question_id, evidence_id, code."""
    values = {}
    if "<int:pk>" in route:
        values["pk"] = obj.pk
    if "<int:question_id>" in route:
        values["question_id"] = Question.objects.get(version=obj.round.version, key="I.pemenuhan.i.a").pk
    if "<int:evidence_id>" in route:
        values["evidence_id"] = Evidence.objects.filter(answer__worksheet=obj).values_list("pk", flat=True)[0]
    if "<str:code>" in route:
        values["code"] = "I"
    if "<int:instansi_id>" in route:
        values["instansi_id"] = obj.instansi_id
    if "<int:unit_id>" in route:
        values["unit_id"] = obj.unit_id
    if "<int:document_id>" in route:  # the unit's first file (attached to its first worksheet)
        values["document_id"] = Document.objects.filter(unit_id=obj.unit_id, kind="file").order_by("pk")[0].pk
    if "<int:number>" in route:
        values["number"] = 1
    if "<int:decree_id>" in route:
        values["decree_id"] = TeamDecree.objects.filter(unit_id=obj.unit_id).values_list("pk", flat=True)[0]
    if "<int:member_id>" in route:
        values["member_id"] = TeamMember.objects.filter(decree__unit_id=obj.unit_id).values_list("pk", flat=True)[0]
    if "<int:year>" in route:
        values["year"], values["quarter"] = 2026, 1
    if "<int:note_id>" in route:
        values["note_id"] = MonitoringNote.objects.filter(unit_id=obj.unit_id).values_list("pk", flat=True)[0]
    if "<int:action_id>" in route:
        values["action_id"] = Action.objects.filter(unit_id=obj.unit_id).values_list("pk", flat=True)[0]
    if route.endswith("instrumen/<int:pk>/sesuaikan/"):  # the national SPAK instrument
        values["pk"] = Instrument.objects.get(kind="spak", instansi__isnull=True, version=1).pk
    if "<str:token>" in route:
        values["token"] = obj.token
    if "<int:response_id>" in route:
        values["response_id"] = obj.responses.values_list("pk", flat=True)[0]
    if "<int:service_id>" in route:
        values["service_id"] = obj.services.values_list("pk", flat=True)[0]
    if "<str:fmt>" in route:
        values["fmt"] = "png"
    if "<int:round_id>" in route:
        values["round_id"] = obj.pk
    if "<int:kawasan_id>" in route:
        values["kawasan_id"] = Kawasan.objects.get(instansi_id=obj.instansi_id).pk
    if "<int:proposal_id>" in route:
        values["proposal_id"] = obj.pk
    if "<int:nominee_id>" in route:
        values["nominee_id"] = obj.pk
    if "<int:award_id>" in route:
        values["award_id"] = obj.pk
    if "<int:score_id>" in route:
        values["score_id"] = obj.pk
    if "<str:kind>" in route:
        values["kind"] = "surat" if "dokumen" in route else "letter"
    if "<int:record_id>" in route:
        scope = {"round": obj} if isinstance(obj, Round) else {"worksheet": obj}
        values["record_id"] = PrerequisiteRecord.objects.filter(**scope).values_list("pk", flat=True)[0]
    return values


HTMX = {"HTTP_HX_REQUEST": "true"}  # as the pages send them; plain forms ignore the header


def _request(client, user, method, url, data=None):
    client.logout()
    if user:
        client.force_login(user)
    with transaction.atomic():  # whatever the request changes is undone before the next one
        response = client.get(url) if method == "GET" else client.post(url, data or {}, **HTMX)
        transaction.set_rollback(True)
    return response


def _is_login_redirect(response, login_path):
    return response.status_code == 302 and urlsplit(response["Location"]).path == login_path


def test_every_url_pattern_has_a_row():
    app_names = {name for _, name in _app_patterns()}
    missing = sorted(app_names - set(MATRIX))
    assert not missing, f"URL patterns without a row in the permission matrix: {missing}"
    assert not sorted(set(MATRIX) - app_names), "rows for URL names that no longer exist"
    unnamed = [route for route, name in _app_patterns() if not name]
    assert not unnamed, f"unnamed URL patterns cannot be checked: {unnamed}"


# More requests per URL where the view answers more than one way: the plain-form variant of the
# htmx endpoints (a browser without JavaScript: a refusal is a redirect back with the reason, and
# nothing changes), the import's upload, the password change itself.
PLAIN_EDIT = {"own": {**_all(DONE, STAFF), **_all(302, SEERS)}, "submitted": _all(302, SEES_OWN),
              "foreign": _all(302, SEES_FOREIGN)}
MORE = {
    "evaluations:answer_save": [("POST-plain", PLAIN_EDIT)],
    "evaluations:evidence_upload": [("POST-plain", PLAIN_EDIT)],
    "evaluations:evidence_link": [("POST-plain", PLAIN_EDIT)],
    "evaluations:evidence_delete": [("POST-plain", PLAIN_EDIT)],
    "evaluations:review_answer_save": [("POST-plain", {"own": _all(302, SEERS), "submitted": _all(DONE, SEERS),
                                                       "foreign": _all(302, SEES_FOREIGN)})],
    "evaluations:import_lke": [("POST", {"own": {**_all(200, STAFF), "tpi": 302, "admin": 200, "superuser": 200},
                                         "foreign": _all(200, SEES_FOREIGN)})],
    "password_change": [("POST", {None: _all(200)})],
    "evaluations:library_document": [("POST-plain", LIBRARY_WRITE)],  # its details saved
    "programme:action_new": [("POST-plain", PROGRAMME_WRITE)],
    "programme:action_edit": [("POST-plain", PROGRAMME_WRITE)],
    "programme:quarter": [("POST-plain", PROGRAMME_WRITE)],  # the quarter's realisation saved
    "evaluations:bulk_upload": [("POST-plain", {  # the payload's file goes into the library
        "own": {**_all(DONE, STAFF), **_all(403, SEERS)}, "submitted": _all(403, SEES_OWN),
        "foreign": _all(403, SEES_FOREIGN)})],  # no valid old password in the payload: the form again
    "evaluations:worksheet_prerequisites": [("POST-plain", {
        "own": {**_all(DONE, SEERS), **_all(403, STAFF)}, "submitted": {**_all(DONE, SEERS), **_all(403, STAFF)},
        "foreign": _all(DONE, SEES_FOREIGN)})],
    "proposals:tpn_values": [("POST", {"nominee": NOMINEE_WRITE["nominee"],  # the foreign sheet is not approved
                                       "nominee_foreign": _all(400, SEES_FOREIGN)})],
    "evaluations:round_prerequisites": [("POST-plain", {"rnd": {"admin": DONE, "superuser": DONE, "tpi": 403},
                                                        "foreign_rnd": _all(DONE, SEES_FOREIGN)})],
}


def _specs(name):
    return [MATRIX[name], *MORE.get(name, [])]


CASES = [(name, method, obj) for name in MATRIX for method, by_obj in _specs(name) for obj in by_obj]


@pytest.mark.parametrize("name,method,obj", CASES, ids=[f"{n}-{m}-{o}" for n, m, o in CASES])
def test_permission_matrix(client, world, name, method, obj):
    users, objects = world
    route = next(route for route, n in _app_patterns() if n == name)
    by_obj = dict(_specs(name))[method]
    target = objects[obj] if obj else None
    url = reverse(name, kwargs=_args(route, target) if obj else {})
    if name == "evaluations:bulk_assign":  # the files to assign: here a document of the unit's library
        url += f"?dok={_spare(target).pk}"
    failures = []
    for role in ROLES:
        client.logout()
        if users[role]:
            client.force_login(users[role])
        ws = target if isinstance(target, (Worksheet, Round, SurveyPeriod, Proposal, Nominee, Award)) else None
        with transaction.atomic():  # whatever the request changes is undone before the next role
            before = _snapshot(ws) if ws else None
            data = _payload(ws) if ws else {}
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data, **({} if method == "POST-plain" else HTMX))
            changed = ws is not None and _snapshot(ws) != before
            transaction.set_rollback(True)
        got = f"{response.status_code}{' and it took effect' if changed else ''}"
        if role == "anonim" and "anonim" in by_obj[obj]:  # a public page (the survey's)
            if response.status_code != by_obj[obj]["anonim"] or changed:
                failures.append(f"anonim {method} {url}: {got}, expected {by_obj[obj]['anonim']}")
            continue
        if role == "anonim":
            if name in ("login", "logout"):
                continue  # the login page itself, and signing out of no session
            # A plain request is sent to the login page; an htmx one is told its session ended (the
            # page keeps the card and what was typed in it).
            told = (method == "POST" and response.status_code == 401
                    and response.headers.get("X-ZI-Refusal") == "session")
            if not (_is_login_redirect(response, reverse("login")) or told) or changed:
                failures.append(f"anonim {method} {url}: {got}, expected the login redirect")
            continue
        want = by_obj[obj].get(role, 404)
        ok = (changed and response.status_code in (200, 302)) if want == DONE else (
            response.status_code == want and not changed)
        if not ok:
            failures.append(f"{role} {method} {url}: {got}, expected {want}")
    assert not failures, "\n".join(failures)


def test_a_denied_request_changes_nothing(client, world):
    """The matrix rolls every request back; these are not rolled back, and still change nothing."""
    users, objects = world
    ws = objects["own"]
    qid = _answer(ws).question_id
    fields = ("unit_option", "unit_number", "unit_explanation", "revision")
    before = list(ws.answers.order_by("pk").values_list(*fields)), _snapshot(ws)
    for role in ("operator_lain", "tpi_lain", "admin_lain", "tanpa_peran", "tpi", "admin"):
        client.force_login(users[role])
        client.post(reverse("evaluations:answer_save", args=[ws.pk, qid]), _payload(ws), **HTMX)
        client.post(reverse("evaluations:worksheet_submit", args=[ws.pk]), {"comment": "Ajukan"})
    assert (list(ws.answers.order_by("pk").values_list(*fields)), _snapshot(ws)) == before


# --- the Django admin: staff only; everyone else is sent to the admin's login page ----------------

def _admin_url(route, pattern, objects):
    """A concrete URL for an admin route (named or not): ids come from a row of the model it manages."""
    parts = route.split("/")  # admin/<app_label>/<model_name>/…
    try:
        model = apps.get_model(parts[1], parts[2])
    except (LookupError, ValueError, IndexError):
        model = None  # the site's own pages: index, password change, app index
    values = {"app_label": "evaluations", "url": "tidak-ada/",
              "content_type_id": str(ContentType.objects.get_for_model(Worksheet).pk)}
    if "content_type_id>" in route:  # view on site
        values["object_id"] = str(objects["own"].pk)
    elif model is not None and ("object_id>" in route or "<id>" in route):
        instance = model._default_manager.order_by("pk").first()
        if instance is None:
            return None
        values["object_id"] = values["id"] = str(instance.pk)

    def fill(match):
        return values.get(match.group("name"), "__missing__")

    route = re.sub(r"\(\?P<(?P<name>\w+)>[^)]*\)", fill, route.replace("^", "").replace("$", ""))  # regex routes
    url = "/" + re.sub(r"<(?:\w+:)?(?P<name>\w+)>", fill, route)
    return None if "__missing__" in url else url


# The audit trail, the answers and recorded prerequisite facts are append-only in the admin: no adding,
# no deleting, even for staff; Tabel 5 itself comes from the regulation's file.
APPEND_ONLY = ("admin/evaluations/answer/", "admin/evaluations/evidence/", "admin/evaluations/worksheetevent/",
               "admin/evaluations/prerequisiterecord/", "admin/evaluations/prerequisitedefinition/",
               "admin/evaluations/roundevent/",
               "admin/evaluations/document/", "admin/evaluations/carryover/",  # kept on the unit's and round's pages
               "admin/django_tasks_database/dbtaskresult/",  # the queue's records are written by the queue
               # survey responses are append-only; instruments are versions; periods are run on their pages
               "admin/surveys/")


def _superuser_status(route):
    if route.startswith(APPEND_ONLY) and route.endswith(("add/", "delete/")):
        return (403,)
    if route.startswith("admin/axes/") and route.endswith("add/"):
        return (403,)  # login attempts are recorded, never typed in (deleting one unlocks the account)
    if route == "admin/autocomplete/":
        return (403,)  # Django's autocomplete answers only requests naming a field that uses it
    if "(?P<url>" in route:
        return (404,)  # the catch-all: an unknown admin page is a 404 for staff, a login redirect for others
    return (200, 302)


def _permissionless_staff_status(route):
    """Staff without model permissions: the admin's front pages, nothing of any model."""
    if route in ("admin/", "admin/password_change/", "admin/password_change/done/"):
        return 200
    if "content_type_id>" in route or route.endswith("<path:object_id>/"):
        return 302  # "view on site" redirects to the app (which checks access), the bare id to its change page
    if route == "admin/autocomplete/":
        return 403
    return 403 if re.match(r"admin/\w+/\w+/", route) else 404


def test_every_admin_page_is_for_staff_only(client, world):
    """Anonymous users and everyone without is_staff are sent to the admin's login; staff without
    model permissions see no model; a superuser sees every page (the audit trail stays read-only)."""
    users, objects = world
    staff_without_permissions = f.user("staf.tanpa.izin", is_staff=True)
    login_path = reverse("admin:login")
    checked, failures = 0, []
    for route, name, pattern in _admin_patterns():
        if name in ("admin:login", "admin:logout", "admin:jsi18n"):
            continue  # the way in and out, and a public translation catalogue
        url = _admin_url(route, pattern, objects)
        assert url, f"no URL could be built for admin route {route} ({name})"
        checked += 1
        for role in [*ROLES, "staf_tanpa_izin"]:
            response = _request(client, users.get(role) or staff_without_permissions if role != "anonim" else None,
                                "GET", url)
            if role == "superuser":
                want = _superuser_status(route)
                if response.status_code not in want or _is_login_redirect(response, login_path):
                    failures.append(f"superuser GET {url}: {response.status_code}, expected one of {want}")
            elif role == "staf_tanpa_izin":
                want = _permissionless_staff_status(route)
                if response.status_code != want:
                    failures.append(f"staff without permissions GET {url}: {response.status_code}, expected {want}")
            elif not _is_login_redirect(response, login_path):
                failures.append(f"{role} GET {url}: {response.status_code}, expected the admin login redirect")
    assert checked > 50
    assert not failures, "\n".join(failures)


# --- what scoped lists show -----------------------------------------------------------------------

def test_a_guessed_id_is_404(client, world):
    users, _ = world
    client.force_login(users["operator"])
    assert client.get(reverse("evaluations:worksheet_detail", args=[999999])).status_code == 404


def test_my_worksheets_lists_only_my_unit(client, world):
    users, _ = world
    client.force_login(users["operator"])
    page = client.get(reverse("evaluations:my_worksheets")).content.decode()
    assert "Dinas Sendiri" in page and "Dinas Tetangga" not in page and "Dinas Kota Lain" not in page


def test_round_detail_shows_unit_staff_only_their_unit(client, world):
    users, objects = world
    client.force_login(users["operator"])
    page = client.get(reverse("evaluations:round_detail", args=[objects["rnd"].pk])).content.decode()
    assert "Dinas Sendiri" in page and "Dinas Tetangga" not in page


def test_review_queue_lists_only_assigned_worksheets(client, world):
    users, _ = world
    client.force_login(users["tpi"])  # assigned: the unit is listed (the page works)
    assert "Dinas Sendiri" in client.get(reverse("evaluations:review_queue") + "?status=semua").content.decode()
    client.force_login(users["tpi_lain"])
    page = client.get(reverse("evaluations:review_queue") + "?status=semua").content.decode()
    assert 'data-testid="review-queue"' in page and "Dinas Sendiri" not in page


def test_a_guessed_evidence_id_of_another_worksheet_is_404(client, world):
    users, objects = world
    foreign_evidence = Evidence.objects.get(answer__worksheet=objects["other"])
    client.force_login(users["operator"])
    own = objects["own"]
    for name in ("evaluations:evidence_download", "evaluations:evidence_delete"):
        url = reverse(name, args=[own.pk, foreign_evidence.pk])
        response = client.get(url) if name.endswith("download") else client.post(url)
        assert response.status_code == 404
    assert Evidence.objects.filter(pk=foreign_evidence.pk).exists()


def test_the_assigned_tpi_reads_the_area_page_but_cannot_change_answers(client, world):
    users, objects = world
    ws = objects["own"]
    client.force_login(users["tpi"])
    page = client.get(reverse("evaluations:area_detail", args=[ws.pk, "I"])).content.decode()
    assert 'data-testid="read-only"' in page and 'name="option"' not in page


def test_admin_site_is_registered_for_every_model_it_links():
    """The admin walk above fills ids from the registered models; it must have some to fill."""
    assert len(django_admin.site._registry) >= 8
