from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from diary.models.base import SchoolOwned
from diary.models.people import SchoolClass, StaffMember, Student, Subgroup


class Journal(SchoolOwned):
    """A teaching assignment: one teacher teaches one subject to a class or a subgroup (D2, D10)."""

    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="journals")
    subject = models.ForeignKey("diary.Subject", on_delete=models.PROTECT, related_name="journals")
    subgroup = models.ForeignKey(Subgroup, on_delete=models.PROTECT, null=True, blank=True, related_name="journals")
    teacher = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="journals")
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    # Raised in the same transaction as every change to the journal's grid (diary/services/freshness.py).
    data_version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    class Meta:
        verbose_name = _("journal")
        verbose_name_plural = _("journals")
        ordering = ["school_class__grade", "school_class__code", "subject__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "subject"], condition=models.Q(subgroup__isnull=True),
                name="journal_unique_class_subject",
            ),
            models.UniqueConstraint(
                fields=["school_class", "subject", "subgroup"], condition=models.Q(subgroup__isnull=False),
                name="journal_unique_subgroup_subject",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        suffix = f" ({self.subgroup.name})" if self.subgroup_id else ""
        return f"{self.school_class} · {self.subject}{suffix}"


class Lesson(SchoolOwned):
    """One lesson of a journal: its date and number, its topic and homework (D8), who conducted it (D6)."""

    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="lessons")
    date = models.DateField(_("date"))
    lesson_no = models.PositiveSmallIntegerField(_("lesson number"))
    topic = models.CharField(_("lesson topic"), max_length=500, blank=True)
    homework = models.TextField(_("homework"), blank=True)
    conducted_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("conducted by")
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["date", "lesson_no"]
        constraints = [models.UniqueConstraint(fields=["journal", "date", "lesson_no"], name="lesson_unique_slot")]
        indexes = [models.Index(fields=["school", "date"])]

    def __str__(self) -> str:
        return f"{self.journal} · {self.date} #{self.lesson_no}"


class Attendance(models.TextChoices):
    PRESENT = "present", _("present")
    ABSENT = "absent", _("absent")
    LATE = "late", _("late")
    EXCUSED = "excused", _("excused")
    SICK = "sick", _("sick")


class Mark(SchoolOwned):
    """One cell of the journal: a student at a lesson — up to two grades, attendance and a comment (D2).

    `version` grows with every change, so that a save made from a stale grid is refused, not silently applied.
    """

    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="marks")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="marks")
    grade_1 = models.PositiveSmallIntegerField(pgettext_lazy("mark", "grade"), null=True, blank=True)
    grade_2 = models.PositiveSmallIntegerField(_("second grade"), null=True, blank=True)
    attendance = models.CharField(
        _("attendance"), max_length=10, choices=Attendance.choices, default=Attendance.PRESENT
    )
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    is_late = models.BooleanField(_("entered late"), default=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("mark")
        verbose_name_plural = _("marks")
        constraints = [models.UniqueConstraint(fields=["lesson", "student"], name="mark_unique_cell")]
        indexes = [models.Index(fields=["student", "lesson"])]

    @property
    def grades(self) -> list[int]:
        return [grade for grade in (self.grade_1, self.grade_2) if grade is not None]


class FinalGrade(SchoolOwned):
    """A student's final grade in a subject for a period (D7): a scale value, not assessed, or exempt."""

    NOT_ASSESSED = "na"
    EXEMPT = "exempt"

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="final_grades")
    subject = models.ForeignKey("diary.Subject", on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey("diary.Period", on_delete=models.PROTECT, related_name="final_grades")
    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="final_grades")
    value = models.CharField(_("final grade"), max_length=10)
    # The numeric grade when `value` is on the scale, for aggregation in reports.
    grade = models.PositiveSmallIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    is_late = models.BooleanField(_("set late"), default=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("final grade")
        verbose_name_plural = _("final grades")
        constraints = [
            models.UniqueConstraint(fields=["student", "subject", "period"], name="final_grade_unique"),
        ]


class Substitution(SchoolOwned):
    """D6: a teacher fills another teacher's journal for a range of dates, assigned by the administration."""

    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="substitutions")
    teacher = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="substitutions")
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("substitution")
        verbose_name_plural = _("substitutions")
        ordering = ["-date_from"]
        constraints = [
            models.CheckConstraint(condition=models.Q(date_to__gte=models.F("date_from")), name="substitution_dates"),
        ]


class FinalWindowReopening(SchoolOwned):
    """D7: the administration reopens a closed final-grade window for one journal and period, until a date."""

    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="final_reopenings")
    period = models.ForeignKey("diary.Period", on_delete=models.PROTECT, related_name="+")
    until = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("reopened final-grade window")
        verbose_name_plural = _("reopened final-grade windows")
