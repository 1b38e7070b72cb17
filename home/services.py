"""W6: the public feedback form's one write."""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from home.exceptions import FeedbackLimitReached
from home.models.questions import Question

HOUR, DAY = 60 * 60, 24 * 60 * 60


def _feedback_counters(*, site, client_address: str) -> list[tuple[str, int, int]]:
    """(cache key, limit, lifetime) of the two budgets a question uses up: its address's hour and its site's day."""
    today = timezone.localdate().isoformat()
    return [
        (f"feedback:address:{client_address}", settings.MEKTEP_FEEDBACK_PER_ADDRESS_PER_HOUR, HOUR),
        (f"feedback:site:{site.pk}:{today}", settings.MEKTEP_FEEDBACK_PER_SITE_PER_DAY, DAY),
    ]


@transaction.atomic
def question_submit(*, site, name: str, question: str, email: str = "", client_address: str = "") -> Question:
    """A visitor's question lands in the admin, unpublished, until a site administrator answers it.

    W6: a per-address hourly limit and a per-site daily cap keep a script from filling the admin; a refused
    question is not saved and uses up nothing."""
    counters = _feedback_counters(site=site, client_address=client_address or "unknown")
    if any((cache.get(key) or 0) >= limit for key, limit, _lifetime in counters):
        raise FeedbackLimitReached
    submitted = Question(site=site, name=name.strip(), email=email.strip(), question=question.strip())
    submitted.full_clean()
    submitted.save()
    for key, _limit, lifetime in counters:
        cache.add(key, 0, lifetime)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, lifetime)
    return submitted
