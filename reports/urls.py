from django.urls import path

from reports import registers, views, views_dashboard

app_name = "reports"

urlpatterns: list = [
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("", views.index, name="index"),
    path("province/", views.province, name="province"),
    path("dost/", views.dost, name="dost"),
    path("agency/", views.agency_pick, name="agency_pick"),
    path("agency/<slug:code>/", views.agency, name="agency"),
    path("export/", views.export, name="export"),
    path("registers/<slug:register>.xlsx", registers.export, name="register_export"),
    path("certificates/", views.register, name="register"),
    path("participation/", views.participation, name="participation"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
]
