"""Each site's moderation workflow and task take a name in Kyrgyz and Russian, without the host name; approvals
recorded with a rule id in their comment say in words that the checklist was confirmed."""

from django.db import migrations

# As bilingual_name() of MODERATION_WORKFLOW_NAME, MODERATION_TASK_NAME and CHECKLIST_CONFIRMED (cms/models/workflow.py)
# wrote them when this migration was made.
WORKFLOW_NAME = "Сайттын материалдарын модерациялоо / Модерация материалов сайта"
TASK_NAME = "Тыюу салынган маалыматтын тизмеси менен бекитүү / Утверждение по перечню запрещённой информации"
CONFIRMED = (
    "Тыюу салынган маалыматтын тизмесинин бардык пункттары ырасталды. / "
    "Все пункты перечня запрещённой информации подтверждены."
)


def forwards(apps, schema_editor):
    ReviewTask = apps.get_model("cms", "ProhibitedContentReviewTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    TaskState = apps.get_model("wagtailcore", "TaskState")
    tasks = ReviewTask.objects.all()
    tasks.update(name=TASK_NAME)
    Workflow.objects.filter(workflow_tasks__task__in=tasks.values("pk")).update(name=WORKFLOW_NAME)
    for state in TaskState.objects.filter(comment__contains="[W5 ✓]"):
        state.comment = state.comment.replace("[W5 ✓]", CONFIRMED)
        state.save(update_fields=["comment"])


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0003_section_update_frequency"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
