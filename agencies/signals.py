"""Keep guardian's object permissions in step with each user's agency and role."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from agencies.models import User
from agencies.services import sync_agency_permissions


@receiver(post_save, sender=User)
def user_saved(sender, instance: User, raw: bool = False, **kwargs) -> None:
    if not raw:
        sync_agency_permissions(instance)
