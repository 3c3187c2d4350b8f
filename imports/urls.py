from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("milestones/template.xlsx", views.template, name="template"),
    path("agencies/template.xlsx", views.agency_template, name="agency_template"),
    path("<int:pk>/", views.preview, name="preview"),
]
