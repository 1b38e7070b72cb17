"""D14: what a reader of a report's PDF (and XLSX) notices: every table fits the page, in Kyrgyz and Russian, with
long names and every reason of the compliance report; titles start with a capital letter; abbreviations are spelt
out; a no-marks grade level (D9) says that marks are not given instead of showing zeros; the activity report names
one person's role in the singular under a "full name" heading.

How the fit is checked: the PDF's own bytes are read back with pypdf (a public API), whose text visitor reports
where each run of text starts on the page. A table wider than the page pushes its last columns past the right edge,
so every run of text must start inside the printable area (the page less its 10 mm margin), and the last column's
texts must be there in full (words wrapped across lines or hyphenated are joined again before comparing). This
needs neither WeasyPrint's internal layout boxes nor a rasteriser.
"""

import datetime as dt
import io
import re

import pytest
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from diary.models import ReportRun
from diary.services.finals import FinalChange, finals_set
from diary.services.inspections import inspection_record
from diary.services.marks import CellChange, marks_save
from diary.services.report_activity import activity_summary
from diary.services.report_compliance import BREACHES, compliance_summary
from diary.services.report_files import report_pdf, report_xlsx
from diary.services.report_progress import progress_summary
from diary.services.report_views import REASON_LABELS, report_views
from diary.services.reports import report_title

pytestmark = pytest.mark.django_db

LANGUAGES = ["ky", "ru"]
MARGIN_PT = 10 / 25.4 * 72
LONG_LAST_NAME, LONG_FIRST_NAME = "Абдыкадырова-Токтогулова", "Гүлнарамкан"


@pytest.fixture
def long_school(small_school):
    """The small school with long names, long inspection remarks and a teacher who breached every rule."""
    teacher = small_school.teacher
    teacher.last_name, teacher.first_name = LONG_LAST_NAME, LONG_FIRST_NAME
    teacher.save()
    subject = small_school.journal.subject
    subject.name_ky = subject.name_ru = "Математика жана информатиканын негиздери (тереңдетилген программа)"
    subject.save()
    at = dt.datetime(2026, 9, 8, 12, tzinfo=dt.UTC)
    s0, s1, _s2 = small_school.students
    lesson = small_school.lessons[0]
    marks_save(
        actor=teacher.user, journal=small_school.journal, at=at, changes=[CellChange(lesson.pk, s0.pk, None, [5, 4])]
    )
    # D9: 1А keeps attendance only.
    marks_save(
        actor=teacher.user,
        journal=small_school.journal_1a,
        at=at,
        changes=[CellChange(small_school.lesson_1a.pk, small_school.first_grader.pk, None, None, "absent")],
    )
    finals_set(
        actor=teacher.user,
        journal=small_school.journal,
        period=small_school.q1,
        finals=[FinalChange(s0.pk, 5), FinalChange(s1.pk, 3)],
        at=dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC),
    )
    inspection_record(
        actor=small_school.director.user,
        journal=small_school.journal,
        remarks="Темалар толук эмес; үй тапшырмалары жазылган эмес; кечиккен баалар көп. " * 3,
        at=dt.datetime(2026, 10, 5, 12, tzinfo=dt.UTC),
    )
    return small_school


def summaries(school) -> dict[str, dict]:
    compliance = compliance_summary(period=school.q1)
    for row in compliance["rows"]:
        if row["teacher_id"] == school.teacher.pk:
            row["reasons"] = list(BREACHES)  # the widest reasons cell there can be
    return {
        "progress": progress_summary(period=school.q1),
        "compliance": compliance,
        "activity": activity_summary(school=school.school, month="2026-10"),
    }


def text_starts(content: bytes) -> list[tuple[float, float, str]]:
    """(page width, x where a run of text starts, the text) for every run of text of every page."""
    starts = []
    for page in PdfReader(io.BytesIO(content)).pages:
        width = float(page.mediabox.width)

        def visit(text, cm, tm, _font, _size, width=width):
            if text.strip():
                starts.append((width, tm[4] * cm[0] + cm[4], text))

        page.extract_text(visitor_text=visit)
    return starts


def joined(text: str) -> str:
    """Text with line breaks, spaces and hyphenation removed, to find a wrapped cell's text whole; decimal points
    and commas too (the Russian PDF writes 4,5)."""
    return re.sub(r"[\s\u00ad\u2010.,]+", "", text)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", ["progress", "compliance", "activity"])
def test_every_table_of_every_report_fits_the_page(long_school, kind, language):
    summary = summaries(long_school)[kind]
    content = report_pdf(kind=kind, summary=summary, title="Отчет", language=language)
    starts = text_starts(content)
    assert starts
    outside = [(round(x), text) for width, x, text in starts if not 0 <= x < width - MARGIN_PT]
    assert outside == []
    page_text = joined("".join(text for _width, _x, text in starts))
    with translation.override(language):
        views = report_views(kind, summary)
        for view in views:
            if not view.rows:
                continue
            for row in view.rows:
                last = view.values(row)[-1]
                assert joined(str(last)) in page_text, (view.name, last)
            assert joined(str(view.columns[-1][1])) in page_text, view.name


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compliance_pdf_shows_every_reason_in_full(long_school, language):
    content = report_pdf(kind="compliance", summary=summaries(long_school)["compliance"], title="T", language=language)
    page_text = joined("".join(text for _width, _x, text in text_starts(content)))
    with translation.override(language):
        reasons = [str(REASON_LABELS[reason]) for reason in BREACHES]
    assert all(joined(reason) in page_text for reason in reasons)
    assert joined(LONG_LAST_NAME) in page_text


@pytest.mark.parametrize(
    ("language", "starts"),
    [
        ("ky", ("Колдонуучулардын", "Үлгүрүү", "Эрежелерди")),
        ("ru", ("Отчёт об активности", "Отчёт об успеваемости", "Отчёт о соблюдении")),
    ],
)
def test_report_titles_start_with_a_capital_letter(small_school, language, starts):
    runs = [
        ReportRun(school=small_school.school, kind="activity", month="2026-10"),
        ReportRun(school=small_school.school, kind="progress", period=small_school.q1),
        ReportRun(school=small_school.school, kind="compliance", period=small_school.q1),
    ]
    with translation.override(language):
        titles = [report_title(run) for run in runs]
    assert [title.startswith(start) for title, start in zip(titles, starts, strict=True)] == [True] * 3
    content = report_pdf(kind="activity", summary={"rows": [], "roles": {}}, title=titles[0], language=language)
    assert PdfReader(io.BytesIO(content)).pages[0].extract_text().startswith(starts[0])


@pytest.mark.parametrize(
    ("language", "spelt_out"),
    [
        ("ky", ["ОБД: окуучулардын билим деңгээли", "н/а: аттестацияланган жок", "N: эсепке алынган окуучулар"]),
        ("ru", ["СОУ: степень обученности учащихся", "н/а: не аттестован", "N: учтённые ученики"]),
    ],
)
def test_the_progress_pdf_spells_out_its_abbreviations_in_a_legend(long_school, language, spelt_out):
    content = report_pdf(kind="progress", summary=summaries(long_school)["progress"], title="T", language=language)
    text = joined(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))
    assert all(joined(line) in text for line in spelt_out)
    # The legend comes before the first table that uses the abbreviations.
    with translation.override(language):
        first_table = report_views("progress", summaries(long_school)["progress"])[0].title
    assert text.index(joined(spelt_out[0])) < text.index(joined(first_table))


@pytest.mark.parametrize(("language", "note"), [("ky", "баа коюлбайт"), ("ru", "оценки не выставляются")])
def test_a_no_marks_grade_level_says_marks_are_not_given_instead_of_zeros(long_school, language, note):
    summary = summaries(long_school)["progress"]
    first = next(row for row in summary["grades"] if row["grade"] == 1)
    assert first["no_marks"] is True
    assert next(row for row in summary["grades"] if row["grade"] == 5)["no_marks"] is False
    workbook = load_workbook(io.BytesIO(report_xlsx(kind="progress", summary=summary, title="T", language=language)))
    for sheet_index, first_cells in ((0, ("1А",)), (1, ("1А",)), (2, (1,))):  # classes, subjects, grade levels
        sheet = workbook.worksheets[sheet_index]
        row = next(
            row for row in sheet.iter_rows(min_row=2, values_only=True) if row[: len(first_cells)] == first_cells
        )
        figures = [value for value in row[len(first_cells) :] if value not in (None, "")]
        if sheet_index == 1:  # subjects: class, subject, teacher, then the figures
            figures = [value for value in row[3:] if value not in (None, "")]
        assert figures == [note], (sheet.title, row)
    text = " ".join(
        page.extract_text()
        for page in PdfReader(
            io.BytesIO(report_pdf(kind="progress", summary=summary, title="T", language=language))
        ).pages
    )
    assert note in text
    # 5А keeps its figures.
    classes = workbook.worksheets[0]
    row_5a = next(row for row in classes.iter_rows(min_row=2, values_only=True) if row[0] == "5А")
    assert note not in row_5a


@pytest.mark.parametrize(
    ("language", "heading", "teacher", "teachers"),
    [("ky", "аты-жөнү", "мугалим", "мугалимдер"), ("ru", "ФИО", "учитель", "учителя")],
)
def test_the_activity_report_names_one_persons_role_in_the_singular(long_school, language, heading, teacher, teachers):
    summary = summaries(long_school)["activity"]
    workbook = load_workbook(io.BytesIO(report_xlsx(kind="activity", summary=summary, title="T", language=language)))
    roles, users = workbook.worksheets[0], workbook.worksheets[1]
    header = [cell.value for cell in users[1]]
    assert header[0] == heading
    assert "аталышы" not in header and "название" not in header
    rows = {row[1]: row for row in users.iter_rows(min_row=2, values_only=True)}
    assert rows[long_school.teacher.user.username][2] == teacher
    assert rows["director"][2] != teachers
    assert teachers in [row[0] for row in roles.iter_rows(min_row=2, values_only=True)]  # a group: plural
