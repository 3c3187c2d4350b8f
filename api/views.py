"""The API's endpoints: thin views over the access layer (``agencies.access``, ``rollout.access``), the progress
engine (``rollout.progress``) and the same services as the pages (``rollout.services``).

An object outside the user's reach answers 404, as on the pages; so does a change the user may not make to
an object they may see. Lists are paginated and ordered by a unique key, so pages never overlap.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from agencies.access import Access, agencies_for_user, may, restrict
from api import serializers as s
from api.pagination import Pages
from api.problems import problem_response
from rollout import services
from rollout.access import milestone_for_user, milestones_for_user, plans_for_user
from rollout.fingerprint import records_version
from rollout.models import Certificate, Declaration, Evidence, Programme, ReminderLog
from rollout.progress import ProgrammeProgress, programme_progress
from rollout.services import ConcurrentEditError

PROBLEM = OpenApiResponse(
    response=inline_serializer(
        "Problem",
        {
            "type": serializers.CharField(),
            "title": serializers.CharField(),
            "status": serializers.IntegerField(),
            "detail": serializers.CharField(),
            "instance": serializers.CharField(),
            "errors": serializers.ListField(child=serializers.DictField(), required=False),
            "current": serializers.DictField(required=False),
        },
    ),
    description="RFC 9457 problem details (application/problem+json).",
)
READ_ERRORS = {400: PROBLEM, 401: PROBLEM, 404: PROBLEM, 429: PROBLEM}


# The engine's answer for the whole province (users who see every agency), kept in this process while the
# records it reads are unchanged, as the dashboard keeps its own: on national data the engine needs about a
# second, and a client polling the endpoint should not pay it each time.
KEEP_ANSWERS = 4
_answers: OrderedDict[str, ProgrammeProgress] = OrderedDict()
_lock = threading.Lock()


def _progress(programme, as_of, user, as_recorded: bool) -> ProgrammeProgress:
    if not may(user, Access.SEE_PROVINCE):
        return programme_progress(programme, as_of, agencies=agencies_for_user(user), as_recorded=as_recorded)
    key = f"{programme.pk}:{as_of.isoformat()}:{int(as_recorded)}:{records_version()}"
    with _lock:
        if key in _answers:
            _answers.move_to_end(key)
            return _answers[key]
    answer = programme_progress(programme, as_of, as_recorded=as_recorded)
    with _lock:
        _answers[key] = answer
        while len(_answers) > KEEP_ANSWERS:
            _answers.popitem(last=False)
    return answer


def read_query(serializer_class, request) -> dict:
    """The query parameters, checked: a bad one answers 400 with its field named."""
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


def by_programme_and_agency(queryset, query: dict, *, plan: str = "plan__"):
    if "programme" in query:
        queryset = queryset.filter(**{f"{plan}programme_id": query["programme"]})
    if "agency" in query:
        queryset = queryset.filter(**{f"{plan}agency__code": query["agency"]})
    return queryset


def _reads(name: str, serializer, query=None) -> dict:
    plural = {
        "list": extend_schema(
            summary=f"{name} (list)",
            responses={200: serializer(many=True), **READ_ERRORS},
            parameters=[query] if query else None,
        )
    }
    return {**plural, "retrieve": extend_schema(summary=name, responses={200: serializer, **READ_ERRORS})}


@extend_schema_view(**_reads("Programme", s.ProgrammeSerializer))
class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ProgrammeSerializer
    queryset = Programme.objects.order_by("-is_current", "-start_date", "pk")

    @extend_schema(
        summary="Progress as of a date",
        description="The progress engine's answer for the programme on a day: the totals per group, for the "
        "mandatory agencies and for the province, and each agency's status (paginated, filterable). A user who "
        "sees one agency gets the figures of that agency only.",
        parameters=[s.ProgressQuery],
        responses={200: s.ProgressSerializer, **READ_ERRORS},
    )
    @action(detail=True, pagination_class=None)
    def progress(self, request, pk=None):
        programme = self.get_object()
        query = read_query(s.ProgressQuery, request)
        answer = _progress(programme, query.get("as_of") or timezone.localdate(), request.user, query["as_recorded"])
        rows = [
            row
            for row in answer.agencies
            if all(getattr(row, f) == query[f] for f in ("group", "status") if f in query)
        ]
        if "parent" in query:
            parents = set(agencies_for_user(request.user).filter(code=query["parent"]).values_list("pk", flat=True))
            rows = [row for row in rows if row.parent_id in parents or row.agency_id in parents]
        paginator = Pages()
        page = paginator.paginate_queryset(rows, request, view=self)
        summary = {
            name: getattr(answer, name)
            for name in ("programme_id", "as_of", "target_date", "days_to_target", "groups", "mandatory", "province")
        }
        return Response(
            s.ProgressSerializer(
                {
                    **summary,
                    "agencies_count": len(rows),
                    "next": paginator.get_next_link(),
                    "previous": paginator.get_previous_link(),
                    "agencies": page,
                }
            ).data
        )


@extend_schema_view(**_reads("Agency", s.AgencySerializer, s.AgencyQuery))
class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    """Agencies the user may see, as they were on a day (active on it; default: today)."""

    serializer_class = s.AgencySerializer
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self):
        queryset = agencies_for_user(self.request.user).select_related("parent", "successor").order_by("code")
        if self.action != "list":
            return queryset
        query = read_query(s.AgencyQuery, self.request)
        queryset = queryset.active_on(query.get("as_of") or timezone.localdate())
        if "group" in query:
            queryset = queryset.filter(group=query["group"])
        if "kind" in query:
            queryset = queryset.filter(kind=query["kind"])
        if "parent" in query:
            queryset = queryset.filter(parent__code=query["parent"])
        return queryset


@extend_schema_view(**_reads("Implementation plan", s.PlanSerializer, s.PlanQuery))
class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.PlanSerializer

    def get_queryset(self):
        queryset = plans_for_user(self.request.user).order_by("pk")
        if self.action != "list":
            return queryset
        query = read_query(s.PlanQuery, self.request)
        if "status" in query:
            queryset = queryset.filter(status=query["status"])
        return by_programme_and_agency(queryset, query, plan="")


@extend_schema_view(
    **_reads("Milestone", s.MilestoneSerializer, s.MilestoneQuery),
    partial_update=extend_schema(
        summary="Record a milestone's status",
        description="The same change as the milestone page's form, through the same service: status, note, "
        'completion date (done) or reason (blocked). Send the version you read as `If-Match: "<version>"` '
        "(the ETag of GET) or as `version`; if someone saved in between, the answer is 409 with the current "
        "values and nothing is saved.",
        parameters=[OpenApiParameter("If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False)],
        request=s.MilestoneUpdateSerializer,
        responses={200: s.MilestoneSerializer, 409: PROBLEM, 428: PROBLEM, **READ_ERRORS},
    ),
)
class MilestoneViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.MilestoneSerializer
    http_method_names = ["get", "patch", "post", "head", "options"]
    parser_classes = [JSONParser, MultiPartParser]

    def get_queryset(self):
        queryset = (
            milestones_for_user(self.request.user)
            .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("-uploaded_at", "-pk")))
            .order_by("pk")
        )
        if self.action != "list":
            return queryset
        query = read_query(s.MilestoneQuery, self.request)
        for name, lookup in (
            ("plan", "plan_id"),
            ("status", "status"),
            ("due_after", "due_date__gte"),
            ("due_before", "due_date__lte"),
        ):
            if name in query:
                queryset = queryset.filter(**{lookup: query[name]})
        return by_programme_and_agency(queryset, query)

    def retrieve(self, request, *args, **kwargs):
        milestone = self.get_object()
        return self._answer(milestone)

    def partial_update(self, request, pk=None):
        milestone = milestone_for_user(request.user, pk, Access.MANAGE)
        data = s.MilestoneUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        version = _version_from(request, values)
        if version is None:
            return problem_response(428, _("Send the version you read in If-Match (or as version)."), request)
        try:
            services.update_milestone(
                milestone,
                by=request.user,
                status=values["status"],
                expected_version=version,
                note=values["note"],
                completed_on=values.get("completed_on"),
                blocked_reason=values["blocked_reason"],
            )
        except ConcurrentEditError as error:
            current = self.get_queryset().get(pk=milestone.pk)
            return problem_response(
                409,
                error.message,
                request,
                current=s.MilestoneSerializer(current).data,
                changes=[{"field": c.field, "label": str(c.label), "old": c.old, "new": c.new} for c in error.changes],
                headers={"ETag": _etag(current)},
            )
        return self._answer(self.get_queryset().get(pk=milestone.pk))

    @extend_schema(
        summary="Upload evidence for a milestone",
        description="A PDF, DOCX, XLSX, ODT, JPG or PNG file, checked like the page's upload.",
        request={"multipart/form-data": s.EvidenceUploadSerializer},
        responses={201: s.EvidenceSerializer, **READ_ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def evidence(self, request, pk=None):
        milestone = milestone_for_user(request.user, pk, Access.MANAGE)
        data = s.EvidenceUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            item = services.add_evidence(
                milestone, data.validated_data["file"], by=request.user, description=data.validated_data["description"]
            )
        return Response(s.EvidenceSerializer(item).data, status=status.HTTP_201_CREATED)

    def _answer(self, milestone) -> Response:
        return Response(s.MilestoneSerializer(milestone).data, headers={"ETag": _etag(milestone)})


def _etag(milestone) -> str:
    return f'"{milestone.version}"'


def _version_from(request, values: dict) -> int | None:
    header = request.headers.get("If-Match", "").strip()
    if header:
        raw = header.removeprefix("W/").strip('"')
        if not raw.isdigit():
            raise serializers.ValidationError({"If-Match": _('Give the version as a number in quotes, e.g. "3".')})
        return int(raw)
    return values.get("version")


@extend_schema_view(**_reads("Certificate", s.CertificateSerializer, s.ResultQuery))
class CertificateViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.CertificateSerializer

    def get_queryset(self):
        queryset = restrict(
            Certificate.objects.select_related("plan__agency", "certification_body"),
            self.request.user,
            agency_field="plan__agency",
        ).order_by("pk")
        if self.action != "list":
            return queryset
        return by_programme_and_agency(queryset, read_query(s.ResultQuery, self.request))


@extend_schema_view(**_reads("Declaration", s.DeclarationSerializer, s.ResultQuery))
class DeclarationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.DeclarationSerializer

    def get_queryset(self):
        queryset = restrict(
            Declaration.objects.select_related("plan__agency"), self.request.user, agency_field="plan__agency"
        ).order_by("pk")
        if self.action != "list":
            return queryset
        return by_programme_and_agency(queryset, read_query(s.ResultQuery, self.request))


@extend_schema_view(**_reads("Reminder sent to me", s.ReminderSerializer))
class ReminderViewSet(viewsets.ReadOnlyModelViewSet):
    """The deadline reminders and escalations addressed to the signed-in user."""

    serializer_class = s.ReminderSerializer
    queryset = ReminderLog.objects.none()  # for the schema; each request reads the user's own

    def get_queryset(self):
        return (
            ReminderLog.objects.filter(recipient=self.request.user)
            .select_related("milestone__plan__agency")
            .order_by("-created_at", "-pk")
        )
