from django.urls import path

from funding import views

app_name = "funding"

urlpatterns: list = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.edit, name="edit"),
]
