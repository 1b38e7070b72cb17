"""Report runs (D14): one run per report and state of its data (diary/services/report_state.py), and the official
runs the sweep builds once a period's final-grade window or a month has closed."""

import datetime as dt
import re

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from diary.calendar import month_label
from diary.exceptions import DiaryConflict, DiaryNotFound, DiaryPermissionDenied, DiaryValidationError
from diary.models import AcademicYear, Period, ReportRun, School
from diary.permissions import ReportScope, is_administration, report_scope, staff_member_of
from diary.services.background import BUILD_REPORT_TASK, task_enqueue
from diary.services.report_activity import activity_summary
from diary.services.report_compliance import compliance_summary
from diary.services.report_files import report_pdf, report_xlsx
from diary.services.report_progress import COUNTS, progress_summary, rates, rollup_rows
from diary.services.report_state import final_window_closes, official_generation, report_closes, report_data_state

MONTH_PATTERN = re.compile(r"^(20\d\d)-(0[1-9]|1[0-2])$")


def report_key(*, school: School, kind: str, period: Period | None, month: str) -> str:
    """The report a run is of: school, kind and period (with its school year, D3) or month."""
    return f"{school.pk}:{kind}:{report_period_label(period=period, month=month)}"


def report_period_label(*, period: Period | None, month: str) -> str:
    return f"{period.year.start.year}-{period.key}" if period is not None else month


@transaction.atomic
def report_request(*, actor, school: School, kind: str, period: Period | None = None, month: str = "") -> ReportRun:
    """D14: the run of this report for the data as they are now: the run already asked for (or the official run)
    when nothing it counts changed since, otherwise a new run, built in the background."""
    staff = staff_member_of(actor, school)
    if staff is None:
        raise DiaryPermissionDenied(_("Only the school's staff may ask for reports."))
    if kind not in ReportRun.Kind.values:
        raise DiaryValidationError(
            _("Unknown report."), fields={"kind": [_("Choose activity, progress or compliance.")]}
        )
    if kind == ReportRun.Kind.ACTIVITY:
        if not is_administration(actor, school):
            raise DiaryPermissionDenied(_("Only the administration may ask for the activity report."))
        if not MONTH_PATTERN.match(month or ""):
            raise DiaryValidationError(_("Unknown report."), fields={"month": [_("Give a month as YYYY-MM.")]})
        period = None
    else:
        if period is None:
            raise DiaryValidationError(_("Unknown report."), fields={"period": [_("Choose a period.")]})
        month = ""
    state = report_data_state(school=school, kind=kind, period=period, month=month)
    run = (
        ReportRun.objects.filter(school=school, kind=kind, period=period, month=month, data_state=state)
        .order_by("-official", "-pk")
        .first()
    )
    if run is not None:
        if run.status == ReportRun.Status.FAILED:
            _build_enqueue(run)  # asked again: another attempt
        return run
    key = f"{report_key(school=school, kind=kind, period=period, month=month)}:{state}"
    try:
        with transaction.atomic():
            run = ReportRun.objects.create(
                school=school, kind=kind, period=period, month=month, key=key, requested_by=actor, data_state=state
            )
    except IntegrityError:
        return ReportRun.objects.get(key=key)
    _build_enqueue(run)
    return run


def _build_enqueue(run: ReportRun) -> None:
    transaction.on_commit(lambda: task_enqueue(BUILD_REPORT_TASK, run.pk))


def _period_builder(summary):
    return lambda run: summary(period=run.period)


BUILDERS = {
    ReportRun.Kind.PROGRESS: _period_builder(progress_summary),
    ReportRun.Kind.COMPLIANCE: _period_builder(compliance_summary),
    ReportRun.Kind.ACTIVITY: lambda run: activity_summary(school=run.school, month=run.month),
}


MAX_ATTEMPTS = 5


class ReportRunBusy(Exception):
    """Another worker holds this run and has not been gone long enough to take it over; try again later."""


def abandoned_after() -> dt.timedelta:
    """A run left "running" this long belonged to a worker that died (by default the task's hard time limit)."""
    return dt.timedelta(seconds=getattr(settings, "REPORT_ABANDONED_SECONDS", settings.CELERY_TASK_TIME_LIMIT))


def report_run_claim(*, run_id: int) -> ReportRun | None:
    """Claims a run for building with one conditional update, so that two workers never build the same run.

    None when the run is done (or unknown); ReportRunBusy when a live worker may still be building it.
    """
    now = timezone.now()
    claimable = Q(status__in=[ReportRun.Status.PENDING, ReportRun.Status.FAILED]) | Q(
        status=ReportRun.Status.RUNNING, updated_at__lt=now - abandoned_after()
    )
    claimed = ReportRun.objects.filter(claimable, pk=run_id).update(
        status=ReportRun.Status.RUNNING, updated_at=now, started_at=now, attempts=F("attempts") + 1, error=""
    )
    if claimed:
        return ReportRun.objects.select_related("period", "school").get(pk=run_id)
    if ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.RUNNING).exists():
        raise ReportRunBusy(run_id)
    return None


def report_title(run: ReportRun) -> str:
    """The report's heading in the active language: its kind, its period or month, the school."""
    with_period = str(run.period) if run.period_id else month_label(run.month)
    return f"{capfirst(run.get_kind_display())} · {with_period} · {run.school.name}"


def report_notice(run: ReportRun) -> str:
    """D14: what a run's files and screens say about it in the active language: a preview's figures may change."""
    if run.preview:
        return _("Preview: built before the final grades were closed; the figures may still change.")
    return ""


def report_file_name(run: ReportRun) -> str:
    """A file's name without its extension: kind, period or month, and whether it is a preview (D14)."""
    name = f"{run.kind}-{report_period_label(period=run.period, month=run.month)}"
    return f"{name}-preview" if run.preview else name


def report_files_render(*, run: ReportRun, summary: dict, language: str) -> tuple[bytes, bytes]:
    """The XLSX and the PDF of a summary, as bytes, in `language`."""
    with translation.override(language):
        title, notice = report_title(run), report_notice(run)
    xlsx = report_xlsx(kind=run.kind, summary=summary, title=title, language=language, notice=notice)
    pdf = report_pdf(kind=run.kind, summary=summary, title=title, language=language, subtitle=notice)
    return xlsx, pdf


def report_build(*, run_id: int) -> ReportRun | None:
    """D14: builds one run's summary and files exactly once; None when it is done already.

    The summary and both files are rendered in memory first; the files are stored and the run marked done in one
    step, and only if this attempt still holds the claim. A worker killed midway leaves the run "running" with no
    file attached; after `abandoned_after()` another worker takes it over.
    """
    run = report_run_claim(run_id=run_id)
    if run is None:
        return None
    attempt = run.attempts
    try:
        # D14: the state is read before the figures, so a change made while building makes the next ask a new run.
        run.data_state = report_data_state(school=run.school, kind=run.kind, period=run.period, month=run.month)
        run.preview = timezone.localdate() <= report_closes(period=run.period, month=run.month)
        summary = BUILDERS[run.kind](run)
        xlsx, pdf = report_files_render(run=run, summary=summary, language=settings.LANGUAGE_CODE)
        return _report_finish(run=run, attempt=attempt, summary=summary, xlsx=xlsx, pdf=pdf)
    except Exception as error:
        ReportRun.objects.filter(pk=run.pk, attempts=attempt, status=ReportRun.Status.RUNNING).update(
            status=ReportRun.Status.FAILED, finished_at=timezone.now(), error=f"{type(error).__name__}: {error}"[:2000]
        )
        raise


@transaction.atomic
def _report_finish(*, run: ReportRun, attempt: int, summary: dict, xlsx: bytes, pdf: bytes) -> ReportRun | None:
    locked = (
        ReportRun.objects.select_for_update()
        .filter(pk=run.pk, attempts=attempt, status=ReportRun.Status.RUNNING)
        .first()
    )
    if locked is None:  # a later attempt took the run over; its result wins
        return None
    name = f"{run.school_id}-{run.pk}-{report_file_name(run)}"
    locked.xlsx.save(f"{name}.xlsx", ContentFile(xlsx), save=False)
    locked.pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
    locked.summary = summary
    locked.status = ReportRun.Status.DONE
    locked.finished_at = timezone.now()
    locked.error = ""
    locked.data_state, locked.preview = run.data_state, run.preview
    locked.save(
        update_fields=[
            "summary", "status", "finished_at", "error", "xlsx", "pdf", "data_state", "preview", "updated_at",
        ]
    )  # fmt: skip
    return locked


def _official_run(school: School, kind: str, period: Period | None = None, month: str = "") -> ReportRun:
    """D14: the sweep's official run of a report; for a period, one per set of reopenings of its window (D7)."""
    generation = official_generation(period) if period is not None else 0
    key = f"{report_key(school=school, kind=kind, period=period, month=month)}:official:{generation}"
    run = ReportRun.objects.filter(key=key).first()
    if run is None:
        state = report_data_state(school=school, kind=kind, period=period, month=month)
        run, _created = ReportRun.objects.get_or_create(
            key=key,
            defaults={
                "school": school, "kind": kind, "period": period, "month": month, "official": True,
                "data_state": state,
            },
        )  # fmt: skip
    return run


def due_report_runs(*, school: School, today: dt.date | None = None) -> list[ReportRun]:
    """D14, D7: a period's official progress report (and a quarter's compliance report) is due once the period ended
    and its final-grade window closed, reopened windows included, and due again after a later reopening has closed;
    a month's official activity report once the month ended (months of the academic years). Runs someone asked for
    that are still waiting (the broker was down) are queued again too."""
    today = today or timezone.localdate()
    closed_before = today - dt.timedelta(days=school.final_window_days)
    runs = []
    for period in (
        Period.objects.filter(school=school, end__lt=closed_before)
        .select_related("school", "year")
        .order_by("start", "kind")
    ):
        if final_window_closes(period) >= today:
            continue  # D7: a reopened window is still open
        runs.append(_official_run(school, ReportRun.Kind.PROGRESS, period=period))
        if period.kind == Period.Kind.QUARTER:
            runs.append(_official_run(school, ReportRun.Kind.COMPLIANCE, period=period))
    this_month = today.replace(day=1)
    for year in AcademicYear.objects.filter(school=school, start__lt=this_month).order_by("start"):
        month = year.start.replace(day=1)
        while month < this_month and month <= year.end:
            runs.append(_official_run(school, ReportRun.Kind.ACTIVITY, month=month.strftime("%Y-%m")))
            month = (month + dt.timedelta(days=32)).replace(day=1)
    # A delivery of a run already queued builds nothing (the claim), so queueing a waiting run again is harmless.
    waiting = ReportRun.objects.filter(school=school, official=False, status=ReportRun.Status.PENDING)
    runs.extend(waiting)
    # A run that failed MAX_ATTEMPTS times waits for someone to look at its error (admin) instead of failing again.
    return [
        run
        for run in runs
        if run.status != ReportRun.Status.DONE
        and not (run.status == ReportRun.Status.FAILED and run.attempts >= MAX_ATTEMPTS)
    ]


def report_summary_scoped(*, run: ReportRun, scope: ReportScope) -> dict | None:
    """D15: the summary cut down to what one viewer may see (see `report_scope`); whole for the administration."""
    summary = run.summary
    if summary is None or scope.whole:
        return summary
    if run.kind == ReportRun.Kind.COMPLIANCE:
        return {
            **summary,
            "rows": [row for row in summary["rows"] if row.get("teacher_id") == scope.staff_id],
            "inspectors": [row for row in summary.get("inspectors", []) if row["inspector_id"] == scope.staff_id],
        }
    rows = [
        row
        for row in summary.get("rows", [])
        if row.get("journal_id") in scope.journal_ids or row["class"] in scope.class_codes
    ]
    subjects = {(row["class"], row["subject"]) for row in rows}
    counts = {key: sum(row[key] for row in rows) for key in COUNTS}
    grades: dict[str, int] = {}
    for row in rows:
        for grade, count in (row.get("grades") or {}).items():
            grades[grade] = grades.get(grade, 0) + count
    attendance = summary.get("attendance") or {"classes": []}
    classes_attendance = [row for row in attendance["classes"] if row["class"] in scope.class_codes]
    return {
        "rows": rows,
        "classes": [row for row in summary.get("classes", []) if row["class"] in scope.class_codes],
        "scale": summary.get("scale"),
        "teachers": rollup_rows(rows, "teacher_id", "teacher"),
        "subjects": rollup_rows(rows, "subject_id", "subject"),
        "school": {**counts, **rates(counts), "average": None, "grades": grades},
        "attendance": {
            "classes": classes_attendance,
            "months": [],
            **{key: sum(row[key] for row in classes_attendance) for key in ("missed", "excused", "unexcused")},
        },
        "students": [
            row
            for row in summary.get("students", [])
            if row["class"] in scope.class_codes or (row["class"], row["subject"]) in subjects
        ],
    }


FILE_FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def report_file(*, run: ReportRun, scope: ReportScope, file_format: str, language: str) -> tuple[bytes, str]:
    """A report file for one viewer: the stored file for the administration in the school's language; otherwise
    rendered now from the summary the viewer may see (D15), the PDF in the viewer's language."""
    if file_format not in FILE_FORMATS:
        raise DiaryNotFound(_("Unknown file format."), code="unknown_format")
    if run.status != ReportRun.Status.DONE:
        raise DiaryConflict(_("The report is not built yet."), code="report_not_ready")
    name = f"{report_file_name(run)}.{file_format}"
    stored = getattr(run, file_format)
    if scope.whole and stored and language == settings.LANGUAGE_CODE:
        with stored.open("rb") as handle:
            return handle.read(), name
    summary = report_summary_scoped(run=run, scope=scope)
    with translation.override(language):
        title, notice = report_title(run), report_notice(run)
    if file_format == "xlsx":
        return report_xlsx(kind=run.kind, summary=summary, title=title, language=language, notice=notice), name
    return report_pdf(kind=run.kind, summary=summary, title=title, language=language, subtitle=notice), name


def report_run_visible(*, user, run_id: int) -> tuple[ReportRun, ReportScope]:
    """D15: a run of the viewer's school and the part of it they may see; 404 for runs of other schools,
    403 for a report their role does not get (the activity report for teachers)."""
    staff = staff_member_of(user)
    run = (
        ReportRun.objects.filter(school=staff.school, pk=run_id).select_related("period", "school").first()
        if staff is not None
        else None
    )
    if run is None:
        raise DiaryNotFound(_("Not found."))
    scope = report_scope(user, run)
    if scope is None:
        raise DiaryPermissionDenied(_("You may not read this report."))
    return run, scope


def report_language(requested: str | None) -> str:
    """The language of a report file: the one asked for (`?lang=`), else the active one, else the default (L1)."""
    languages = {code for code, _name in settings.LANGUAGES}
    if requested in languages:
        return requested
    active = translation.get_language()
    return active if active in languages else settings.LANGUAGE_CODE
