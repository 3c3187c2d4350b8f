from django.urls import path

from procedures import views

app_name = "procedures"

urlpatterns: list = [
    path("", views.index, name="index"),
    path("agency/<slug:code>/", views.agency, name="agency"),
    path("agency/<slug:code>/new/", views.edit, name="new"),
    path("agency/<slug:code>/<int:pk>/", views.edit, name="edit"),
    path("agency/<slug:code>/import/", views.import_catalogue, name="import"),
    path("scope/<slug:kind>/<int:pk>/", views.scope, name="scope"),
]
