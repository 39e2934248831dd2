"""Editors and moderators work the wire desk: they see wire stories and keep the sources."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = [
    "view_wireitem",
    "add_wiresource",
    "change_wiresource",
    "delete_wiresource",
    "view_wiresource",
]
GROUPS = ["Editors", "Moderators"]


def grant(apps, schema_editor):
    # Permissions are made after migrations on a new database: make them now.
    app_config = apps.get_app_config("ingest")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="ingest", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="ingest", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("ingest", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
