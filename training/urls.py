from django.urls import path

from training import views

app_name = "training"

urlpatterns: list = [
    path("", views.index, name="index"),
    path("new/", views.course_edit, name="course_new"),
    path("<int:pk>/", views.course, name="course"),
    path("<int:pk>/edit/", views.course_edit, name="course_edit"),
    path("<int:pk>/request/", views.request_place, name="request_place"),
    path("attendees/<int:pk>/", views.attendance, name="attendance"),
    path("people/", views.people, name="people"),
]
