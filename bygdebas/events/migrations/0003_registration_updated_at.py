import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("events", "0002_event_attachments")]

    operations = [
        # When the registration last changed, for the API's synchronisation (updated_since).
        migrations.AddField(
            model_name="registration",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, default=django.utils.timezone.now, verbose_name="updated"
            ),
            preserve_default=False,
        ),
    ]
