from django.urls import path

from . import views

app_name = "proposals"

urlpatterns = [
    path("instansi/<int:instansi_id>/predikat/", views.instansi_page, name="instansi"),
    path("instansi/<int:instansi_id>/predikat/evaluasi-mandiri/", views.authority_save, name="authority"),
    path("instansi/<int:instansi_id>/predikat/templat/", views.template_upload, name="template_upload"),
    path("instansi/<int:instansi_id>/predikat/templat/<str:kind>/", views.template_download, name="template_download"),
    path("instansi/<int:instansi_id>/kalibrasi/", views.calibration, name="calibration"),
    path("periode/<int:round_id>/usulan/", views.round_page, name="round"),
    path("periode/<int:round_id>/usulan/buat/", views.propose, name="propose"),
    path("periode/<int:round_id>/kawasan/<int:kawasan_id>/integrasi/", views.integration_save, name="integration"),
    path("usulan/<int:proposal_id>/", views.proposal_page, name="proposal"),
    path("usulan/<int:proposal_id>/dokumen/<str:kind>/", views.proposal_document, name="document"),
    path("usulan/<int:proposal_id>/dokumen-ulang/", views.documents_rebuild, name="rebuild"),
    path("usulan/<int:proposal_id>/panel/", views.panel_save, name="panel"),
    path("usulan/unit/<int:nominee_id>/tahap/", views.stage_save, name="stage"),
    path("usulan/unit/<int:nominee_id>/hasil/", views.result_save, name="result"),
    path("usulan/unit/<int:nominee_id>/nilai-tpn/", views.tpn_values, name="tpn_values"),
    path("usulan/unit/<int:nominee_id>/nilai-tpn/impor/", views.tpn_import, name="tpn_import"),
    path("usulan/unit/<int:nominee_id>/rekomendasi/", views.take_recommendations, name="take_recommendations"),
    path("predikat/<int:award_id>/cabut/", views.revoke, name="revoke"),
    path("predikat/<int:award_id>/sk/", views.award_document, name="award_document"),
    path("predikat/<int:award_id>/evaluasi-ulang/", views.reevaluation_save, name="reevaluation"),
    path("unit/<int:unit_id>/predikat/sebelumnya/", views.earlier_award, name="earlier_award"),
    path("kawasan/integrasi/<int:score_id>/bukti/", views.integration_evidence, name="integration_evidence"),
    path("unit/<int:unit_id>/predikat/", views.unit_page, name="unit"),
    path("kertas-kerja/<int:pk>/lhe-tpi/", views.lhe, name="lhe"),
]
