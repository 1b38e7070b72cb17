"""W6: the public feedback form's one write."""

from django.db import transaction

from home.models import Question


@transaction.atomic
def question_submit(*, site, name: str, question: str, email: str = "") -> Question:
    """A visitor's question lands in the admin, unpublished, until a site administrator answers it."""
    submitted = Question(site=site, name=name.strip(), email=email.strip(), question=question.strip())
    submitted.full_clean()
    submitted.save()
    return submitted
