"""The newsroom's roles (Penulis, Editor, Moderator) and the "Tinjauan redaksi" workflow.

Wagtail's own groups are reused and renamed: "Editors" becomes "Editor" (its members, and
the wire-desk permissions ingest's 0002 gave it, stay), "Moderators" becomes "Moderator"
and keeps the discussion desk only. Administrators are superusers. The table is in README.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROOT_DEPTH = 1

PENULIS, EDITOR, MODERATOR = "Penulis", "Editor", "Moderator"
RENAMED = {"Editors": EDITOR, "Moderators": MODERATOR}

# (app label, codename) of the model permissions each role holds; page and collection
# permissions follow below.
MODEL_PERMISSIONS = {
    PENULIS: [
        ("wagtailadmin", "access_admin"),
        ("news", "view_author"),
    ],
    EDITOR: [
        ("wagtailadmin", "access_admin"),
        ("news", "add_author"),
        ("news", "change_author"),
        ("news", "view_author"),
        ("ingest", "view_wireitem"),
        ("ingest", "add_wiresource"),
        ("ingest", "change_wiresource"),
        ("ingest", "delete_wiresource"),
        ("ingest", "view_wiresource"),
    ],
    MODERATOR: [
        ("wagtailadmin", "access_admin"),
        ("discussion", "view_comment"),
        ("discussion", "change_comment"),
    ],
}
# On the tree's root, so every site's pages: "add" lets a writer create pages and edit and
# delete the unpublished ones they own; publishing is the editor's.
PAGE_PERMISSIONS = {
    PENULIS: ["add_page"],
    EDITOR: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    MODERATOR: [],
}
# On the root collection, so every image and document.
COLLECTION_PERMISSIONS = {
    PENULIS: ["add_image", "choose_image", "add_document", "choose_document"],
    EDITOR: [
        "add_image",
        "change_image",
        "delete_image",
        "choose_image",
        "add_document",
        "change_document",
        "delete_document",
        "choose_document",
    ],
    MODERATOR: [],
}

WORKFLOW = "Tinjauan redaksi"
TASK = "Tinjauan editor"
APPS_WITH_PERMISSIONS = [
    "wagtailcore",
    "wagtailadmin",
    "wagtailimages",
    "wagtaildocs",
    "news",
    "ingest",
    "discussion",
]


def _make_permissions(apps):
    # Permissions are made after migrations on a new database: make them now.
    for label in APPS_WITH_PERMISSIONS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)


def _group(Group, name):
    old = next((o for o, new in RENAMED.items() if new == name), None)
    group = Group.objects.filter(name=name).first()
    if group is None and old:
        group = Group.objects.filter(name=old).first()
        if group is not None:
            group.name = name
            group.save(update_fields=["name"])
    return group or Group.objects.create(name=name)


def create_roles(apps, schema_editor):
    _make_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    root = Page.objects.filter(depth=ROOT_DEPTH).first()
    collection = Collection.objects.filter(depth=ROOT_DEPTH).first()

    groups = {}
    for name in (PENULIS, EDITOR, MODERATOR):
        group = groups[name] = _group(Group, name)
        wanted = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in MODEL_PERMISSIONS[name]
        ]
        page_permissions = Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=PAGE_PERMISSIONS[name]
        )
        collection_permissions = Permission.objects.filter(
            codename__in=COLLECTION_PERMISSIONS[name],
            content_type__app_label__in=["wagtailimages", "wagtaildocs"],
        )
        if name == MODERATOR:
            # The discussion desk only: what Wagtail gave "Moderators" over pages, images,
            # documents and the wire goes.
            group.permissions.set(wanted)
            GroupPagePermission.objects.filter(group=group).delete()
            GroupCollectionPermission.objects.filter(group=group).delete()
        else:
            # Added to whatever a site gave the group itself.
            group.permissions.add(*wanted)
        if root is not None:
            for permission in page_permissions:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root, permission=permission
                )
        if collection is not None:
            for permission in collection_permissions:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=collection, permission=permission
                )

    if root is not None:
        _create_workflow(apps, root, groups[EDITOR])


def _create_workflow(apps, root, editors):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task, _ = GroupApprovalTask.objects.get_or_create(
        name=TASK, defaults={"content_type": content_type, "active": True}
    )
    task.groups.set([editors])
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    # Wagtail's default workflow ("Moderators approval", approved by the group that is now
    # the discussion desk's) gives way to ours wherever it was assigned.
    replaced = list(
        WorkflowPage.objects.exclude(workflow=workflow).values_list("workflow_id", flat=True)
    )
    WorkflowPage.objects.filter(workflow_id__in=replaced).update(workflow=workflow)
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    Workflow.objects.filter(pk__in=replaced).update(active=False)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    Task = apps.get_model("wagtailcore", "Task")
    previous = Workflow.objects.exclude(name=WORKFLOW).filter(active=False).first()
    ours = Workflow.objects.filter(name=WORKFLOW)
    if previous is not None:
        previous.active = True
        previous.save(update_fields=["active"])
        WorkflowPage.objects.filter(workflow__in=ours).update(workflow=previous)
    else:
        WorkflowPage.objects.filter(workflow__in=ours).delete()
    ours.delete()
    Task.objects.filter(name=TASK).delete()
    Group.objects.filter(name=PENULIS).delete()
    for old, new in RENAMED.items():
        if not Group.objects.filter(name=old).exists():
            Group.objects.filter(name=new).update(name=old)


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0003_standard_page_wire_fields"),
        # After ingest has given the wire desk to "Editors", so the rename keeps it.
        ("ingest", "0002_editors_use_the_wire_desk"),
        ("discussion", "0007_report_trusted"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
