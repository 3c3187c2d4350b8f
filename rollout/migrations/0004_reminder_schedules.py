"""Beat's database schedule: the daily reminder sweep (07:00) and the weekly digest (Monday 07:30),
Asia/Ho_Chi_Minh, editable in the admin afterwards. The values are written out here, not imported, so the
migration stays what it was whatever the code becomes."""

from django.db import migrations

SCHEDULES = [
    ("Daily deadline reminders", "rollout.tasks.daily_sweep", {"minute": "0", "hour": "7", "day_of_week": "*"}),
    ("Weekly digest to the steering committee", "rollout.tasks.weekly_digest",
     {"minute": "30", "hour": "7", "day_of_week": "1"}),
]


def create_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    for name, task, times in SCHEDULES:
        if PeriodicTask.objects.filter(task=task).exists():
            continue
        schedule, _created = CrontabSchedule.objects.get_or_create(
            **times, day_of_month="*", month_of_year="*", timezone="Asia/Ho_Chi_Minh"
        )
        PeriodicTask.objects.create(name=name, task=task, crontab=schedule, enabled=True)


class Migration(migrations.Migration):
    dependencies = [
        ("rollout", "0003_reminders"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, migrations.RunPython.noop)]
