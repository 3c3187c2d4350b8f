"""Who reads the yearly score: the whole ranking for the steering committee, DOST and Home Affairs (which
prepares the province's annual evaluation of agencies); every other user their own agency's score with its
reasons. The committee sets the criteria."""

from __future__ import annotations

from agencies.access import Access, may
from agencies.models import Agency


def may_read_ranking(user) -> bool:
    return may(user, Access.READ_RANKING)


def may_set_criteria(user) -> bool:
    return may(user, Access.SET_CRITERIA)


def scored_agencies_for(user):
    """The agencies whose score the user may read: all for the ranking's readers, else their own."""
    if may_read_ranking(user):
        return Agency.objects.all()
    return Agency.objects.filter(pk=user.agency_id) if user.agency_id else Agency.objects.none()
