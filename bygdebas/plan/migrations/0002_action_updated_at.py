import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("plan", "0001_initial")]

    operations = [
        # When the action last changed, for the API's synchronisation (updated_since).
        migrations.AddField(
            model_name="action",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, default=django.utils.timezone.now, verbose_name="updated"
            ),
            preserve_default=False,
        ),
    ]
