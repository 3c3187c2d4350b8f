"""Who reaches which maintenance records: an agency's own users read them, its ISO officers change them, DOST and
the province-wide roles read every agency's; another agency's record answers 404."""

from __future__ import annotations

from django.http import Http404

from agencies.access import Access, may, restrict
from maintenance.models import CorrectiveAction, MaintenanceActivity


def _get_or_404(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No such {queryset.model._meta.model_name}") from None


def activity_for_user(user, pk, access: Access = Access.VIEW) -> MaintenanceActivity:
    return _get_or_404(restrict(MaintenanceActivity.objects.select_related("agency", "programme"), user, access), pk)


def action_for_user(user, pk, access: Access = Access.VIEW) -> CorrectiveAction:
    return _get_or_404(restrict(CorrectiveAction.objects.select_related("agency", "programme"), user, access), pk)


def may_read_province_summary(user) -> bool:
    """DOST, the committee and the province-wide readers (Home Affairs, Finance …)."""
    return may(user, Access.SEE_PROVINCE)
