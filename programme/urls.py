from django.urls import path

from . import views

app_name = "programme"

urlpatterns = [
    path("unit/<int:unit_id>/zi/", views.unit_programme, name="unit"),
    path("unit/<int:unit_id>/zi/pencanangan/", views.pencanangan_save, name="pencanangan"),
    path("unit/<int:unit_id>/zi/tim/", views.team_decree_add, name="team_decree"),
    path("unit/<int:unit_id>/zi/tim/<int:decree_id>/anggota/", views.team_member_add, name="team_member"),
    path("unit/<int:unit_id>/zi/tim/anggota/<int:member_id>/berhenti/", views.team_member_end,
         name="team_member_end"),
    path("unit/<int:unit_id>/zi/aksi/baru/", views.action_edit, name="action_new"),
    path("unit/<int:unit_id>/zi/aksi/<int:action_id>/", views.action_edit, name="action_edit"),
]
