"""The ranking for the province's annual evaluation of agencies: the formal PDF's context and the XLSX, both
read from ``evaluation.score``."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from evaluation.score import criteria_for, ranking, yearly_scores
from rollout.models import Programme


def ranking_context(programme: Programme, year: int) -> dict:
    return {
        "programme": programme,
        "year": year,
        "criteria": criteria_for(programme, year),
        "groups": ranking(yearly_scores(programme, year)),
        "title": f"Kết quả chấm điểm, xếp hạng việc áp dụng hệ thống quản lý chất lượng theo TCVN ISO 9001 năm {year}",
        "document_date": min(timezone.localdate(), dt.date(year + 1, 1, 31)),
        "recipients": ["UBND tỉnh (để báo cáo);", "Sở Nội vụ (để tổng hợp đánh giá);", "Lưu: VT, BCĐ."],
    }


def ranking_xlsx(programme: Programme, year: int) -> bytes:
    criteria = criteria_for(programme, year)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("Ranking"))[:31]
    header = [_("Group"), _("Rank"), _("Code"), _("Agency"), _("Score"), _("Out of")]
    header += [f"{criterion.label} ({criterion.weight})" for criterion in criteria]
    sheet.append([str(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    groups = ranking(yearly_scores(programme, year))
    for group, members in groups:
        for score in members:
            row = [str(group.label), score.rank, score.agency.code, score.agency.name, score.total, score.maximum]
            row += [line.points for line in score.lines]
            sheet.append(row)
    reasons = workbook.create_sheet(str(_("Reasons"))[:31])
    reasons.append([str(_("Code")), str(_("Agency")), str(_("Criterion")), str(_("Points")), str(_("Reason"))])
    for _group, members in groups:
        for score in members:
            for line in score.lines:
                reasons.append([score.agency.code, score.agency.name, line.criterion.label, line.points, line.reason])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
