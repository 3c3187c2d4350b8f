from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaintenanceConfig(AppConfig):
    name = "maintenance"
    verbose_name = _("Maintaining the system")

    def ready(self):
        from maintenance import measures, reminders

        measures.register()
        reminders.register()
