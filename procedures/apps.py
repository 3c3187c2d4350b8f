from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "procedures"
    verbose_name = _("Administrative procedures")

    def ready(self):
        from procedures import measures, panels
        from rollout import panels as rollout_panels

        rollout_panels.register("plan", panels.plan_scope)
        rollout_panels.register("result", panels.result_scope)
        measures.register()
