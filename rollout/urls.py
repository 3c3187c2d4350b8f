from django.urls import path

from rollout import views_urging

app_name = "rollout"

urlpatterns: list = [
    path("urge/<slug:code>/", views_urging.urge, name="urge"),
]
