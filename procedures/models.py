"""Home Affairs' catalogue of each agency's administrative procedures (thủ tục hành chính, TTHC), and the
procedures a plan, a certificate or a declaration covers (its scope)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Level(models.TextChoices):
    """The level of government that settles the procedure."""

    PROVINCE = "province", _("Provincial level")
    DISTRICT = "district", _("District level")
    COMMUNE = "commune", _("Commune level")


class ProcedureQuerySet(models.QuerySet):
    def listed(self):
        return self.filter(active=True)


class AdministrativeProcedure(models.Model):
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="procedures"
    )
    code = models.CharField(
        _("code"), max_length=40, help_text=_("The procedure's code in the national database, e.g. 1.001234.")
    )
    name = models.CharField(_("name"), max_length=500)
    field = models.CharField(_("field"), max_length=200, help_text=_("E.g. land, construction, civil status."))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    active = models.BooleanField(_("in force"), default=True, help_text=_("Untick when the procedure is abolished."))
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords()

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative procedure")
        verbose_name_plural = _("administrative procedures")
        ordering = ["agency__code", "field", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "code"],
                name="unique_procedure_code_per_agency",
                violation_error_message=_("This agency already has a procedure with this code."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class ScopeEntry(models.Model):
    """One procedure in the scope of a plan (stage 3), a certificate or a declaration; of the same agency."""

    procedure = models.ForeignKey(
        AdministrativeProcedure,
        verbose_name=_("administrative procedure"),
        on_delete=models.PROTECT,
        related_name="scope_entries",
    )
    plan = models.ForeignKey(
        "rollout.ImplementationPlan",
        verbose_name=_("plan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    certificate = models.ForeignKey(
        "rollout.Certificate",
        verbose_name=_("certificate"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    declaration = models.ForeignKey(
        "rollout.Declaration",
        verbose_name=_("declaration"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scope entry")
        verbose_name_plural = _("scope entries")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(plan__isnull=False, certificate__isnull=True, declaration__isnull=True)
                    | Q(plan__isnull=True, certificate__isnull=False, declaration__isnull=True)
                    | Q(plan__isnull=True, certificate__isnull=True, declaration__isnull=False)
                ),
                name="scope_entry_has_one_owner",
            ),
            models.UniqueConstraint(fields=["plan", "procedure"], name="unique_plan_scope_procedure"),
            models.UniqueConstraint(fields=["certificate", "procedure"], name="unique_certificate_scope_procedure"),
            models.UniqueConstraint(fields=["declaration", "procedure"], name="unique_declaration_scope_procedure"),
        ]

    def __str__(self) -> str:
        return str(self.procedure)

    @property
    def owner(self):
        return self.plan or self.certificate or self.declaration

    def clean(self) -> None:
        owner_plan = self.plan if self.plan_id else (self.certificate or self.declaration).plan
        if self.procedure.agency_id != owner_plan.agency_id:
            raise ValidationError(
                {
                    "procedure": _(
                        "The procedure %(code)s belongs to another agency; a scope lists only %(agency)s's procedures."
                    )
                    % {"code": self.procedure.code, "agency": owner_plan.agency}
                }
            )
