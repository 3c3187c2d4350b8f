"""Administration pages for the committee's secretariat and DOST: users by invitation, their roles, and who
can do what."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from administration import services
from administration.access import require_administrator, user_for_administrator
from administration.forms import (
    AgencyForm,
    BulkForm,
    CloseAgencyForm,
    InviteForm,
    ProgrammeForm,
    RoleForm,
    UserFilterForm,
)
from administration.models import RoleChange
from agencies.access import abilities_of
from agencies.models import PROVINCE_WIDE_GROUPS, Agency, User
from rollout.models import Programme


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
@require_GET
def users(request):
    require_administrator(request.user)
    form = UserFilterForm(request.GET or None)
    people = User.objects.select_related("agency").order_by("agency__name", "username")
    if form.is_valid():
        if text := form.cleaned_data["q"].strip():
            people = people.filter(
                Q(username__icontains=text)
                | Q(email__icontains=text)
                | Q(last_name__icontains=text)
                | Q(first_name__icontains=text)
            )
        if form.cleaned_data["agency"]:
            people = people.filter(agency=form.cleaned_data["agency"])
    return render(request, "administration/users.html", {"form": form, "people": people[:500]})


@login_required
@require_http_methods(["GET", "POST"])
def invite(request):
    require_administrator(request.user)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.invite_user(
                by=request.user,
                username=data["username"],
                email=data["email"],
                agency=data["agency"],
                role=data["role"],
                groups=data["groups"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                position=data["position"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("%(email)s was invited to set a password.") % {"email": user.email})
            return redirect("administration:user", pk=user.pk)
    return render(request, "administration/invite.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def user(request, pk: int):
    person = user_for_administrator(request.user, pk)
    held = [name for name in person.groups.values_list("name", flat=True) if name in PROVINCE_WIDE_GROUPS]
    form = RoleForm(request.POST or None, initial={"agency": person.agency, "role": person.role, "groups": held})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_role(
                person, by=request.user, agency=data["agency"], role=data["role"], groups=data["groups"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The roles were saved."))
            return redirect("administration:user", pk=person.pk)
    return render(
        request,
        "administration/user.html",
        {
            "person": person,
            "form": form,
            "abilities": abilities_of(person),
            "changes": RoleChange.objects.filter(user=person).select_related("by")[:100],
        },
    )


@login_required
@require_POST
def set_active(request, pk: int):
    person = user_for_administrator(request.user, pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_active(person, active, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The account was reactivated.") if active else _("The account was deactivated."))
    return redirect("administration:user", pk=person.pk)


@login_required
@require_POST
def reset_password(request, pk: int):
    person = user_for_administrator(request.user, pk)
    try:
        services.send_password_reset(person, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("A link to set a new password was sent to %(email)s.") % {"email": person.email})
    return redirect("administration:user", pk=person.pk)


@login_required
@require_http_methods(["GET", "POST"])
def bulk(request):
    require_administrator(request.user)
    form = BulkForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        created = services.create_accounts_for_group(form.cleaned_data["group"], by=request.user)
        messages.success(request, _("%(count)s accounts were created.") % {"count": len(created)})
    return render(request, "administration/bulk.html", {"form": form, "created": created})


@login_required
@require_GET
def agency_access(request, code: str):
    require_administrator(request.user)
    agency = get_object_or_404(Agency, code=code)
    people = [
        (person, abilities_of(person))
        for person in User.objects.filter(agency=agency).select_related("agency").order_by("role", "username")
    ]
    province_wide = (
        User.objects.filter(is_active=True, groups__name__in=PROVINCE_WIDE_GROUPS).distinct().order_by("username")
    )
    return render(
        request,
        "administration/agency_access.html",
        {
            "agency": agency,
            "people": people,
            "province_wide": [(person, abilities_of(person)) for person in province_wide],
        },
    )


@login_required
@require_GET
def agencies(request):
    require_administrator(request.user)
    listed = Agency.objects.select_related("parent").order_by("group", "name")
    return render(request, "administration/agencies.html", {"agencies": listed})


@login_required
@require_http_methods(["GET", "POST"])
def agency_edit(request, code: str | None = None):
    require_administrator(request.user)
    agency = get_object_or_404(Agency, code=code) if code else Agency()
    form = AgencyForm(request.POST or None, instance=agency)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_agency(form.instance, by=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The agency was saved."))
            return redirect("administration:agencies")
    close_form = CloseAgencyForm(request.POST if "active_to" in request.POST else None)
    return render(
        request,
        "administration/agency_form.html",
        {
            "form": form,
            "agency": agency if agency.pk else None,
            "close_form": close_form,
        },
    )


@login_required
@require_POST
def agency_close(request, code: str):
    require_administrator(request.user)
    agency = get_object_or_404(Agency, code=code)
    if request.POST.get("reopen") == "1":
        services.reopen_agency(agency, by=request.user)
        messages.success(request, _("The agency was reopened."))
        return redirect("administration:agency_edit", code=agency.code)
    form = CloseAgencyForm(request.POST)
    if form.is_valid():
        try:
            services.close_agency(agency, form.cleaned_data["active_to"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The agency was closed."))
    else:
        messages.error(request, _("Give the day the agency closed, as dd/mm/yyyy."))
    return redirect("administration:agency_edit", code=agency.code)


@login_required
@require_GET
def programmes(request):
    require_administrator(request.user)
    return render(request, "administration/programmes.html", {"programmes": Programme.objects.all()})


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request, pk: int | None = None):
    require_administrator(request.user)
    programme = get_object_or_404(Programme, pk=pk) if pk else Programme()
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_programme(form.instance, by=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The programme was saved."))
            return redirect("administration:programmes")
    return render(
        request,
        "administration/programme_form.html",
        {
            "form": form,
            "programme": programme if programme.pk else None,
        },
    )


@login_required
@require_POST
def programme_current(request, pk: int):
    require_administrator(request.user)
    programme = get_object_or_404(Programme, pk=pk)
    services.mark_current(programme, by=request.user)
    messages.success(request, _("%(programme)s is now shown by default.") % {"programme": programme})
    return redirect("administration:programmes")
