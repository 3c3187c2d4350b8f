"""Beat's database schedule: the daily reminder sweep (07:00) and the weekly digest (Monday 07:30),
Asia/Ho_Chi_Minh, editable in the admin afterwards."""

from django.db import migrations


def create_schedules(apps, schema_editor):
    from rollout.reminders import ensure_schedules

    ensure_schedules(apps.get_model("django_celery_beat", "PeriodicTask"),
                     apps.get_model("django_celery_beat", "CrontabSchedule"))


class Migration(migrations.Migration):
    dependencies = [
        ("rollout", "0003_reminders"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, migrations.RunPython.noop)]
