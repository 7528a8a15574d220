"""The programme's part of the demo data (``make run``): RSUD Sukamaju — Menuju WBK since 2023,
building toward WBBM — has declared its zone, formed its tim kerja, planned the year in the six
change areas and reported its quarters (some signed off, the last one waiting for the kepala); the
TPI has left a pemantauan note the unit answered. The other units have not started, as in most
pemda. Written through the services, so the history reads as it would have."""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

from django.utils import timezone

from evaluations.models import Indicator

from . import services
from .models import Action, Pencanangan, ProgrammeEvent, quarter_end

PLAN = [  # area, LKE indicator (its name), activity, target, output, PIC account, due (month, day), budget, status
    ("I", "Rencana Pembangunan Zona Integritas", "Menyusun roadmap WBBM dan menetapkan agen perubahan per instalasi",
     "Roadmap 2026–2027 ditetapkan; 12 agen perubahan", "SK Direktur tentang agen perubahan",
     "kepala.rsud", (3, 31), 5_000_000, Action.Status.DONE),
    ("II", "Prosedur Operasional Tetap (SOP) Kegiatan Utama", "Merevisi SOP pelayanan rawat jalan dan IGD sesuai standar akreditasi",
     "28 SOP direviu dan ditetapkan", "SK Direktur tentang SOP pelayanan", "operator.rsud", (6, 30), 12_500_000,
     Action.Status.DONE),
    ("III", "Perencanaan Kebutuhan Pegawai sesuai dengan Kebutuhan Organisasi", "Menyusun peta jabatan dan analisis beban kerja seluruh instalasi",
     "Peta jabatan 100% instalasi", "Dokumen ABK yang disahkan", "operator.rsud", (9, 30), 8_000_000,
     Action.Status.RUNNING),
    ("IV", "Pengelolaan Akuntabilitas Kinerja", "Menyusun IKU dan cascading kinerja sampai tingkat instalasi",
     "Perjanjian kinerja seluruh kepala instalasi", "Dokumen PK dan pohon kinerja", "operator.rsud", (12, 15),
     3_500_000, Action.Status.PLANNED),
    ("V", "Pengendalian Gratifikasi", "Memasang sistem pengendalian gratifikasi dan pelaporan benturan kepentingan",
     "Unit Pengendali Gratifikasi aktif; laporan triwulanan", "SK UPG dan laporan UPG", "kepala.rsud", (6, 30),
     None, Action.Status.RUNNING),
    ("VI", "Upaya dan/atau Inovasi Pelayanan Publik", "Antrean daring rawat jalan terhubung dengan Mobile JKN",
     "Waktu tunggu rawat jalan turun dari 95 ke 45 menit", "Laporan survei waktu tunggu", "operator.rsud",
     (9, 30), 45_000_000, Action.Status.RUNNING),
]
REALISATION = {1: [100, 40, 20, 0, 50, 30], 2: [100, 100, 55, 10, 80, 60], 3: [100, 100, 80, 25, 90, 85]}


def seed(builder, instansi, units) -> None:
    """Once: later runs of ``seed_demo`` leave what is there (and what people changed) alone."""
    rsud = units["RSUD Sukamaju"]
    if Pencanangan.objects.filter(unit=rsud).exists():
        return
    operator, kepala, tpi = builder.users["operator.rsud"], builder.users["kepala.rsud"], builder.users["tpi"]
    today = timezone.localdate()
    year = today.year
    with _on(rsud, datetime.date(2022, 2, 14)):
        services.pencanangan_save(user=kepala, unit=rsud, date=datetime.date(2022, 2, 14),
                                  declared_by="Bupati Sukamaju dan Direktur RSUD", place="Aula RSUD Sukamaju",
                                  media_links="https://rsud.sukamajukab.go.id/berita/pencanangan-zi")
    with _on(rsud, min(today, datetime.date(year, 1, 10))):
        decree = services.team_decree_add(user=kepala, unit=rsud, number=f"445/012/RSUD/{year}",
                                          date=datetime.date(year, 1, 10))
        for name, role, position, area in [
                ("dr. Yusuf Hidayat, Sp.PD.", "ketua", "Direktur", ""),
                ("Ns. Rina Marlina, S.Kep.", "koordinator", "Kepala Bidang Keperawatan", "II"),
                ("Agus Setiawan, S.E.", "koordinator", "Kepala Subbagian Kepegawaian", "III"),
                ("Sri Handayani, S.KM.", "anggota", "Analis Kebijakan", "VI"),
                ("Dewi Anggraini, A.Md.Kep.", "agen", "Perawat Pelaksana IGD", "")]:
            services.team_member_add(user=kepala, decree=decree, name=name, role=role, position=position,
                                     area_code=area)
    indicators = {(i.part.area.code, i.name): i for i in Indicator.objects.filter(
        part__area__component__version=builder.version).select_related("part__area")}
    actions = []
    with _on(rsud, min(today, datetime.date(year, 1, 24))):
        for area, name, description, target, output, pic, (month, day), budget, status in PLAN:
            indicator = indicators.get((area, name))
            actions.append(services.action_save(
                user=operator, unit=rsud, year=year, indicators=[indicator] if indicator else [],
                data={"area_code": area, "description": description, "target": target, "output": output,
                      "pic": builder.users[pic], "due": datetime.date(year, month, day), "budget": budget,
                      "status": status}))
    ended = [q for q in (1, 2, 3, 4) if quarter_end(year, q) < today]
    for q in ended:  # each quarter reported five days after it ended; all but the last signed two days later
        realised = REALISATION.get(q, REALISATION[3])
        with _on(rsud, quarter_end(year, q) + timedelta(days=5)):
            report = services.progress_save(user=operator, unit=rsud, year=year, quarter=q, summary="", rows=[
                {"action": a, "realisation": realised[i],
                 "done": "Sesuai rencana" if realised[i] >= 50 else "Tahap persiapan",
                 "obstacles": "Menunggu jadwal rapat dengan BKPSDM" if a.area_code == "III" else ""}
                for i, a in enumerate(actions)])
        if q != ended[-1]:
            with _on(rsud, quarter_end(year, q) + timedelta(days=7)):
                services.quarter_sign_off(user=kepala, report=report)
    if ended:
        with _on(rsud, quarter_end(year, ended[-1]) + timedelta(days=20)):
            note = services.monitoring_note_add(
                user=tpi, unit=rsud, year=year, quarter=ended[-1],
                note="Realisasi peta jabatan (area III) tertinggal dari jadwal; dokumen ABK belum diunggah.",
                recommendation="Jadwalkan rapat dengan BKPSDM bulan ini dan unggah draf ABK sebagai bukti.")
        with _on(rsud, quarter_end(year, ended[-1]) + timedelta(days=22)):
            services.monitoring_reply(user=operator, note=note, reply="Rapat dengan BKPSDM dijadwalkan minggu "
                                                                      "depan; draf ABK diunggah setelahnya.")


@contextmanager
def _on(unit, day: datetime.date):
    """Do the steps inside as if on ``day`` (at ten in the morning): the services' clock reads it,
    and the history the steps write is dated so."""
    moment = timezone.make_aware(datetime.datetime.combine(min(day, timezone.localdate()), datetime.time(10, 0)))
    last = ProgrammeEvent.objects.filter(unit=unit).order_by("-pk").values_list("pk", flat=True).first() or 0
    with mock.patch.object(timezone, "now", lambda: moment):
        yield
    ProgrammeEvent.objects.filter(unit=unit, pk__gt=last).update(created_at=moment)
