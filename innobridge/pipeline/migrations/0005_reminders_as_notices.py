"""Milestone reminders already sent to users become their notices: the Notifications page and the bell
now read the notices of every app (accounts.Notice), and the reminder table stays as the log that keeps
one reminder per milestone a day."""

from django.db import migrations


def copy_reminders(apps, schema_editor):
    Notification = apps.get_model("pipeline", "Notification")
    Notice = apps.get_model("accounts", "Notice")
    rows = Notification.objects.filter(user__isnull=False).order_by("pk")
    Notice.objects.bulk_create(
        [
            Notice(
                user_id=n.user_id,
                kind="milestone",
                subject=n.subject,
                body=n.body,
                url=n.url,
                emailed=n.emailed,
                read=n.read,
            )
            for n in rows.iterator()
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("pipeline", "0004_edit_version"),
        ("accounts", "0006_preferences_notice"),
    ]

    operations = [migrations.RunPython(copy_reminders, migrations.RunPython.noop)]
