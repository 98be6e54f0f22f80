"""Create the uploader, reviewer and publisher groups with their permissions (issue 4)."""
from django.contrib.auth.management import create_permissions
from django.db import migrations

# group -> (app_label, codename) permissions; each role holds the one before it plus its own.
UPLOADER = [("reports", "add_report"), ("reports", "view_report"), ("reports", "view_figure")]
REVIEWER = [
    ("reports", "view_report"), ("reports", "change_report"),
    ("reports", "view_figure"), ("reports", "change_figure"),
    ("reports", "view_finding"), ("reports", "view_reportevent"),
    ("reports", "review_report"),
]
PUBLISHER = REVIEWER + [("reports", "publish_report"), ("reports", "reopen_report")]
GROUPS = {"uploader": UPLOADER, "reviewer": REVIEWER, "publisher": PUBLISHER}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations ran (post_migrate); create them now
    # so that a fresh database gets its groups filled in this same migrate run.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in perms
        ]
        group.permissions.add(*wanted)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
