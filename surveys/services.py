"""Writes of the surveys app. A response is written once (``response_submit``) and never changed;
everything an admin decides about one is a row of its own (``response_exclude``). Closing a survey
erases the client hashes, seals the responses (a SHA-256 over their HMACs) and hands each value to
the worksheet through ``evaluations.services.survey_value_set``."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from evaluations import services as evaluation_services
from evaluations.models import Question, Worksheet
from units.people import display_name

from . import selectors
from .models import AccessCode, Exclusion, Handoff, Instrument, Response, ResponseAnswer, ServiceType, SurveyPeriod
from .permissions import can_decide, can_prepare
from .signing import digest

RATE_WINDOW = timedelta(minutes=10)
CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no 0/O, 1/I/L, 2/Z, 5/S, 8/B: read off a receipt
CODE_LENGTH = 8
QUESTION_KEYS = {Instrument.Kind.SPAK: "H-I.hasil.i.a", Instrument.Kind.SPKP: "H-II.hasil.i.a"}


class Refused(Exception):
    """Said to the person next to ``field`` (or at the top of the form)."""

    def __init__(self, message, field: str = "", status: int = 400):
        super().__init__(message)
        self.message, self.field, self.status = str(message), field, status


def _hash(period: SurveyPeriod, text: str) -> str:
    """A client address or device token as a keyed hash: the period's salt and the server's key, so a
    copy of the database alone cannot be tried against every address."""
    return salted_hmac(f"surveys.client.{period.salt}", text, algorithm="sha256").hexdigest() if text else ""


def normalise_code(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())[:20]


@dataclass
class Submitted:
    response: Response
    flags: list[str]


RATE_LOCK = 7_290_131  # PostgreSQL advisory lock namespace: one client's submissions counted one at a time


def _hold(period: SurveyPeriod) -> bool:
    """Whether the survey takes answers, read again inside this transaction and held until it ends: a
    close waits for this response (and seals it), or this response waits for the close and is
    refused. Submissions do not wait for each other (a shared row lock)."""
    sql = "SELECT status, opens_on, closes_on FROM surveys_surveyperiod WHERE id = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql + (" FOR SHARE" if connection.vendor == "postgresql" else ""), [period.pk])
        status, opens_on, closes_on = cursor.fetchone()
    if isinstance(opens_on, str):  # SQLite hands dates back as text here
        opens_on, closes_on = date.fromisoformat(opens_on), date.fromisoformat(closes_on)
    return status == SurveyPeriod.Status.OPEN and opens_on <= timezone.localdate() <= closes_on


def _serialise_client(client: str) -> None:
    """Two submissions from one address count each other (the rate limit holds under concurrency)."""
    if client and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [RATE_LOCK, int(client[:7], 16)])


@transaction.atomic
def response_submit(*, period: SurveyPeriod, service: ServiceType, values: dict[int, int], code: str = "",
                    client_ip: str = "", device: str = "", honeypot: str = "", seconds: int | None = None,
                    now=None) -> Submitted:
    """Write one response: refused when the survey does not take answers, the code is wrong or used, or
    this client sent too many within ten minutes; otherwise written, with any suspicion flagged (never
    dropped: an admin decides, with a reason)."""
    now = now or timezone.now()
    if not _hold(period):
        raise Refused(_("Survei ini sedang tidak menerima jawaban."), status=410)
    if service.period_id != period.pk:
        raise Refused(_("Pilih jenis layanan yang Anda terima."), field="service")
    items = selectors.item_ranges(period)
    if set(values) != set(items) or any(not (items[k][0] <= v <= items[k][1]) for k, v in values.items()):
        raise Refused(_("Jawab setiap pertanyaan."))
    client = _hash(period, client_ip)
    flags = []
    if honeypot:
        flags.append("honeypot")
    if seconds is None or seconds < settings.SURVEY_MIN_SECONDS:
        flags.append("cepat")
    _serialise_client(client)
    recent = Response.objects.filter(period=period, client=client, submitted_at__gte=now - RATE_WINDOW).count() \
        if client else 0
    if recent >= settings.SURVEY_RATE_LIMIT:
        raise Refused(_("Terlalu banyak jawaban dari jaringan ini dalam 10 menit terakhir. Coba lagi nanti."),
                      status=429)
    if recent >= settings.SURVEY_RATE_FLAG:
        flags.append("jaringan")
    device_hash = _hash(period, device)
    if not device_hash:
        flags.append("tanpa-cookie")  # the form's page always sets it: a request that never loaded the form
    elif Response.objects.filter(period=period, device=device_hash).exists():
        flags.append("perangkat")
    wanted = normalise_code(code)
    if period.require_code and not wanted:
        raise Refused(_("Masukkan kode survei yang tertera pada bukti layanan Anda."), field="code")
    # One response per code, also when two people send the same code at once: the first UPDATE wins.
    if wanted and not AccessCode.objects.filter(period=period, code=wanted, used=False).update(used=True):
        raise Refused(_("Kode ini tidak dikenal atau sudah dipakai. Periksa kembali kode pada bukti layanan."),
                          field="code")
    for attempt in range(3):  # a receipt drawn twice in one period (1 in 10^12) is drawn again
        number = secrets.token_hex(5).upper()
        response = Response(period=period, service=service, receipt=number, submitted_at=now, fill_seconds=seconds,
                            client=client, device=device_hash, flags=",".join(flags),
                            digest=digest(period.pk, service.pk, number, values))
        try:
            with transaction.atomic():
                response.save(force_insert=True)
            break
        except IntegrityError:
            if attempt == 2:
                raise
    ResponseAnswer.objects.bulk_create([ResponseAnswer(response=response, item_id=k, value=v)
                                        for k, v in sorted(values.items())])
    return Submitted(response, flags)


@transaction.atomic
def response_exclude(*, user, response: Response, reason: str) -> Exclusion:
    period = response.period
    if not can_decide(user, period):
        raise PermissionDenied(_("Hanya admin instansi yang dapat mengecualikan jawaban."))
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise Refused(_("Tulis alasan pengecualian (paling sedikit 5 huruf)."), field="reason")
    status = SurveyPeriod.objects.select_for_update().values_list("status", flat=True).get(pk=period.pk)
    if status == SurveyPeriod.Status.CLOSED:  # (locked: a close cannot slip in after this check)
        raise Refused(_("Survei sudah ditutup dan disegel; jawabannya tidak dapat dikecualikan lagi."))
    try:
        with transaction.atomic():
            return Exclusion.objects.create(response=response, reason=reason[:300], by=user)
    except IntegrityError:
        raise Refused(_("Jawaban %(r)s sudah dikecualikan.") % {"r": response.receipt}) from None


# --------------------------------------------------------------------------- periods


@transaction.atomic
def period_create(*, user, unit, round_, opens_on, closes_on, services: list[str], require_code=False,
                  minimum: int = 30) -> SurveyPeriod:
    if not can_prepare(user, unit):
        raise PermissionDenied(_("Hanya operator, kepala unit, atau admin yang dapat menyiapkan survei unit."))
    if round_.instansi_id != unit.instansi_id:
        raise PermissionDenied
    if SurveyPeriod.objects.filter(unit=unit, round=round_).exists():
        raise Refused(_("Unit ini sudah mempunyai survei untuk periode evaluasi tersebut."), field="round")
    period = SurveyPeriod.objects.create(
        unit=unit, round=round_, opens_on=opens_on, closes_on=closes_on, require_code=require_code,
        minimum=minimum, spak=selectors.current_instrument(Instrument.Kind.SPAK, unit.instansi_id),
        spkp=selectors.current_instrument(Instrument.Kind.SPKP, unit.instansi_id), created_by=user)
    services_set(user=user, period=period, names=services)
    return period


def services_set(*, user, period: SurveyPeriod, names: list[str]) -> list[str]:
    """The unit's service types: new ones added, the order kept; one that has responses stays (the
    names kept so are returned, for the page to say)."""
    if not can_prepare(user, period.unit):
        raise PermissionDenied
    if period.status == SurveyPeriod.Status.CLOSED:
        raise Refused(_("Survei sudah ditutup."), field="services")
    clean = list(dict.fromkeys(n.strip()[:120] for n in names if n.strip()))
    if not clean:
        raise Refused(_("Sebutkan paling sedikit satu jenis layanan, mis. KTP-el."), field="services")
    existing = {s.name: s for s in period.services.all()}
    for order, name in enumerate(clean):
        if name in existing:
            ServiceType.objects.filter(pk=existing[name].pk).update(order=order)
        else:
            ServiceType.objects.create(period=period, name=name, order=order)
    kept = []
    for name, service in existing.items():
        if name not in clean:
            if service.responses.exists():
                kept.append(name)
            else:
                service.delete()
    return kept


@transaction.atomic
def period_open(*, user, period: SurveyPeriod) -> SurveyPeriod:
    if not can_prepare(user, period.unit):
        raise PermissionDenied
    if period.status != SurveyPeriod.Status.DRAFT:
        raise Refused(_("Survei ini sudah dibuka atau ditutup."))
    if period.require_code and not period.has_codes:
        raise Refused(_("Survei ini mewajibkan kode sekali pakai: buat kode lebih dulu, lalu buka survei."))
    # A draft has no answers: it opens with the instruments in force now (an adaptation made since counts).
    period.spak = selectors.current_instrument(Instrument.Kind.SPAK, period.unit.instansi_id)
    period.spkp = selectors.current_instrument(Instrument.Kind.SPKP, period.unit.instansi_id)
    period.status = SurveyPeriod.Status.OPEN
    period.save(update_fields=["spak", "spkp", "status"])
    return period


@transaction.atomic
def period_reschedule(*, user, period: SurveyPeriod, opens_on, closes_on) -> SurveyPeriod:
    """An admin moves a survey's dates (most often: more time to reach the minimum)."""
    if not can_decide(user, period):
        raise PermissionDenied(_("Hanya admin instansi yang dapat mengubah jadwal survei."))
    period = SurveyPeriod.objects.select_for_update().get(pk=period.pk)
    if period.status == SurveyPeriod.Status.CLOSED:
        raise Refused(_("Survei sudah ditutup dan disegel; jadwalnya tidak dapat diubah."))
    if closes_on < opens_on:
        raise Refused(_("Tanggal tutup tidak boleh sebelum tanggal buka."), field="closes_on")
    period.opens_on, period.closes_on = opens_on, closes_on
    period.save(update_fields=["opens_on", "closes_on"])
    return period


@transaction.atomic
def codes_generate(*, user, period: SurveyPeriod, count: int) -> list[str]:
    """``count`` new one-time codes (one batch), to print on service receipts."""
    if not can_prepare(user, period.unit):
        raise PermissionDenied
    if period.status == SurveyPeriod.Status.CLOSED:
        raise Refused(_("Survei sudah ditutup."), field="count")
    if not 1 <= count <= 5000:
        raise Refused(_("Jumlah kode 1–5.000 per kali."), field="count")
    batch = (period.codes.order_by("-batch").values_list("batch", flat=True).first() or 0) + 1
    taken = set(period.codes.values_list("code", flat=True))
    codes = []
    while len(codes) < count:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            taken.add(code)
            codes.append(code)
    AccessCode.objects.bulk_create([AccessCode(period=period, code=c, batch=batch) for c in codes])
    SurveyPeriod.objects.filter(pk=period.pk).update(has_codes=True)
    period.has_codes = True
    return codes


@transaction.atomic
def period_close(*, user, period: SurveyPeriod) -> list[Handoff]:
    """Close (an admin, or the nightly job on the closing date with ``user`` None): no more answers,
    the client hashes erased, the responses sealed, both values handed to the worksheet."""
    period = SurveyPeriod.objects.select_for_update().select_related("unit__instansi", "round").get(pk=period.pk)
    if user is not None and not can_decide(user, period):
        raise PermissionDenied(_("Hanya admin instansi yang dapat menutup survei."))
    if period.status != SurveyPeriod.Status.OPEN:
        raise Refused(_("Survei ini belum dibuka atau sudah ditutup."))
    Response.objects.filter(period=period).exclude(client="", device="").update(client="", device="")
    seal = hashlib.sha256()
    for d in Response.objects.filter(period=period).order_by("pk").values_list("digest", flat=True).iterator():
        seal.update(d.encode())
    SurveyPeriod.objects.filter(pk=period.pk).update(status=SurveyPeriod.Status.CLOSED, closed_at=timezone.now(),
                                                     closed_by=user, seal=seal.hexdigest())
    period.refresh_from_db()
    return [handoff(user=user, period=period, kind=kind) for kind in Instrument.Kind.values]


def handoff(*, user, period: SurveyPeriod, kind: str, value: Decimal | None = None, reason: str = "",
            replace_typed: bool = False) -> Handoff:
    """The survey's value (or the value an admin fixes, with the reason) into the unit's worksheet of
    the round, with the result page as its evidence; what happened is recorded either way. The
    nightly close (no person) writes nothing: an admin does, from the results page."""
    results = selectors.results(period)
    index = results.spak if kind == Instrument.Kind.SPAK else results.spkp
    fixed = value is not None
    value = value if fixed else index.overall.value
    record = Handoff(period=period, kind=kind, value=value, respondents=results.respondents, fixed_by_admin=fixed,
                     by=user, reason=reason[:300])
    worksheet = Worksheet.objects.filter(round=period.round, unit=period.unit).first()
    question = Question.objects.filter(version_id=period.round.version_id, key=QUESTION_KEYS[kind]).first()
    label = "IPAK" if kind == Instrument.Kind.SPAK else "IPKP"
    if value is None:
        record.outcome = _("Tidak ada jawaban yang dihitung; tidak ada nilai yang dimasukkan.")
    elif worksheet is None:
        record.outcome = _("Unit belum mempunyai kertas kerja pada periode ini.")
    elif question is None:
        record.outcome = _("LKE periode ini tidak mempunyai butir %(l)s.") % {"l": label}
    elif user is None:
        record.outcome = _("Ditutup otomatis pada tanggal tutup; menunggu admin memasukkan nilai ke kertas kerja.")
    else:
        when = date_format(timezone.localtime(period.closed_at or timezone.now()), "j F Y")
        survey_value = str(index.overall.value).replace(".", ",") if index.overall.value is not None else "—"
        detail = (_("%(l)s ditetapkan admin (%(who)s): %(v)s; hasil survei aplikasi %(s)s dari %(n)d responden; "
                    "alasan: %(r)s") % {"l": label, "who": display_name(user), "v": str(value).replace(".", ","),
                                        "s": survey_value, "n": results.respondents, "r": reason} if fixed
                  else _("%(l)s dari survei aplikasi: %(n)d responden, ditutup %(d)s") % {
                      "l": label, "n": results.respondents, "d": when})
        url = settings.SITE_URL.rstrip("/") + reverse("surveys:results", args=[period.pk])
        try:
            with transaction.atomic():
                evaluation_services.survey_value_set(
                    user=user, worksheet=worksheet, question=question, number=value, detail=detail, evidence_url=url,
                    evidence_title=_("Hasil survei %(l)s %(u)s %(y)d") % {"l": label, "u": period.unit.name,
                                                                         "y": period.round.year},
                    replace_typed=replace_typed)
            record.written = True
            record.outcome = _("Dimasukkan ke kertas kerja: %(v)s.") % {"v": str(value).replace(".", ",")}
        except evaluation_services.SurveyValueRefused as exc:
            record.outcome = str(exc)
    record.save()
    return record


def handoff_by_admin(*, user, period: SurveyPeriod, kind: str, value: Decimal | None, reason: str = "") -> Handoff:
    """After the close, an admin puts the survey's value (``value`` None) — or a value they fix, with the
    reason — into the worksheet, replacing a value the unit typed."""
    if not can_decide(user, period):
        raise PermissionDenied(_("Hanya admin instansi yang dapat menetapkan nilai survei."))
    if period.status != SurveyPeriod.Status.CLOSED:
        raise Refused(_("Tutup survei lebih dulu: nilainya baru final setelah ditutup."), field="value")
    if value is not None:
        if not Decimal("0") <= value <= Decimal("4"):
            raise Refused(_("Nilai survei 0–4."), field="value")
        if len((reason or "").strip()) < 5:
            raise Refused(_("Tulis alasan menetapkan nilai lain dari hasil survei."), field="reason")
    return handoff(user=user, period=period, kind=kind, value=value, reason=(reason or "").strip(),
                   replace_typed=True)
