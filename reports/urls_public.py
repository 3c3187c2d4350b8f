from django.urls import path

from reports import views_public

app_name = "public"

urlpatterns = [
    path("", views_public.transparency, name="transparency"),
    path("agencies/<slug:code>/", views_public.agency, name="agency"),
]
