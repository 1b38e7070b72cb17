"""W6: school site groups hold no global user or group permission, and edit only their own site's contacts."""

from django.db import migrations

NEVER_HELD = [
    ("auth", "add_user"),
    ("auth", "change_user"),
    ("auth", "delete_user"),
    ("auth", "add_group"),
    ("auth", "change_group"),
    ("auth", "delete_group"),
    ("cms", "change_schoolcontacts"),
]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Site = apps.get_model("wagtailcore", "Site")
    GroupSitePermission = apps.get_model("wagtailcore", "GroupSitePermission")
    never_held = [
        permission
        for app_label, codename in NEVER_HELD
        for permission in Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    ]
    contacts = Permission.objects.filter(content_type__app_label="cms", codename="change_schoolcontacts").first()
    for site in Site.objects.all():
        for suffix in ("editors", "site administrators"):
            group = Group.objects.filter(name=f"{site.hostname}: {suffix}").first()
            if group is None:
                continue
            had_contacts = contacts is not None and group.permissions.filter(pk=contacts.pk).exists()
            group.permissions.remove(*never_held)
            if had_contacts:
                GroupSitePermission.objects.get_or_create(group=group, site=site, permission=contacts)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
