from django.urls import path

from . import views

app_name = "programme"

urlpatterns = [
    path("unit/<int:unit_id>/zi/", views.unit_programme, name="unit"),
    path("akun/ringkasan-mingguan/", views.digest_preference, name="digest_preference"),
    path("instansi/<int:instansi_id>/pembangunan-zi/", views.instansi_progress, name="progress"),
    path("instansi/<int:instansi_id>/pembangunan-zi/excel/", views.instansi_progress_export, name="progress_export"),
    path("instansi/<int:instansi_id>/pembangunan-zi/excel/status/", views.instansi_progress_export_status,
         name="progress_export_status"),
    path("instansi/<int:instansi_id>/pembangunan-zi/excel/unduh/", views.instansi_progress_export_download,
         name="progress_export_download"),
    path("instansi/<int:instansi_id>/inovasi/", views.instansi_innovations, name="innovations"),
    path("unit/<int:unit_id>/zi/inovasi/", views.innovation_add, name="innovation_add"),
    path("unit/<int:unit_id>/zi/kaji-tiru/", views.study_visit_add, name="study_visit_add"),
    path("unit/<int:unit_id>/zi/pencanangan/", views.pencanangan_save, name="pencanangan"),
    path("unit/<int:unit_id>/zi/tim/", views.team_decree_add, name="team_decree"),
    path("unit/<int:unit_id>/zi/tim/<int:decree_id>/anggota/", views.team_member_add, name="team_member"),
    path("unit/<int:unit_id>/zi/tim/anggota/<int:member_id>/berhenti/", views.team_member_end,
         name="team_member_end"),
    path("unit/<int:unit_id>/zi/aksi/baru/", views.action_edit, name="action_new"),
    path("unit/<int:unit_id>/zi/aksi/<int:action_id>/", views.action_edit, name="action_edit"),
    path("unit/<int:unit_id>/zi/triwulan/<int:year>/<int:quarter>/", views.quarter_report, name="quarter"),
    path("unit/<int:unit_id>/zi/triwulan/<int:year>/<int:quarter>/sahkan/", views.quarter_sign_off,
         name="quarter_sign_off"),
    path("unit/<int:unit_id>/zi/triwulan/<int:year>/<int:quarter>/pemantauan/", views.monitoring_note,
         name="monitoring_note"),
    path("unit/<int:unit_id>/zi/pemantauan/<int:note_id>/tanggapan/", views.monitoring_reply,
         name="monitoring_reply"),
]
