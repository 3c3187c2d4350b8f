from django.urls import path

from maintenance import views

app_name = "maintenance"

urlpatterns: list = [
    path("", views.index, name="index"),
    path("summary.pdf", views.summary_pdf, name="summary_pdf"),
    path("summary.xlsx", views.summary_xlsx, name="summary_xlsx"),
    path("agency/<str:code>/", views.agency, name="agency"),
    path("agency/<str:code>/activities/new/", views.activity_new, name="activity_new"),
    path("agency/<str:code>/actions/new/", views.action_new, name="action_new"),
    path("agency/<str:code>/report/<int:year>/", views.annual_report, name="annual_report"),
    path("activities/<int:pk>/", views.activity, name="activity"),
    path("actions/<int:pk>/", views.action, name="action"),
]
