"""The access audit: sign-ins, failures, lock-outs, password changes and changes of anyone's rights are written
to ``AccessEvent`` as they happen, with who made the change where a person did."""

from __future__ import annotations

import time

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from simple_history.models import HistoricalRecords

from accounts.middleware import LAST_SEEN_KEY
from accounts.models import AccessEvent, AccessEventKind, UserSession
from accounts.twofactor import NEEDED_KEY, second_factor_needed
from agencies.models import AgencyUserObjectPermission

User = get_user_model()
WATCHED_USER_FIELDS = ("role", "agency_id", "is_staff", "is_superuser", "is_active")


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind the portal's own proxy the last X-Forwarded-For entry."""
    if request is None:
        return None
    from django.conf import settings

    if settings.SECURE_PROXY_SSL_HEADER and request.META.get("HTTP_X_FORWARDED_FOR"):
        return request.META["HTTP_X_FORWARDED_FOR"].split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def _acting_user():
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def record(kind: str, *, user=None, username: str = "", request=None, by=None, detail: str = "") -> AccessEvent:
    return AccessEvent.objects.create(
        kind=kind, user=user, username=username or getattr(user, "username", ""), by=by,
        ip_address=client_ip(request), detail=detail[:2000],
    )


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    record(AccessEventKind.LOGIN, user=user, request=request)
    session = getattr(request, "session", None)
    if session is None:
        return
    session[NEEDED_KEY] = second_factor_needed(user)
    session[LAST_SEEN_KEY] = int(time.time())
    if session.session_key is None:
        session.save()
    UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user, "ip_address": client_ip(request),
            "user_agent": (request.META.get("HTTP_USER_AGENT") or "")[:300],
        },
    )


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(AccessEventKind.LOGOUT, user=user, request=request)
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).delete()


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username") or ""
    record(AccessEventKind.LOGIN_FAILED, user=User.objects.filter(username=username).first(), username=username,
           request=request)


@receiver(user_locked_out)
def on_locked_out(sender, request, username, ip_address, **kwargs):
    AccessEvent.objects.create(
        kind=AccessEventKind.LOCKED_OUT, user=User.objects.filter(username=username or "").first(),
        username=username or "", ip_address=ip_address or None,
    )


@receiver(pre_save, sender=User)
def on_user_change(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or instance.pk is None or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    before = User.objects.filter(pk=instance.pk).values("password", *WATCHED_USER_FIELDS).first()
    if before is None:
        return
    by = _acting_user()
    if before["password"] != instance.password:
        record(AccessEventKind.PASSWORD_CHANGED, user=instance, by=by if by != instance else None)
    changes = [
        f"{name}: {before[name]!r} → {getattr(instance, name)!r}"
        for name in WATCHED_USER_FIELDS if before[name] != getattr(instance, name)
    ]
    if changes:
        record(AccessEventKind.ROLE_CHANGED, user=instance, by=by, detail="; ".join(changes))


@receiver(m2m_changed, sender=User.groups.through)
def on_groups_change(sender, instance, action, pk_set, reverse, model, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear") or reverse:
        return
    from django.contrib.auth.models import Group

    names = ", ".join(Group.objects.filter(pk__in=pk_set or ()).values_list("name", flat=True)) or "—"
    verb = {"post_add": "added to", "post_remove": "removed from", "post_clear": "removed from every group"}[action]
    record(AccessEventKind.GROUP_CHANGED, user=instance, by=_acting_user(), detail=f"{verb} {names}")


@receiver(m2m_changed, sender=User.user_permissions.through)
def on_permissions_change(sender, instance, action, pk_set, reverse, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear") or reverse:
        return
    from django.contrib.auth.models import Permission

    names = ", ".join(Permission.objects.filter(pk__in=pk_set or ()).values_list("codename", flat=True)) or "—"
    verb = {"post_add": "granted", "post_remove": "withdrawn", "post_clear": "all withdrawn"}[action]
    record(AccessEventKind.PERMISSION_CHANGED, user=instance, by=_acting_user(), detail=f"{verb}: {names}")


def _agency_permission_event(instance, verb: str) -> None:
    record(
        AccessEventKind.PERMISSION_CHANGED, user=instance.user, by=_acting_user(),
        detail=f"{verb} {instance.permission.codename} on {instance.content_object}",
    )


@receiver(post_save, sender=AgencyUserObjectPermission)
def on_agency_permission_granted(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        _agency_permission_event(instance, "granted")


@receiver(post_delete, sender=AgencyUserObjectPermission)
def on_agency_permission_withdrawn(sender, instance, **kwargs):
    _agency_permission_event(instance, "withdrawn")
