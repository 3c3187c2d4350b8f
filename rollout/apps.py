from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RolloutConfig(AppConfig):
    name = "rollout"
    verbose_name = _("ISO rollout")

    def ready(self) -> None:
        from rollout import (
            panels,
            signals,  # noqa: F401
            views_opinions,
        )

        # Registers the outbox's Celery tasks and the waker that queues the senders, in every process; and the
        # reminder source rollout owns (certificate expiry); the apps above register theirs.
        from rollout.notices import (
            expiry,  # noqa: F401
            tasks,  # noqa: F401
        )

        panels.register("plan", views_opinions.opinions_panel)
