"""W1, W2: the education section lists each programme's subjects, from the diary's teaching assignments."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(school_site):
    """History is taught in 5А (basic programme, grades 5–9); mathematics in 5А and 1А."""
    factories.JournalFactory(
        school_class=school_site.class_5a,
        teacher=school_site.teacher,
        subject=factories.SubjectFactory(
            school=school_site.school, code="history", name="Тарых", name_ky="Тарых", name_ru="История"
        ),
    )
    return school_site


def test_the_education_page_lists_each_programmes_subjects_in_the_visitors_language(client, history, settings):
    """W1: the subjects of each programme come from the diary (W2), in ky and ru."""
    settings.MEKTEP_PAGE_CACHE = False
    math = history.journal.subject
    ru = client.get("/ru/info/education/").content.decode()
    ky = client.get("/ky/info/education/").content.decode()
    assert f'<dd itemprop="eduPredmet">{math.name_ru}</dd>' in ru  # grades 1–4: only mathematics in 1А
    assert "История" in ru and "История" not in ky
    assert "Тарых" in ky


def test_the_disclosure_api_gives_each_programmes_subjects(client, history):
    """W1, W9: the disclosure JSON carries each programme's subjects and students (additive)."""
    body = client.get("/api/v2/disclosure/?lang=ru").json()
    programmes = {item["grade_from"]: item for item in body["sections"]["education"]["programmes"]}
    basic = programmes[5]
    assert {subject["code"] for subject in basic["subjects"]} == {"math", "history"}
    assert basic["students"] == 3
    assert [subject["code"] for subject in programmes[1]["subjects"]] == ["math"]
