from django.urls import path

from . import views

app_name = "evaluations"

urlpatterns = [
    path("kertas-kerja/", views.my_worksheets, name="my_worksheets"),
    path("kertas-kerja/<int:pk>/", views.worksheet_detail, name="worksheet_detail"),
    path("reviu/", views.review_queue, name="review_queue"),
    path("periode/", views.round_list, name="round_list"),
    path("periode/<int:pk>/", views.round_detail, name="round_detail"),
]

urlpatterns += [
    path("kertas-kerja/<int:pk>/area/<str:code>/", views.area_detail, name="area_detail"),
    path("kertas-kerja/<int:pk>/jawaban/<int:question_id>/", views.answer_save, name="answer_save"),
    path("kertas-kerja/<int:pk>/jawaban/<int:question_id>/bukti/unggah/", views.evidence_upload,
         name="evidence_upload"),
    path("kertas-kerja/<int:pk>/jawaban/<int:question_id>/bukti/tautan/", views.evidence_link, name="evidence_link"),
    path("kertas-kerja/<int:pk>/jawaban/<int:question_id>/bukti/formulir/", views.evidence_forms,
         name="evidence_forms"),
    path("kertas-kerja/<int:pk>/bukti/<int:evidence_id>/", views.evidence_download, name="evidence_download"),
    path("kertas-kerja/<int:pk>/bukti/<int:evidence_id>/hapus/", views.evidence_delete, name="evidence_delete"),
    path("kertas-kerja/<int:pk>/jawaban/<int:question_id>/bukti/pustaka/", views.evidence_attach,
         name="evidence_attach"),
    path("kertas-kerja/<int:pk>/area/<str:code>/bukti-sekaligus/", views.bulk_upload, name="bulk_upload"),
    path("kertas-kerja/<int:pk>/area/<str:code>/bukti-sekaligus/tetapkan/", views.bulk_assign, name="bulk_assign"),
    path("kertas-kerja/<int:pk>/mulai-dari-periode-sebelumnya/", views.worksheet_carry_over,
         name="worksheet_carry_over"),
    path("kertas-kerja/<int:pk>/ajukan/", views.worksheet_submit, name="worksheet_submit"),
    path("kertas-kerja/<int:pk>/perpanjang/", views.worksheet_extend, name="worksheet_extend"),
    path("kertas-kerja/<int:pk>/perpanjang-reviu/", views.worksheet_extend_review, name="worksheet_extend_review"),
    path("kertas-kerja/<int:pk>/tpi/", views.worksheet_assign, name="worksheet_assign"),
]

urlpatterns += [
    path("kertas-kerja/<int:pk>/reviu/<str:code>/", views.review_area, name="review_area"),
    path("kertas-kerja/<int:pk>/reviu/jawaban/<int:question_id>/", views.review_answer_save, name="review_answer_save"),
    path("kertas-kerja/<int:pk>/keputusan/", views.review_decide, name="review_decide"),
]

urlpatterns += [
    path("periode/<int:pk>/ringkasan/", views.round_summary, name="round_summary"),
    path("periode/<int:pk>/status/", views.round_status, name="round_status"),
    path("periode/<int:pk>/hasil/", views.round_hasil, name="round_hasil"),
    path("kertas-kerja/<int:pk>/skor/", views.worksheet_scorecard, name="worksheet_scorecard"),
]

urlpatterns += [
    path("kertas-kerja/<int:pk>/ekspor/", views.export_lke, name="export_lke"),
    path("kertas-kerja/<int:pk>/impor/", views.import_lke, name="import_lke"),
    path("periode/<int:pk>/ekspor/", views.export_recap, name="export_recap"),
    path("periode/<int:pk>/ekspor/status/", views.recap_status, name="recap_status"),
    path("periode/<int:pk>/ekspor/unduh/", views.recap_download, name="recap_download"),
]

urlpatterns += [
    path("periode/<int:pk>/syarat-pengusulan/", views.round_prerequisites, name="round_prerequisites"),
    path("periode/<int:pk>/syarat-pengusulan/bukti/<int:record_id>/", views.round_prerequisite_evidence,
         name="round_prerequisite_evidence"),
    path("kertas-kerja/<int:pk>/syarat-pengusulan/", views.worksheet_prerequisites, name="worksheet_prerequisites"),
    path("kertas-kerja/<int:pk>/syarat-pengusulan/bukti/<int:record_id>/", views.worksheet_prerequisite_evidence,
         name="worksheet_prerequisite_evidence"),
]

urlpatterns += [
    path("unit/<int:unit_id>/pustaka/", views.library_list, name="library_list"),
    path("unit/<int:unit_id>/pustaka/tambah/", views.library_add, name="library_add"),
    path("unit/<int:unit_id>/pustaka/periksa-tautan/", views.library_check_links, name="library_check_links"),
    path("unit/<int:unit_id>/pustaka/<int:document_id>/", views.library_document, name="library_document"),
    path("unit/<int:unit_id>/pustaka/<int:document_id>/versi/", views.library_version, name="library_version"),
    path("unit/<int:unit_id>/pustaka/<int:document_id>/versi/<int:number>/", views.library_download,
         name="library_download"),
    path("unit/<int:unit_id>/pustaka/<int:document_id>/hapus/", views.library_delete, name="library_delete"),
    path("periode/<int:pk>/mulai-dari-periode-sebelumnya/", views.round_carry_over, name="round_carry_over"),
]
