from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("discussion", "0008_staff_notice_on_comment"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="by_staff",
            field=models.BooleanField(default=False, verbose_name="written by the newsroom"),
        ),
    ]
