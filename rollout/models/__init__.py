from rollout.models.opinions import OpinionBody, PlanOpinion
from rollout.models.plan import (
    Certificate,
    Declaration,
    Evidence,
    ImplementationPlan,
    Milestone,
    MilestoneStatus,
    MilestoneStatusChange,
    PlanStatus,
    PlanTransition,
    is_overdue,
    private_storage,
)
from rollout.models.programme import IsoEdition, Programme, Regime, StageTemplate
from rollout.models.registry import CertificationBody, Consultant, Designation, Engagement, Expert
from rollout.models.reminders import ReminderKind, ReminderLog, ReminderRule, ReminderStatus
from rollout.models.urging import UrgeRecord

__all__ = [
    "Certificate",
    "CertificationBody",
    "Consultant",
    "Declaration",
    "Designation",
    "Engagement",
    "Evidence",
    "Expert",
    "ImplementationPlan",
    "IsoEdition",
    "Milestone",
    "MilestoneStatus",
    "MilestoneStatusChange",
    "OpinionBody",
    "PlanOpinion",
    "PlanStatus",
    "PlanTransition",
    "Programme",
    "Regime",
    "ReminderKind",
    "ReminderLog",
    "ReminderRule",
    "ReminderStatus",
    "StageTemplate",
    "UrgeRecord",
    "is_overdue",
    "private_storage",
]
