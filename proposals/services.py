"""Writes for proposals, the TPN's evaluation, self-evaluation and predicates. Keyword-only, atomic,
permission checked, audited (``Event``). A unit's predicate is changed here only, from its awards,
and its readiness verdicts are recomputed with it (WBBM becomes its target once it holds WBK)."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluations import evidence as evidence_rules
from evaluations import score_store
from evaluations import tasks as lke_tasks
from evaluations.models import Kawasan, Round
from evaluations.readiness import fmt
from programme import services as programme
from units.models import Instansi, Membership, Unit
from units.permissions import user_roles

from . import docs, rules, selectors
from .models import Authority, Award, DocumentTemplate, Event, IntegrationScore, Nominee, Proposal, Stage
from .permissions import is_admin_of, is_staff_of

NOT_ADMIN = gettext_lazy("Hanya admin instansi yang dapat melakukan ini.")


class Refused(Exception):
    """A rule refuses the action; ``str(exc)`` is for the person."""


OWN_UNIT = gettext_lazy("Anda operator atau kepala unit ini: keputusan atas unit sendiri diambil admin lain.")


def _admin(user, instansi_id, unit_ids=()) -> None:
    """The instansi's admin — and, as everywhere in the app, never for a unit the person is staff of
    (separation of duties: no one proposes, scores or awards their own unit)."""
    if not is_admin_of(user, instansi_id):
        raise PermissionDenied(NOT_ADMIN)
    roles = user_roles(user)
    if any(roles.roles_in_unit(int(u)) for u in unit_ids if u):
        raise PermissionDenied(OWN_UNIT)


def _event(instansi_id, user, summary, detail="", *, unit=None, kawasan=None, proposal=None) -> None:
    Event.objects.create(instansi_id=instansi_id, actor=user, summary=str(summary)[:500], detail=str(detail)[:5000],
                         unit=unit, kawasan=kawasan, proposal=proposal)


# --------------------------------------------------------------------------- authority, templates


@transaction.atomic
def authority_set(*, user, instansi: Instansi, authorised: bool, reference: str, since) -> Authority:
    """Record whether the instansi may evaluate Menuju WBK itself (PermenPANRB 5/2024)."""
    _admin(user, instansi.pk)
    if authorised and not reference.strip():
        raise Refused(_("Tuliskan dasar penetapan kewenangan (nomor dan tanggal surat Menteri PANRB)."))
    authority, _created = Authority.objects.select_for_update().get_or_create(instansi=instansi)
    before = authority.authorised
    authority.authorised, authority.reference, authority.since = authorised, reference.strip(), since
    authority.recorded_by, authority.recorded_at = user, timezone.now()
    authority.save()
    _event(instansi.pk, user, _("Kewenangan evaluasi mandiri Menuju WBK: %(v)s") % {
        "v": _("ya") if authorised else _("tidak")}, _("sebelumnya: %(b)s; dasar: %(r)s") % {
        "b": _("ya") if before else _("tidak"), "r": reference or "—"})
    return authority


@transaction.atomic
def template_upload(*, user, instansi: Instansi, kind: str, upload) -> DocumentTemplate:
    """Keep an instansi's own Word template once it has been checked (it renders with sample data)."""
    _admin(user, instansi.pk)
    docs.check_upload(upload, kind, selectors.SAMPLE)
    name = upload.name[-255:]
    row = DocumentTemplate(instansi=instansi, kind=kind, name=name, uploaded_by=user)
    row.file.save(f"{slugify(name.rsplit('.', 1)[0])[:80] or 'templat'}.docx", upload, save=False)
    row.save()
    _event(instansi.pk, user, _("Templat %(k)s diganti") % {"k": row.get_kind_display()}, name)
    return row


def _template(instansi_id: int, kind: str):
    own = selectors.template_for(instansi_id, kind)
    if own is None:
        return docs.default_path(kind)
    with own.file.open("rb") as handle:
        return io.BytesIO(handle.read())


def render_document(instansi_id: int, kind: str, context: dict) -> bytes:
    """A document from the instansi's template, or the repository's."""
    return docs.render(_template(instansi_id, kind), context)


# --------------------------------------------------------------------------- the proposal


def _file_name(kind: str, proposal: Proposal) -> str:
    base = {"letter": "surat-pengajuan", "statement": "surat-pernyataan-tjm", "decree": "sk-penetapan-wbk"}[kind]
    return f"{base}-{proposal.round.year}-{slugify(proposal.round.instansi.short_name or proposal.round.instansi.name)[:40]}.docx"


def build_documents(proposal: Proposal) -> None:
    """(Re)write the proposal's Word documents from the current templates and nominees."""
    nominees = list(proposal.nominees.select_related("unit", "kawasan").order_by("kawasan_id", "unit__name", "pk"))
    authority = selectors.is_authorised(proposal.round.instansi_id)
    proposal.authority_reference = authority.reference if authority else ""
    instansi_id = proposal.round.instansi_id
    if proposal.route == Proposal.Route.TPN:
        context = selectors.proposal_context(proposal, nominees)
        proposal.letter_file.save(_file_name("letter", proposal),
                                  ContentFile(render_document(instansi_id, "letter", context)), save=False)
        proposal.statement_file.save(_file_name("statement", proposal),
                                     ContentFile(render_document(instansi_id, "statement", context)), save=False)
    elif proposal.decided_at:  # the SK penetapan exists once the panel has decided
        awarded = [n for n in nominees if n.status == Nominee.Status.AWARDED]
        context = selectors.proposal_context(proposal, awarded)
        proposal.letter_file.save(_file_name("decree", proposal),
                                  ContentFile(render_document(instansi_id, "decree", context)), save=False)
    proposal.save(update_fields=["letter_file", "statement_file"])


@transaction.atomic
def proposal_create(*, user, round_: Round, route: str, unit_ids, kawasan_ids=(), letter_number: str,
                    letter_date, signatory_name: str, signatory_title: str, signatory_nip: str = "",
                    today=None) -> Proposal:
    """Propose the chosen units and kawasan of a round in one letter (a later letter of the same
    round is a proposal of its own: what was sent stays as sent): each must be proposable now — the
    same rule the page lists them by, checked again under the round's lock — and the TPN route
    closes at the round's proposal deadline. Never the admin's own unit."""
    _admin(user, round_.instansi_id, unit_ids)
    today = today or timezone.localdate()
    round_ = Round.objects.select_for_update(of=("self",)).select_related("instansi", "version").get(pk=round_.pk)
    unit_ids, kawasan_ids = {int(u) for u in unit_ids}, {int(k) for k in kawasan_ids}
    if not unit_ids and not kawasan_ids:
        raise Refused(_("Pilih minimal satu unit atau kawasan yang diusulkan."))
    if route == Proposal.Route.TPN and today > round_.proposal_date:
        raise Refused(_("Batas pengusulan periode ini (%(d)s) telah lewat. Bila TPN mengumumkan tanggal lain, ubah "
                        "batas pengusulan periode lebih dulu.") % {"d": selectors.words(round_.proposal_date)})
    if route == Proposal.Route.MANDIRI:
        if not selectors.is_authorised(round_.instansi_id):
            raise Refused(_("Instansi belum dicatat berwenang mengevaluasi Menuju WBK secara mandiri."))
        if kawasan_ids:
            raise Refused(_("Kawasan diusulkan ke TPN, tidak dievaluasi secara mandiri."))
    available = {c.unit_id: c for c in selectors.candidates(round_, route, today=today) if not c.blocked}
    missing = [str(u) for u in unit_ids if u not in available]
    kawasan = {k.kawasan.pk: k for k in selectors.kawasan_candidates(round_, today=today) if k.ready}
    if missing or any(k not in kawasan for k in kawasan_ids):
        raise Refused(_("Sebagian pilihan tidak lagi dapat diusulkan (sudah diusulkan, dicabut, atau berubah "
                        "nilainya). Muat ulang halaman dan pilih lagi."))
    proposal = Proposal.objects.create(round=round_, route=route, letter_number=letter_number, letter_date=letter_date,
                                       signatory_name=signatory_name, signatory_title=signatory_title,
                                       signatory_nip=signatory_nip, created_by=user)
    rows = [Nominee(proposal=proposal, unit_id=c.unit_id, worksheet_id=c.worksheet_id, predicate=c.predicate,
                    tpi_total=c.total, tpi_pengungkit=c.pengungkit, tpi_hasil=c.hasil, exempt=c.exempt_pending)
            for u, c in sorted(available.items(), key=lambda kv: kv[1].name) if u in unit_ids]
    rows += [Nominee(proposal=proposal, kawasan=kawasan[k].kawasan, predicate=kawasan[k].predicate,
                     integration_score=kawasan[k].integration.score) for k in sorted(kawasan_ids)]
    Nominee.objects.bulk_create(rows)
    build_documents(proposal)
    names = ", ".join(available[u].name for u in sorted(unit_ids, key=lambda u: available[u].name))
    names += (", " if names and kawasan_ids else "") + ", ".join(str(kawasan[k].kawasan) for k in sorted(kawasan_ids))
    _event(round_.instansi_id, user, _("Usulan dibuat: %(n)d unit/kawasan") % {"n": len(rows)},
           _("%(route)s · surat %(no)s · %(names)s · berkas: %(files)s") % {
               "route": proposal.get_route_display(), "no": letter_number, "names": names,
               "files": ", ".join(f.name.rsplit("/", 1)[-1] for f in (proposal.letter_file, proposal.statement_file)
                                  if f)}, proposal=proposal)
    for n in rows:
        if n.unit_id:
            _event(round_.instansi_id, user, _("Diusulkan %(p)s") % {"p": n.get_predicate_display()},
                   proposal.get_route_display(), unit=n.unit, proposal=proposal)
    return proposal


@transaction.atomic
def documents_rebuild(*, user, proposal: Proposal) -> Proposal:
    _admin(user, proposal.round.instansi_id)
    build_documents(proposal)
    _event(proposal.round.instansi_id, user, _("Dokumen usulan dibuat ulang dari templat"), proposal=proposal)
    return proposal


# --------------------------------------------------------------------------- the TPN


def _locked_nominee(nominee: Nominee) -> Nominee:
    return (Nominee.objects.select_for_update(of=("self",))
            .select_related("proposal__round__instansi", "unit", "kawasan", "worksheet").get(pk=nominee.pk))


@transaction.atomic
def stage_record(*, user, nominee: Nominee, kind: str, date, outcome: str, notes: str = "") -> Stage:
    """One stage of the TPN's evaluation (recorded again: the latest date, outcome and notes count,
    the history keeps the earlier)."""
    nominee = _locked_nominee(nominee)
    _admin(user, nominee.proposal.round.instansi_id, [nominee.unit_id])
    if nominee.proposal.route != Proposal.Route.TPN:
        raise Refused(_("Tahap TPN tidak berlaku untuk evaluasi mandiri; catat keputusan panel."))
    if nominee.status in (Nominee.Status.AWARDED, Nominee.Status.NOT_AWARDED):
        raise Refused(_("Hasil akhir sudah dicatat; tahapnya tidak diubah lagi."))
    stage, created = Stage.objects.get_or_create(nominee=nominee, kind=kind, defaults={
        "date": date, "outcome": outcome, "notes": notes, "recorded_by": user})
    before = "" if created else f"{stage.date:%d-%m-%Y} · {stage.get_outcome_display()} · {stage.notes}"
    if not created:
        stage.date, stage.outcome, stage.notes, stage.recorded_by, stage.recorded_at = (
            date, outcome, notes, user, timezone.now())
        stage.save()
    if nominee.status == Nominee.Status.PROPOSED:
        nominee.status = Nominee.Status.EVALUATING
        nominee.save(update_fields=["status"])
    _event(nominee.proposal.round.instansi_id, user, _("Tahap TPN %(s)s: %(o)s") % {
        "s": stage.get_kind_display(), "o": stage.get_outcome_display()},
        (_("sebelumnya: %(b)s; ") % {"b": before} if before else "") + notes, unit=nominee.unit,
        kawasan=nominee.kawasan, proposal=nominee.proposal)
    return stage


def _check_still_eligible(unit: Unit, predicate: str) -> None:
    """Between the proposal and the result the unit may have lost its predicate: WBBM is only for a
    unit holding WBK, and a revocation bars a new predicate for two years."""
    facts = [rules.AwardFact(a.predicate, a.decree_date, a.revoked_on, a.barred_until)
             for a in Award.objects.filter(unit=unit)]
    barred = rules.barred_until(facts, timezone.localdate())
    if barred:
        raise Refused(_("Predikat unit ini dicabut; unit belum dapat ditetapkan sampai %(d)s.") % {
            "d": selectors.words(barred)})
    if predicate == rules.WBBM and rules.held_predicate(facts) not in (rules.WBK, rules.WBBM) \
            and Unit.objects.get(pk=unit.pk).predicate not in (rules.WBK, rules.WBBM):
        raise Refused(_("Unit ini tidak lagi berpredikat Menuju WBK; Menuju WBBM tidak dapat ditetapkan."))


def _supersede(award: Award) -> None:
    """A WBBM award supersedes the unit's (or kawasan's) WBK: that one is no longer re-evaluated on its own."""
    if award.predicate == rules.WBBM:
        owner = {"unit": award.unit} if award.unit_id else {"kawasan": award.kawasan}
        Award.objects.filter(predicate=rules.WBK, revoked_on__isnull=True, superseded_by__isnull=True, **owner).exclude(
            pk=award.pk).update(superseded_by=award)


def _sync_predicate(unit: Unit) -> None:
    """The unit's predicate from its awards (the highest not revoked), and its verdicts with it. The
    unit's row is locked first: a revocation and an award landing together agree on the result."""
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    awards = list(Award.objects.filter(unit=unit))
    facts = [rules.AwardFact(a.predicate, a.decree_date, a.revoked_on, a.barred_until) for a in awards]
    held = rules.held_predicate(facts)
    year = max((a.year for a in awards if a.revoked_on is None and a.predicate == held), default=None)
    Unit.objects.filter(pk=unit.pk).update(predicate=held, predicate_year=year if held else None)
    score_store.refresh_units([unit.pk])


def _checked(upload) -> str:
    """A file from outside, checked as evidence is (size, an accepted kind, content matching its
    extension): its safe name; ``Refused`` in words otherwise."""
    try:
        name, _kind = evidence_rules.check_upload(upload, settings.EVIDENCE_MAX_UPLOAD_MB * 1_048_576)
    except evidence_rules.EvidenceError as exc:
        raise Refused(str(exc)) from exc
    return name


def _save_upload(award: Award, upload) -> None:
    if upload:
        name = _checked(upload)
        award.document_name = name[-255:]
        award.document.save(f"sk-{slugify(award.decree_number)[:60] or 'predikat'}.{name.rsplit('.', 1)[-1][:5]}",
                            upload, save=False)


@transaction.atomic
def result_record(*, user, nominee: Nominee, awarded: bool, decree_number: str = "", decree_date=None, year=None,
                  upload=None, recommendations: str = "") -> Nominee:
    """The TPN route's end: the Minister's award (SK number, date, the document) — the unit's
    predicate follows — or no award, with the TPN's notes as recommendations for the unit."""
    nominee = _locked_nominee(nominee)
    instansi_id = nominee.proposal.round.instansi_id
    _admin(user, instansi_id, [nominee.unit_id])
    if nominee.proposal.route != Proposal.Route.TPN:
        raise Refused(_("Hasil evaluasi mandiri dicatat melalui keputusan panel."))
    if nominee.status in (Nominee.Status.AWARDED, Nominee.Status.NOT_AWARDED):
        raise Refused(_("Hasil akhir unit ini sudah dicatat."))
    if awarded:
        if not decree_number.strip() or not decree_date:
            raise Refused(_("Isi nomor dan tanggal SK penetapan predikat."))
        if nominee.unit_id:
            _check_still_eligible(nominee.unit, nominee.predicate)
        award = Award(unit=nominee.unit, kawasan=nominee.kawasan, nominee=nominee, predicate=nominee.predicate,
                      year=year or decree_date.year, source=Award.Source.TPN, decree_number=decree_number.strip(),
                      decree_date=decree_date, recorded_by=user)
        _save_upload(award, upload)
        award.save()
        _supersede(award)
        nominee.status = Nominee.Status.AWARDED
        nominee.save(update_fields=["status"])
        if nominee.unit_id:
            _sync_predicate(nominee.unit)
        _event(instansi_id, user, _("Predikat %(p)s ditetapkan (TPN)") % {"p": award.get_predicate_display()},
               _("SK %(no)s tanggal %(d)s") % {"no": award.decree_number, "d": selectors.words(decree_date)},
               unit=nominee.unit, kawasan=nominee.kawasan, proposal=nominee.proposal)
    else:
        nominee.status, nominee.recommendations = Nominee.Status.NOT_AWARDED, recommendations.strip()
        nominee.save(update_fields=["status", "recommendations"])
        _event(instansi_id, user, _("Tidak ditetapkan; rekomendasi TPN dicatat"), recommendations, unit=nominee.unit,
               kawasan=nominee.kawasan, proposal=nominee.proposal)
    return nominee


# --------------------------------------------------------------------------- self-evaluation


@transaction.atomic
def panel_decide(*, user, proposal: Proposal, members: str, panel_date, decree_number: str, decree_date,
                 decisions: dict[int, tuple[bool, str]]) -> Proposal:
    """The instansi's panel decides every nominee of its self-evaluation at once: awarded or not,
    each with its reasons; the awarded hold Menuju WBK from the SK penetapan generated for the
    head to sign (and may be proposed for WBBM later). Decided once."""
    proposal = Proposal.objects.select_for_update(of=("self",)).select_related("round__instansi").get(pk=proposal.pk)
    instansi_id = proposal.round.instansi_id
    _admin(user, instansi_id, list(proposal.nominees.values_list("unit_id", flat=True)))
    if proposal.route != Proposal.Route.MANDIRI:
        raise Refused(_("Keputusan panel hanya untuk evaluasi mandiri."))
    if proposal.decided_at:
        raise Refused(_("Panel sudah memutuskan usulan ini."))
    if not selectors.is_authorised(instansi_id):
        raise Refused(_("Instansi tidak lagi dicatat berwenang mengevaluasi secara mandiri."))
    nominees = list(proposal.nominees.select_related("unit").order_by("unit__name"))
    if set(decisions) != {n.pk for n in nominees}:
        raise Refused(_("Putuskan setiap unit yang diusulkan."))
    if not [m for m in members.splitlines() if m.strip()]:
        raise Refused(_("Tuliskan anggota panel."))
    if any(not reasons.strip() for _awarded, reasons in decisions.values()):
        raise Refused(_("Tuliskan alasan keputusan untuk setiap unit."))
    if not decree_number.strip() or not decree_date or not panel_date:
        raise Refused(_("Isi tanggal sidang panel serta nomor dan tanggal SK penetapan."))
    for n in nominees:
        if decisions[n.pk][0]:
            _check_still_eligible(n.unit, rules.WBK)
    proposal.panel_members, proposal.panel_date, proposal.decided_at = members.strip(), panel_date, timezone.now()
    proposal.save(update_fields=["panel_members", "panel_date", "decided_at"])
    for n in nominees:
        awarded, reasons = decisions[n.pk]
        n.reasons = reasons.strip()
        if awarded:
            n.status = Nominee.Status.AWARDED
            Award.objects.create(unit=n.unit, nominee=n, predicate=rules.WBK, year=decree_date.year,
                                 source=Award.Source.MANDIRI, decree_number=decree_number.strip(),
                                 decree_date=decree_date, recorded_by=user)
        else:
            n.status, n.recommendations = Nominee.Status.NOT_AWARDED, reasons.strip()
        n.save(update_fields=["status", "reasons", "recommendations"])
        _event(instansi_id, user, _("Keputusan panel: %(d)s") % {
            "d": _("ditetapkan Menuju WBK") if awarded else _("tidak ditetapkan")}, reasons, unit=n.unit,
            proposal=proposal)
    proposal.letter_number, proposal.letter_date = decree_number.strip(), decree_date
    proposal.save(update_fields=["letter_number", "letter_date"])
    build_documents(proposal)
    for n in nominees:
        if n.status == Nominee.Status.AWARDED:
            _sync_predicate(n.unit)
    return proposal


# --------------------------------------------------------------------------- after the award


@transaction.atomic
def award_revoke(*, user, award: Award, on, reason: str) -> Award:
    """Revoke a predicate: the date, the reason; the unit's predicate falls back to what it still
    holds, and no new proposal for two years (``rules.barred_until``)."""
    award = (Award.objects.select_for_update(of=("self",)).select_related("unit__instansi", "kawasan__instansi")
             .get(pk=award.pk))
    instansi_id = award.instansi_id
    _admin(user, instansi_id, [award.unit_id])
    if award.revoked_on:
        raise Refused(_("Predikat ini sudah dicabut."))
    if not reason.strip():
        raise Refused(_("Tuliskan alasan pencabutan."))
    if on < award.decree_date:
        raise Refused(_("Tanggal pencabutan tidak boleh sebelum tanggal SK."))
    if on > timezone.localdate():
        raise Refused(_("Tanggal pencabutan belum tiba; catat setelah keputusan pencabutan berlaku."))
    award.revoked_on, award.revoke_reason, award.revoked_by = on, reason.strip(), user
    award.save(update_fields=["revoked_on", "revoke_reason", "revoked_by"])
    if award.unit_id:
        _sync_predicate(award.unit)
    _event(instansi_id, user, _("Predikat %(p)s dicabut") % {"p": award.get_predicate_display()},
           _("%(d)s · %(r)s · tidak dapat diusulkan sampai %(bar)s") % {
               "d": selectors.words(on), "r": reason, "bar": selectors.words(award.barred_until)},
           unit=award.unit, kawasan=award.kawasan)
    return award


@transaction.atomic
def integration_record(*, user, round_: Round, kawasan: Kawasan, score: Decimal, note: str = "", upload=None,
                       url: str = "") -> IntegrationScore:
    """A kawasan's business-process integration score for the round, with its evidence."""
    _admin(user, round_.instansi_id)
    if kawasan.instansi_id != round_.instansi_id:
        raise PermissionDenied(NOT_ADMIN)
    if not Decimal("0") <= score <= Decimal("10"):
        raise Refused(_("Nilai integrasi proses bisnis antara 0 dan 10."))
    if not upload and not url:
        raise Refused(_("Lampirkan bukti nilai integrasi (berkas atau tautan)."))
    row = IntegrationScore(kawasan=kawasan, round=round_, score=score, note=note, evidence_url=url, recorded_by=user)
    if upload:
        name = _checked(upload)
        row.evidence_name = name[-255:]
        row.evidence_file.save(f"integrasi.{name.rsplit('.', 1)[-1][:5]}", upload, save=False)
    row.save()
    _event(round_.instansi_id, user, _("Nilai integrasi proses bisnis %(k)s: %(v)s") % {
        "k": kawasan.name, "v": fmt(score)}, note, kawasan=kawasan)
    return row


AREA_PREFIX = re.compile(r"^\s*\[?(VI|IV|V|III|II|I)\b[\].:)\-–]?\s*")


def split_recommendations(text: str) -> list[tuple[str, str]]:
    """(area code, text) per line: a line may start with the area's numeral (“III. …”, “[II] …”);
    one without goes to area I, Manajemen Perubahan, where the unit can move it."""
    out = []
    for line in text.splitlines():
        line = line.strip(" -•\t")
        if not line:
            continue
        m = AREA_PREFIX.match(line)
        out.append((m.group(1), line[m.end():].strip() or line) if m else ("I", line))
    return out


@transaction.atomic
def recommendations_take(*, user, nominee: Nominee, today=None) -> int:
    """The unit turns the recommendations it got into rencana aksi items, in one click (once)."""
    nominee = _locked_nominee(nominee)
    if not nominee.unit_id or not is_staff_of(user, nominee.unit_id):
        raise PermissionDenied(_("Hanya operator dan kepala unit yang menyusun rencana aksinya."))
    if nominee.recommendations_taken_at:
        raise Refused(_("Rekomendasi ini sudah dijadikan rencana aksi."))
    items = split_recommendations(nominee.recommendations)
    if not items:
        raise Refused(_("Tidak ada rekomendasi untuk dijadikan rencana aksi."))
    today = today or timezone.localdate()
    for area, text in items:
        programme.action_save(user=user, unit=nominee.unit, year=today.year, data={
            "area_code": area, "description": text[:2000],
            "target": _("Rekomendasi %(src)s %(y)s ditindaklanjuti") % {
                "src": "TPN" if nominee.proposal.route == Proposal.Route.TPN else _("panel"),
                "y": nominee.proposal.round.year},
            "due": datetime.date(today.year, 12, 31)})
    nominee.recommendations_taken_at = timezone.now()
    nominee.save(update_fields=["recommendations_taken_at"])
    _event(nominee.proposal.round.instansi_id, user, _("%(n)d rekomendasi dijadikan rencana aksi") % {"n": len(items)},
           unit=nominee.unit, proposal=nominee.proposal)
    return len(items)


def remind_reevaluations(today=None) -> int:
    """Nightly: tell each instansi's admins, once, of predicates whose two-yearly re-evaluation
    comes within ``REMINDER_DAYS`` (one query for all of them, one per instansi for its admins)."""
    today = today or timezone.localdate()
    by_instansi: dict[int, list[Award]] = {}
    for a in (selectors.due_awards(today).filter(reminded_at__isnull=True)
              .select_related("unit", "kawasan").order_by("last", "pk")):
        by_instansi.setdefault(a.instansi_id, []).append(a)
    for instansi_id, due in by_instansi.items():
        recipients = sorted({m.user.email for m in Membership.objects.filter(
            instansi_id=instansi_id, role=Membership.Role.ADMIN).select_related("user")
            if m.user.email and m.user.is_active})
        lines = [f"- {a.unit or a.kawasan}: {a.get_predicate_display()} {a.year}, "
                 f"{_('evaluasi ulang')} {selectors.words(a.reevaluation_due)}" for a in due]
        if recipients:
            lke_tasks.queue_email(_("[ZI] Evaluasi ulang predikat mendekat"),
                                  "\n".join(lines) + f"\n\n{settings.SITE_URL.rstrip('/')}/\n\n— ZI Tracker", recipients)
        Award.objects.filter(pk__in=[a.pk for a in due]).update(reminded_at=timezone.now())
    return sum(map(len, by_instansi.values()))


@transaction.atomic
def reevaluation_record(*, user, award: Award, on, note: str = "") -> Award:
    """The predicate was kept at its re-evaluation: the next one is two years from this date (a
    predicate that was not kept is revoked instead)."""
    award = (Award.objects.select_for_update(of=("self",)).select_related("unit__instansi", "kawasan__instansi")
             .get(pk=award.pk))
    instansi_id = award.instansi_id
    _admin(user, instansi_id, [award.unit_id])
    if not award.current:
        raise Refused(_("Predikat ini sudah dicabut atau digantikan predikat yang lebih tinggi."))
    if on < (award.reevaluated_on or award.decree_date) or on > timezone.localdate():
        raise Refused(_("Tanggal evaluasi ulang antara tanggal SK (atau evaluasi ulang sebelumnya) dan hari ini."))
    award.reevaluated_on, award.reminded_at = on, None
    award.save(update_fields=["reevaluated_on", "reminded_at"])
    _event(instansi_id, user, _("Predikat %(p)s dipertahankan pada evaluasi ulang") % {
        "p": award.get_predicate_display()}, _("%(d)s · evaluasi ulang berikutnya %(n)s · %(note)s") % {
        "d": selectors.words(on), "n": selectors.words(award.reevaluation_due), "note": note},
        unit=award.unit, kawasan=award.kawasan)
    return award


@transaction.atomic
def earlier_award_record(*, user, unit: Unit, predicate: str, decree_number: str, decree_date, upload=None) -> Award:
    """A predicate the unit received before the app (its SK): from then on its re-evaluation date is
    known and a later revocation falls back to it."""
    _admin(user, unit.instansi_id, [unit.pk])
    if decree_date > timezone.localdate():
        raise Refused(_("Tanggal SK belum tiba."))
    award = Award(unit=unit, predicate=predicate, year=decree_date.year, source=Award.Source.TPN,
                  decree_number=decree_number.strip(), decree_date=decree_date, recorded_by=user)
    if predicate == rules.WBK:  # recorded after the WBBM that followed it: superseded already
        award.superseded_by = Award.objects.filter(unit=unit, predicate=rules.WBBM, revoked_on__isnull=True).first()
    _save_upload(award, upload)
    award.save()
    _supersede(award)
    _sync_predicate(unit)
    _event(unit.instansi_id, user, _("Predikat %(p)s %(y)s dicatat (SK sebelumnya)") % {
        "p": award.get_predicate_display(), "y": award.year}, award.decree_number, unit=unit)
    return award
