"""The roles' share of the newsroom's day: writers and editors post live entries; editors
also delete them and set the publishing settings (the breaking-news banner, full text in
feeds). The moderator gets none of it. The table is in README."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Penulis": ["add_liveentry", "change_liveentry", "view_liveentry"],
    "Editor": [
        "add_liveentry",
        "change_liveentry",
        "delete_liveentry",
        "view_liveentry",
        "change_newssettings",
        "view_newssettings",
    ],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("news")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label="news", codename__in=codenames)
            )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="news", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [("news", "0005_newsroom_day"), ("news", "0004_roles")]

    operations = [migrations.RunPython(grant, revoke)]
