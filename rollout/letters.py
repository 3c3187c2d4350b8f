"""The urging letter (văn bản đôn đốc) attached to an escalation: a draft công văn of the provincial ISO
steering committee, in the formal Vietnamese administrative layout. An official document, so it is always in
Vietnamese whatever the language of the e-mail that carries it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from agencies.models import Agency, AgencyKind, CommitteeMember, MemberRole
from documents.filenames import download_name
from documents.pdf import render_pdf
from rollout.models import ImplementationPlan, Milestone, MilestoneStatus

REPLY_WITHIN_DAYS = 15
# The letter's own words for a milestone's state (a formal document; not taken from the UI catalogue).
STATUS_IN_LETTER = {
    MilestoneStatus.NOT_STARTED: "Chưa triển khai",
    MilestoneStatus.IN_PROGRESS: "Đang thực hiện",
    MilestoneStatus.BLOCKED: "Đang vướng mắc",
}


@dataclass(frozen=True)
class OverdueLine:
    milestone: Milestone
    days_overdue: int
    status: str


def urging_letter_context(plan: ImplementationPlan, day: dt.date) -> dict:
    from rollout.progress import ProgressStatus, agency_progress

    agency = plan.agency
    overdue = [
        OverdueLine(milestone, (day - milestone.due_date).days, STATUS_IN_LETTER.get(milestone.status, ""))
        for milestone in plan.milestones.overdue_on(day).order_by("due_date", "number")
    ]
    chair = CommitteeMember.objects.filter(
        committee__agency__kind=AgencyKind.PROVINCIAL_COMMITTEE, role=MemberRole.CHAIR
    ).first()
    return {
        "title": f"V/v đôn đốc {agency.name}",
        "agency": agency,
        "programme": plan.programme,
        "addressee": agency.name,
        "overdue": overdue,
        "off_track": agency_progress(plan.programme, agency, day).status == ProgressStatus.OFF_TRACK,
        "letter_date": day,
        "reply_by": day + dt.timedelta(days=REPLY_WITHIN_DAYS),
        "document_date": day,
        "number_suffix": "CV-BCĐ",
        "doc_kind": "CÔNG VĂN",
        "summary_line": "V/v đôn đốc thực hiện kế hoạch triển khai áp dụng HTQLCL theo TCVN ISO 9001",
        "recipients": [
            "Như trên;",
            "Trưởng Ban Chỉ đạo ISO tỉnh (để báo cáo);",
            "Sở Khoa học và Công nghệ (cơ quan thường trực);",
            "Sở Nội vụ;",
            "Lưu: VT, BCĐ.",
        ],
        "signer_authority": "TM. BAN CHỈ ĐẠO ISO",
        "signer_title": "TRƯỞNG BAN",
        "signer_name": chair.name if chair else "",
        "hide_page_numbers": True,
    }


def urging_letter_pdf(plan: ImplementationPlan, day: dt.date) -> bytes:
    return render_pdf("letters/urging_letter.html", urging_letter_context(plan, day))


def urging_letter_filename(agency: Agency, day: dt.date) -> str:
    """ "cong-van-don-doc-ubnd-huyen-van-lam-2010-06-30.pdf" (documents.filenames' scheme)."""
    return download_name("công văn đôn đốc", agency.short_name, day=day)
