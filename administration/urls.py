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
    path("agencies/", views.agencies, name="agencies"),
    path("agencies/new/", views.agency_edit, name="agency_new"),
    path("agencies/<slug:code>/", views.agency_edit, name="agency_edit"),
    path("agencies/<slug:code>/close/", views.agency_close, name="agency_close"),
    path("programmes/", views.programmes, name="programmes"),
    path("programmes/new/", views.programme_edit, name="programme_new"),
    path("programmes/<int:pk>/", views.programme_edit, name="programme_edit"),
    path("programmes/<int:pk>/current/", views.programme_current, name="programme_current"),
    path("agencies/<slug:code>/access/", views.agency_access, name="agency_access"),
]
