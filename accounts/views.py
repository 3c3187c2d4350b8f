"""Sign-in pages: the password (with "remember me"), the second factor and its set-up, recovery codes, the
user's sessions."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from accounts import twofactor
from accounts.forms import CodeForm, LoginForm
from accounts.middleware import REMEMBERED_KEY
from accounts.models import AccessEventKind, UserSession
from accounts.signals import record

logger = logging.getLogger("iso_portal.csp")


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.cleaned_data.get("remember_me"):
            self.request.session.set_expiry(settings.REMEMBER_ME_SECONDS)
            self.request.session[REMEMBERED_KEY] = True
        else:
            self.request.session.set_expiry(0)  # ends when the browser closes
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """After a password change the other sessions no longer hold (Django checks the password's hash on every
    request); the user lands on their sessions to see them and end any that remain."""

    success_url = reverse_lazy("accounts:sessions")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed. Check your other sessions below."))
        return response


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    if request.user.is_verified():
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.check_code(request.user, form.cleaned_data["code"])
        if device is None:
            record(AccessEventKind.SECOND_FACTOR_FAILED, user=request.user, request=request)
            form.add_error("code", _("This code is not right. Enter the code your app shows now."))
        else:
            otp_login(request, device)
            used_recovery = isinstance(device, StaticDevice)
            record(AccessEventKind.RECOVERY_CODE_USED if used_recovery else AccessEventKind.SECOND_FACTOR,
                   user=request.user, request=request)
            if used_recovery:
                messages.warning(request, _("You used a recovery code; it will not work again."))
            return redirect(_next_url(request))
    return render(request, "accounts/verify.html", {"form": form, "next": _next_url(request)})


@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    device = twofactor.pending_authenticator(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.confirm_authenticator(device, form.cleaned_data["code"]):
            otp_login(request, device)
            request.session[twofactor.NEEDED_KEY] = True
            record(AccessEventKind.SECOND_FACTOR_SET_UP, user=request.user, request=request)
            codes = twofactor.new_recovery_codes(request.user)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_url(request)})
        form.add_error("code", _("This code is not right. Check the time on your phone and enter the code shown now."))
    return render(request, "accounts/setup.html", {
        "form": form, "qr_code": twofactor.qr_code_svg(device), "secret": twofactor.secret_text(device),
        "required": twofactor.second_factor_required(request.user), "next": _next_url(request),
    })


@login_required
@require_POST
def recovery_codes(request):
    if not request.user.is_verified():
        return redirect("accounts:verify")
    codes = twofactor.new_recovery_codes(request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("accounts:sessions")})


def _store(session_key: str) -> SessionBase:
    return import_string(f"{settings.SESSION_ENGINE}.SessionStore")(session_key=session_key)


@login_required
@require_http_methods(["GET", "POST"])
def sessions(request):
    """The user's signed-in sessions: this one, and the others, which they can end."""
    current = request.session.session_key
    mine = UserSession.objects.filter(user=request.user)
    if request.method == "POST":
        ending = mine.exclude(session_key=current)
        if request.POST.get("session") != "all":
            ending = ending.filter(pk=request.POST.get("session") if str(request.POST.get("session")).isdigit() else 0)
        for entry in ending:
            _store(entry.session_key).delete()
            record(AccessEventKind.SESSION_ENDED, user=request.user, request=request,
                   detail=f"{entry.created_at:%d/%m/%Y %H:%M} {entry.ip_address or ''}")
        count = ending.count()
        ending.delete()
        messages.success(request, _("Sessions ended: %(count)s.") % {"count": count})
        return redirect("accounts:sessions")
    stale = [entry.pk for entry in mine if entry.session_key != current and not _store(entry.session_key).exists(
        entry.session_key)]
    mine.filter(pk__in=stale).delete()
    return render(request, "accounts/sessions.html", {
        "sessions": mine.order_by("-created_at"), "current": current,
        "has_second_factor": twofactor.has_second_factor(request.user),
        "second_factor_required": twofactor.second_factor_required(request.user),
    })


@csrf_exempt
@require_POST
def csp_report(request):
    """Browsers post Content-Security-Policy violations here; they are logged (the browser tests fail on any)."""
    logger.warning("CSP violation: %s", request.body[:2000].decode("utf-8", "replace"))
    return HttpResponse(status=204)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked account or address: the translated page, status 429."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)
