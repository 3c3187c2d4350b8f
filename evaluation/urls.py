from django.urls import path

from evaluation import views

app_name = "evaluation"

urlpatterns: list = [
    path("", views.index, name="index"),
    path("ranking.pdf", views.ranking_pdf, name="ranking_pdf"),
    path("ranking.xlsx", views.ranking_xlsx, name="ranking_xlsx"),
    path("agency/<str:code>/", views.agency, name="agency"),
    path("criteria/", views.criteria, name="criteria"),
    path("criteria/new/", views.criterion_edit, name="criterion_new"),
    path("criteria/<int:pk>/", views.criterion_edit, name="criterion"),
]
