import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from diary.models.base import NoHardDeleteQuerySet, SchoolOwned


def default_no_marks_grades() -> list[int]:
    """D9: every school starts with grade 1 mark-free, however it was created."""
    return [1]


class School(models.Model):
    """The tenant: one school, with its Wagtail Site and its grading policy (D9, D7 suggestion threshold)."""

    code = models.SlugField(_("code"), max_length=40, unique=True, allow_unicode=True)
    name = models.CharField(_("name"), max_length=255)
    site = models.OneToOneField(
        "wagtailcore.Site", on_delete=models.SET_NULL, null=True, blank=True, related_name="school",
        verbose_name=_("website"),
    )  # fmt: skip
    # D9: the grading scale and the grade levels that get no marks are per-school settings.
    scale_min = models.PositiveSmallIntegerField(_("lowest grade"), default=2)
    scale_max = models.PositiveSmallIntegerField(_("highest grade"), default=5)
    no_marks_grades = models.JSONField(_("grade levels without marks"), default=default_no_marks_grades, blank=True)
    # The suggested final grade rounds up from this fraction (DOMAIN.md: 4.5 → 5, 4.49 → 4).
    final_rounding_threshold = models.DecimalField(
        _("rounding threshold for suggested finals"), max_digits=3, decimal_places=2, default=Decimal("0.50")
    )
    final_window_days = models.PositiveSmallIntegerField(_("days after a period to set finals"), default=2)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Raised with every change to the school's structure (diary/services/freshness.py): part of the key of every
    # cached journal grid and student week of the school.
    data_version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    objects = NoHardDeleteQuerySet.as_manager()

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.scale_min >= self.scale_max:
            raise ValidationError(_("The lowest grade must be below the highest grade."))

    @property
    def scale(self) -> range:
        return range(self.scale_min, self.scale_max + 1)

    def grade_has_marks(self, grade_level: int) -> bool:
        """D9: grade levels in `no_marks_grades` keep attendance only."""
        return grade_level not in set(self.no_marks_grades or [])


class AcademicYear(SchoolOwned):
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))

    class Meta:
        verbose_name = _("academic year")
        verbose_name_plural = _("academic years")
        ordering = ["-start"]
        constraints = [
            models.UniqueConstraint(fields=["school", "start"], name="academic_year_unique_start"),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="academic_year_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start.year}–{self.end.year}"


class Period(SchoolOwned):
    """A marking period of an academic year: a quarter, a half-year or the whole year (D7)."""

    class Kind(models.TextChoices):
        QUARTER = "quarter", _("quarter")
        HALF = "half", _("half-year")
        YEAR = "year", _("year")

    year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="periods")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("number"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["start", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["year", "kind", "number"], name="period_unique_kind_number"),
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="period_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    @property
    def key(self) -> str:
        """The API's name for the period, e.g. `quarter-2`, `half-1`, `year`."""
        return "year" if self.kind == self.Kind.YEAR else f"{self.kind}-{self.number}"

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def calendar_key(self) -> tuple:
        """How periods are listed: the quarters in calendar order, then the half-years, then the year (the
        database's order by start date mixes them, as they start on the same days)."""
        return (PERIOD_KIND_ORDER.get(self.kind, len(PERIOD_KIND_ORDER)), self.start, self.number)


PERIOD_KIND_ORDER = {Period.Kind.QUARTER: 0, Period.Kind.HALF: 1, Period.Kind.YEAR: 2}


class Holiday(SchoolOwned):
    year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="holidays")
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    name = models.CharField(_("name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["start"]

    def __str__(self) -> str:
        return self.name or f"{self.start}–{self.end}"


class Subject(SchoolOwned):
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["school", "code"], name="subject_unique_code")]

    def __str__(self) -> str:
        return self.name
