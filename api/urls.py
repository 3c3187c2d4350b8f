from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api import views, views_problems
from api.docs import RedocView

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("programmes", views.ProgrammeViewSet, basename="programme")
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("milestones", views.MilestoneViewSet, basename="milestone")
router.register("certificates", views.CertificateViewSet, basename="certificate")
router.register("declarations", views.DeclarationViewSet, basename="declaration")
router.register("reminders", views.ReminderViewSet, basename="reminder")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    path("redoc/", RedocView.as_view(url_name="api:schema", template_name="api/redoc.html"), name="redoc"),
    path("problems/<slug:kind>", views_problems.problem_type, name="problem_type"),
    path("", include(router.urls)),
    re_path(r"^.*$", views_problems.unknown_endpoint),
]
