from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("s/<str:token>/", views.respond, name="respond"),
    path("s/<str:token>/terima-kasih/", views.thanks, name="thanks"),
    path("instansi/<int:instansi_id>/survei/", views.instansi_surveys, name="instansi"),
    path("instansi/<int:instansi_id>/survei/instrumen/", views.instruments, name="instruments"),
    path("instansi/<int:instansi_id>/survei/instrumen/<int:pk>/sesuaikan/", views.instrument_adapt,
         name="instrument_adapt"),
    path("unit/<int:unit_id>/survei/", views.unit_surveys, name="unit"),
    path("survei/<int:pk>/", views.period_detail, name="period"),
    path("survei/<int:pk>/buka/", views.period_open, name="open"),
    path("survei/<int:pk>/layanan/", views.period_services, name="services"),
    path("survei/<int:pk>/kode/", views.codes_new, name="codes_new"),
    path("survei/<int:pk>/kode/unduh/", views.codes_download, name="codes_download"),
    path("survei/<int:pk>/poster/<int:service_id>.<str:fmt>", views.poster, name="poster"),
    path("survei/<int:pk>/hasil/", views.results, name="results"),
    path("survei/<int:pk>/hasil/unduh/", views.results_export, name="results_export"),
    path("survei/<int:pk>/jawaban/<int:response_id>/kecualikan/", views.response_exclude, name="exclude"),
    path("survei/<int:pk>/tutup/", views.period_close, name="close"),
    path("survei/<int:pk>/jadwal/", views.period_reschedule, name="reschedule"),
    path("survei/<int:pk>/tetapkan-nilai/", views.handoff_fix, name="fix_value"),
]
