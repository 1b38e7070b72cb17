"""Each site's moderation workflow and task take a name in Kyrgyz and Russian, without the host name, and so do
Wagtail's first workflow and task; approvals recorded with a rule id in their comment say in words that the checklist
was confirmed."""

from django.db import migrations

# The names as bilingual_name() gives them (cms/models/workflow.py) when this migration was made; an old approval's
# comment gets CHECKLIST_CONFIRMED in both languages, its reader's being unknown.
WORKFLOW_NAME = "Сайттын материалдарын модерациялоо / Модерация материалов сайта"
TASK_NAME = "Тыюу салынган маалыматтын тизмеси менен бекитүү / Утверждение по перечню запрещённой информации"
# Wagtail's own first workflow and task (on the root page), named in English by Wagtail's migration.
WAGTAIL_DEFAULT_NAME = "Moderators approval"
WAGTAIL_DEFAULT_RENAMED = "Модераторлордун бекитүүсү / Утверждение модераторами"
CONFIRMED = (
    "Тыюу салынган маалыматтын тизмесинин бардык пункттары ырасталды. / "
    "Все пункты перечня запрещённой информации подтверждены."
)


def forwards(apps, schema_editor):
    ReviewTask = apps.get_model("cms", "ProhibitedContentReviewTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    TaskState = apps.get_model("wagtailcore", "TaskState")
    tasks = ReviewTask.objects.all()
    tasks.update(name=TASK_NAME)
    Workflow.objects.filter(workflow_tasks__task__in=tasks.values("pk")).update(name=WORKFLOW_NAME)
    Workflow.objects.filter(name=WAGTAIL_DEFAULT_NAME).update(name=WAGTAIL_DEFAULT_RENAMED)
    Task.objects.filter(name=WAGTAIL_DEFAULT_NAME).update(name=WAGTAIL_DEFAULT_RENAMED)
    for state in TaskState.objects.filter(comment__contains="[W5 ✓]"):
        state.comment = state.comment.replace("[W5 ✓]", CONFIRMED)
        state.save(update_fields=["comment"])


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0003_section_update_frequency"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
