"""What a reader sees in Kyrgyz and Russian: recorded values by their labels, no rule ids, local dates ("30-ноябрь",
"ноябрь 2026") and decimal commas, periods in calendar order, and what a mark is about on the family screens."""

import datetime as dt
import io
import re
from html import unescape

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from diary.calendar import month_label
from diary.models import Period, ReportRun
from diary.services.finals import FinalChange, finals_set
from diary.services.lessons import lesson_update
from diary.services.marks import CellChange, marks_save
from diary.services.report_files import report_pdf
from tests import factories

pytestmark = pytest.mark.django_db

WEDNESDAY = dt.datetime(2026, 9, 9, 10, 0, tzinfo=dt.UTC)
RULE_ID = re.compile(r"(?<![-\w])[DWL]\d{1,2}\b")


def client_for(small_school, persona: str, language: str = "ky") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(small_school.user(persona))
    return client


def visible_text(html: str) -> str:
    """The page's text as a reader sees it: no tags, no scripts or styles, entities resolved."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def marked(small_school):
    """A topic, two grades (5 and a second grade 4) and an absence, entered through the services; finals of the
    quarter: a 5 and not assessed."""
    school = small_school
    teacher = school.teacher.user
    at = dt.datetime(2026, 9, 9, 15, 0, tzinfo=dt.UTC)
    lesson_update(actor=teacher, lesson=school.lessons[0], topic="Бөлчөктөр", homework="№ 12", at=at)
    marks_save(
        actor=teacher, journal=school.journal, at=at,
        changes=[
            CellChange(school.lessons[0].pk, school.students[0].pk, None, grades=[5, 4]),
            CellChange(school.lessons[1].pk, school.students[0].pk, None, attendance="absent"),
            CellChange(school.lessons[0].pk, school.students[1].pk, None, grades=[4]),
            CellChange(school.lessons[1].pk, school.students[1].pk, None, grades=[5]),
        ],
    )  # fmt: skip
    window = dt.datetime(2026, 10, 29, 12, 0, tzinfo=dt.UTC)
    finals_set(
        actor=teacher, journal=school.journal, period=school.q1, at=window,
        finals=[FinalChange(school.students[0].pk, 5), FinalChange(school.students[1].pk, "na")],
    )  # fmt: skip
    return school


# The journal's history of changes


@pytest.mark.parametrize(
    ("language", "absent", "present", "not_assessed"),
    [("ky", "келген жок", "катышты", "н/а"), ("ru", "отсутствовал", "присутствовал", "н/а")],
)
def test_history_shows_attendance_and_finals_by_their_labels(marked, language, absent, present, not_assessed):
    from django.utils.translation import gettext

    with translation.override(language):
        assert (gettext("absent"), gettext("present"), gettext("n/a")) == (absent, present, not_assessed)
    response = client_for(marked, "director", language).get(f"/{language}/diary/journals/{marked.journal.pk}/history/")
    assert response.status_code == 200
    html = response.content.decode()
    cells = [unescape(cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", html, flags=re.S)]
    assert absent in cells and present in cells and not_assessed in cells
    assert not {"absent", "present", "na", "exempt"} & set(cells)


def test_history_shows_a_substitution_without_internal_keys_or_iso_dates(small_school):
    """The substitution the fixture assigned is listed with translated keys and local dates."""
    html = client_for(small_school, "director").get(f"/ky/diary/journals/{small_school.journal.pk}/history/")
    text = visible_text(html.content.decode())
    assert "07.09.2026" in text
    assert "2026-09-07" not in text
    assert "from:" not in text and "teacher:" not in text


# Rule ids


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_no_rule_id_on_any_rendered_diary_page(marked, language):
    """Rule ids (D5, D8, W3…) belong in the code's comments; no diary page a person opens shows one."""
    school = marked
    ReportRun.objects.create(
        school=school.school, kind="activity", month="2026-11", key="s5:activity:2026-11", status="done",
        started_at=WEDNESDAY, finished_at=WEDNESDAY + dt.timedelta(seconds=2),
    )  # fmt: skip
    pages = {
        "director": [
            "", "today/", "journals/", f"journals/{school.journal.pk}/", f"journals/{school.journal.pk}/history/",
            f"journals/{school.journal.pk}/print/", "administration/", "administration/substitutions/",
            "administration/inspections/", "administration/final-windows/", "reports/", "help/", "mail/",
            "mail/new/", f"students/{school.students[0].pk}/week/?week=2026-W37",
            f"students/{school.students[0].pk}/period/?period=quarter-1", "administration/personal-data/",
        ],
        "teacher": ["", "today/", "journals/", f"journals/{school.journal.pk}/", "help/"],
        "homeroom": ["", "class/", f"classes/{school.class_5a.pk}/", "help/"],
        "parent": [
            "", "children/", f"students/{school.students[0].pk}/week/?week=2026-W37",
            f"students/{school.students[0].pk}/period/?period=quarter-1", "help/", "mail/",
        ],
    }  # fmt: skip
    with time_machine.travel(dt.datetime(2026, 11, 12, 9, tzinfo=dt.UTC), tick=False):
        for persona, urls in pages.items():
            client = client_for(school, persona, language)
            for url in urls:
                response = client.get(f"/{language}/diary/{url}", follow=True)
                assert response.status_code == 200, (persona, url)
                found = RULE_ID.findall(visible_text(response.content.decode()))
                assert found == [], (persona, url, found)


# Dates and months


@pytest.mark.parametrize(("language", "label"), [("ky", "ноябрь 2026"), ("ru", "ноябрь 2026")])
def test_a_month_is_named_by_its_name_and_year(language, label):
    with translation.override(language):
        assert month_label("2026-11") == label
        assert month_label(dt.date(2026, 11, 30)) == label
        assert month_label("not a month") == "not a month"


@pytest.mark.parametrize(("language", "label"), [("ky", "октябрь 2026"), ("ru", "октябрь 2026")])
def test_the_reports_list_names_the_month_and_shows_when_a_report_was_built_and_how_long_it_took(
    small_school, language, label
):
    finished = dt.datetime(2026, 11, 2, 3, 15, tzinfo=dt.UTC)  # 09:15 in Bishkek
    run = ReportRun.objects.create(
        school=small_school.school, kind="activity", month="2026-10", key="s5:activity:2026-10", status="done",
        started_at=finished - dt.timedelta(seconds=2, milliseconds=500), finished_at=finished,
    )  # fmt: skip
    html = client_for(small_school, "director", language).get(f"/{language}/diary/reports/").content.decode()
    row = html[html.index(f'data-run="{run.pk}"') :]
    row = row[: row.index("</tr>")]
    assert f'<span data-month="2026-10">{label}</span>' in row
    assert ">2026-10<" not in row
    assert re.search(r'<td data-built-at="[^"]+"><time datetime="[^"]+">02\.11\.2026 09:15</time></td>', row)
    assert re.search(r"<td data-duration>2,5 ", row)
    headers = html[html.index('id="runs"') :]
    headers = visible_text(headers[: headers.index("</thead>")])
    expected = {
        "ky": ("качан даярдалды", "даярдоого кеткен убакыт"),
        "ru": ("когда сформирован", "сколько формировался"),
    }
    assert all(word in headers for word in expected[language])


@pytest.mark.parametrize(
    ("language", "day", "week"),
    [
        ("ky", "Дүйшөмбү, 7-сентябрь", "7-сентябрь – 12-сентябрь 2026 ж."),
        ("ru", "Понедельник, 7 сентября", "7 сентября – 12 сентября 2026 г."),
    ],
)
def test_the_family_week_writes_dates_the_local_way(marked, language, day, week):
    with time_machine.travel(WEDNESDAY, tick=False):
        html = client_for(marked, "parent", language).get(
            f"/{language}/diary/students/{marked.students[0].pk}/week/?week=2026-W37"
        )
    text = visible_text(html.content.decode())
    assert day in text
    assert week in " ".join(text.split())
    assert "Сентябрь" not in text and "Сентября" not in text


# Decimal commas


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_averages_have_a_decimal_comma_on_the_pages(marked, language):
    period = client_for(marked, "parent", language).get(
        f"/{language}/diary/students/{marked.students[0].pk}/period/?period=quarter-1"
    )
    assert re.search(r'<span data-average="4.50">4,50</span>', period.content.decode())
    homeroom = client_for(marked, "homeroom", language).get(
        f"/{language}/diary/classes/{marked.class_5a.pk}/?period=quarter-1"
    )
    html = homeroom.content.decode()
    assert re.search(r"<td data-average>4,50</td>", html)
    assert re.search(r"<td data-average>4,50</td>", html) and "4.50" not in visible_text(html)


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_a_report_pdf_has_decimal_commas_and_named_months(language):
    from pypdf import PdfReader

    rates = {"n": 4, "grade_5": 1, "grade_4": 3, "na": 0, "progress": 87.5, "quality": 62.5, "sou": 55.25}
    summary = {
        "classes": [{"class": "5А", **rates, "average": 4.25}],
        "rows": [{"class": "5А", "subject": "Математика", "teacher": "Асанова А.", **rates, "average": 4.25}],
        "school": {**rates, "average": 4.25},
        "attendance": {"classes": [], "months": [{"month": "2026-11", "missed": 3, "excused": 1, "unexcused": 2}]},
        "students": [],
        "scale": [5, 4, 3, 2],
    }
    pdf = report_pdf(kind="progress", summary=summary, title="Отчет", language=language)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "4,25" in text and "55,25" in text and "87,5" in text
    assert "4.25" not in text and "87.5" not in text
    assert "ноябрь 2026" in text and "2026-11" not in text


# Periods in calendar order


def test_periods_are_listed_in_calendar_order(marked):
    """Quarters in calendar order, then the half-years, then the year: not mixed by their shared start dates."""
    year = marked.q1.year
    for kind, number, start, end in [
        ("half", 2, dt.date(2027, 1, 12), dt.date(2027, 5, 31)),
        ("year", 1, dt.date(2026, 9, 1), dt.date(2027, 5, 31)),
        ("quarter", 4, dt.date(2027, 3, 30), dt.date(2027, 5, 31)),
        ("half", 1, dt.date(2026, 9, 1), dt.date(2026, 12, 28)),
        ("quarter", 3, dt.date(2027, 1, 12), dt.date(2027, 3, 20)),
    ]:
        factories.PeriodFactory(year=year, kind=kind, number=number, start=start, end=end)
    expected = ["quarter-1", "quarter-2", "quarter-3", "quarter-4", "half-1", "half-2", "year"]
    family = client_for(marked, "parent").get(f"/ky/diary/students/{marked.students[0].pk}/period/?period=quarter-1")
    switcher = family.content.decode().split('class="period-switcher"')[-1]
    assert re.findall(r'href="\?period=([\w-]+)" data-period', switcher) == expected
    grid = client_for(marked, "teacher").get(f"/ky/diary/journals/{marked.journal.pk}/?period=quarter-1")
    nav = grid.content.decode().split('class="periods')[1].split("</nav>")[0]
    assert re.findall(r'data-period="([\w-]+)"', nav) == expected
    overview = client_for(marked, "director").get("/ky/diary/administration/").content.decode()
    labels = [str(period) for period in sorted(Period.objects.filter(year=year), key=lambda p: p.calendar_key)]
    positions = [overview.index(f"<td>{label}</td>") for label in labels]
    assert positions == sorted(positions)
    reports = client_for(marked, "director").get("/ky/diary/reports/").content.decode()
    select = reports.split('name="period"')[1].split("</select>")[0]
    options = [unescape(label).split(" (")[0] for label in re.findall(r'<option value="\d+"[^>]*>([^<]+)<', select)]
    assert options == labels


# What a mark is about, for the family


@pytest.mark.parametrize(
    ("language", "date", "first", "second"),
    [
        ("ky", "Дүйшөмбү, 7-сентябрь", "сабактагы баа", "сабактагы экинчи баа"),
        ("ru", "Понедельник, 7 сентября", "оценка за урок", "вторая оценка за урок"),
    ],
)
@pytest.mark.parametrize("page", ["week/?week=2026-W37", "period/?period=quarter-1"])
def test_tapping_a_mark_shows_its_date_topic_and_kind(marked, language, date, first, second, page):
    with time_machine.travel(WEDNESDAY, tick=False):
        response = client_for(marked, "parent", language).get(
            f"/{language}/diary/students/{marked.students[0].pk}/{page}"
        )
    html = response.content.decode()
    marks = re.findall(r'<details class="mark-info"><summary>(.*?)</summary>(.*?)</details>', html, flags=re.S)
    assert [re.search(r'data-grade="(\d)"', summary).group(1) for summary, _ in marks] == ["5", "4"]
    for (_summary, detail), kind in zip(marks, (first, second), strict=True):
        text = " ".join(visible_text(detail).split())
        assert date in text
        assert "Бөлчөктөр" in text
        assert kind in text and 'data-mark-date="2026-09-07"' in detail
    # A native disclosure: it opens by touch or keyboard, with no script and nothing shown on hover only.
    main = html[html.index("<main") : html.index("</main>")]
    assert "<script" not in main and " title=" not in "".join(summary for summary, _ in marks)


def test_the_grades_api_adds_the_dates_of_the_marks_and_keeps_its_fields(marked, api):
    body = api("parent").get(f"/api/diary/v1/students/{marked.students[0].pk}/grades/?period=quarter-1").json()
    subject = body["subjects"][0]
    assert {key: subject[key] for key in ("subject", "marks", "average", "final")} == {
        "subject": marked.journal.subject.name,
        "marks": [5, 4],
        "average": 4.5,
        "final": 5,
    }
    assert subject["mark_details"] == [
        {"grade": 5, "date": "2026-09-07", "lesson_no": 2, "topic": "Бөлчөктөр", "kind": "first"},
        {"grade": 4, "date": "2026-09-07", "lesson_no": 2, "topic": "Бөлчөктөр", "kind": "second"},
    ]


# Subject names


def test_subject_names_wrap_between_words_only(marked):
    """Outside the journal grid, subject names never break inside a word: the lists and cards that show them carry
    a class whose style keeps words whole (no automatic hyphens, no break inside a word)."""
    from pathlib import Path

    from django.contrib.staticfiles import finders

    rules = Path(finders.find("diary/diary.css")).read_text(encoding="utf-8")
    family = Path(finders.find("diary/family.css")).read_text(encoding="utf-8")
    keep_whole = "hyphens: manual; overflow-wrap: normal; word-break: keep-all;"
    assert f".subject-name {{ {keep_whole} }}" in rules
    assert f".lesson .subject, .result .subject {{ {keep_whole} }}" in family
    journals = client_for(marked, "teacher").get("/ky/diary/journals/").content.decode()
    assert re.search(r'<td class="subject-name"><a [^>]+>' + re.escape(marked.journal.subject.name), journals)
    homeroom = client_for(marked, "homeroom").get(f"/ky/diary/classes/{marked.class_5a.pk}/").content.decode()
    assert f'<span class="subject-name">{marked.journal.subject.name}</span>' in homeroom
    period = client_for(marked, "parent").get(f"/ky/diary/students/{marked.students[0].pk}/period/?period=quarter-1")
    assert f'<span class="subject">{marked.journal.subject.name}</span>' in period.content.decode()


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_history_values_of_a_record_name_their_keys_periods_and_dates(language):
    from django.utils.translation import gettext

    from diary.views.history import audit_value

    value = {"class": "5А", "period": "quarter-1", "from": "2026-09-07", "id": 7}
    with translation.override(language):
        shown = audit_value(value, "subgroups")
        quarter = gettext("quarter")
        expected = f"{gettext('class')}: 5А; {gettext('period')}: {quarter} 1; {gettext('from')}: 07.09.2026"
    assert shown == expected
    assert "quarter-1" not in shown and "id" not in shown and "7" not in shown.replace("07.09", "")
