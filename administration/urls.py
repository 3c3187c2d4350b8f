from django.urls import path

from administration import views

app_name = "administration"

urlpatterns: list = [
    path("users/", views.users, name="users"),
    path("users/invite/", views.invite, name="invite"),
    path("users/bulk/", views.bulk, name="bulk"),
    path("users/<int:pk>/", views.user, name="user"),
    path("users/<int:pk>/active/", views.set_active, name="set_active"),
    path("users/<int:pk>/password/", views.reset_password, name="reset_password"),
    path("agencies/<slug:code>/access/", views.agency_access, name="agency_access"),
]
