from django.urls import path

from library import views

app_name = "library"

urlpatterns: list = [
    path("", views.index, name="index"),
    path("new/", views.document_edit, name="document_new"),
    path("<int:pk>/", views.document, name="document"),
    path("<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("versions/<int:pk>/download/", views.download, name="download"),
]
