from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self):
        from rollout import panels as rollout_panels
        from training import panels

        rollout_panels.register("milestone", panels.supporting_training)
