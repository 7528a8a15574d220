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
