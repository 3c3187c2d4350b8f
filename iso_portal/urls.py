from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts import views as account_views
from iso_portal import views

admin.site.site_header = _("ISO 9001 rollout portal — administration")
admin.site.site_title = _("ISO portal administration")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/change/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/", include("accounts.urls")),
    path("csp-report/", account_views.csp_report, name="csp_report"),
    path("agencies/", include("agencies.urls")),
    path("rollout/", include("rollout.urls")),
    path("procedures/", include("procedures.urls")),
    path("training/", include("training.urls")),
    path("maintenance/", include("maintenance.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("funding/", include("funding.urls")),
    path("library/", include("library.urls")),
    path("reports/", include("reports.urls")),
    path("api/v1/", include("api.urls")),
    path("account/", include("api.urls_account")),
    path("public/", include("reports.urls_public")),
    path("imports/", include("imports.urls")),
    path("administration/", include("administration.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "iso_portal.views.not_found"
handler500 = "iso_portal.views.server_error"

