"""W6: the public feedback form has a per-address hourly limit and a per-site daily cap, so a script cannot fill the
admin; a refused question gets a clear translated message and nothing is saved."""

import pytest
from django.test import Client, override_settings

from home.models import Question

pytestmark = pytest.mark.django_db
QUESTION = {"name": "Асан", "question": "Жыйналыш качан болот?"}


def ask(address: str, language: str = "ru"):
    return Client(REMOTE_ADDR=address).post(f"/{language}/feedback/", QUESTION)


@override_settings(MEKTEP_FEEDBACK_PER_ADDRESS_PER_HOUR=3, MEKTEP_FEEDBACK_PER_SITE_PER_DAY=100)
def test_one_address_is_refused_after_its_hourly_limit_and_nothing_is_saved(demo_site):
    """W6: the fourth question in an hour from one address is refused with a message; others still get through."""
    for _ in range(3):
        assert ask("203.0.113.7").status_code == 302
    refused = ask("203.0.113.7")
    assert refused.status_code == 200
    assert "Отправлено слишком много вопросов" in refused.content.decode()
    assert Question.objects.count() == 3
    assert "Суроолор өтө көп жөнөтүлдү" in ask("203.0.113.7", "ky").content.decode()
    assert ask("198.51.100.9").status_code == 302
    assert Question.objects.count() == 4


@override_settings(MEKTEP_FEEDBACK_PER_ADDRESS_PER_HOUR=3)
def test_the_limit_is_lifted_after_an_hour(demo_site, clock_cache, time_machine):
    """W6: the address's budget is an hour's."""
    time_machine.move_to("2026-12-07 09:00:00+06:00", tick=False)
    for _ in range(3):
        ask("203.0.113.7")
    assert ask("203.0.113.7").status_code == 200
    time_machine.move_to("2026-12-07 10:01:00+06:00", tick=False)
    assert ask("203.0.113.7").status_code == 302


@override_settings(MEKTEP_FEEDBACK_PER_ADDRESS_PER_HOUR=100, MEKTEP_FEEDBACK_PER_SITE_PER_DAY=5)
def test_a_site_takes_no_more_than_its_daily_cap_from_many_addresses(demo_site):
    """W6: a script rotating its addresses stops at the site's daily cap; nothing past it is saved."""
    answers = [ask(f"203.0.113.{number}").status_code for number in range(1, 9)]
    assert answers == [302] * 5 + [200] * 3
    assert Question.objects.count() == 5


@override_settings(MEKTEP_FEEDBACK_PER_ADDRESS_PER_HOUR=2)
def test_refused_and_invalid_questions_use_up_no_budget(demo_site):
    """W6: only a saved question counts, so a visitor who mistyped their e-mail can still ask."""
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(3):
        assert client.post("/ru/feedback/", {**QUESTION, "email": "not-an-address"}).status_code == 200
    assert ask("203.0.113.7").status_code == 302
    assert ask("203.0.113.7").status_code == 302
    assert Question.objects.count() == 2
