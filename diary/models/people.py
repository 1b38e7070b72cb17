from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from diary.models.base import SchoolOwned
from diary.validators import validate_person_name


class StaffRole(models.TextChoices):
    """D1: administration (director, deputy, diary administrator) and teachers; one person may hold several."""

    DIRECTOR = "director", _("director")
    DEPUTY = "deputy", _("deputy director")
    ADMIN = "admin", _("diary administrator")
    TEACHER = "teacher", _("teacher")


ADMINISTRATION_ROLES = frozenset({StaffRole.DIRECTOR, StaffRole.DEPUTY, StaffRole.ADMIN})


class Person(SchoolOwned):
    code = models.CharField(_("code"), max_length=40)
    # Names reach spreadsheets: the admin's forms and the importer refuse the same formula-like names.
    last_name = models.CharField(_("last name"), max_length=100, validators=[validate_person_name])
    first_name = models.CharField(_("first name"), max_length=100, validators=[validate_person_name])
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True, validators=[validate_person_name])
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("account"),
    )  # fmt: skip
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.patronymic) if part)

    @property
    def short_name(self) -> str:
        return f"{self.last_name} {self.first_name}"


class StaffMember(Person):
    """A member of staff: administration and teachers, with the public profile the website shows (W1 staff, W2)."""

    roles = models.JSONField(_("roles"), default=list)
    post = models.CharField(_("post"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    education = models.CharField(_("education"), max_length=300, blank=True)
    specialty = models.CharField(_("specialty"), max_length=200, blank=True)
    qualification = models.CharField(_("qualification"), max_length=200, blank=True)
    professional_development = models.TextField(_("professional development and retraining"), blank=True)
    experience_total = models.PositiveSmallIntegerField(_("total experience, years"), null=True, blank=True)
    experience_specialty = models.PositiveSmallIntegerField(
        _("experience in the specialty, years"), null=True, blank=True
    )
    publications = models.TextField(_("publications"), blank=True)
    # W4, W5: a staff member first appears on the public site once a site administrator confirmed the checklist.
    public_checked_at = models.DateTimeField(_("checked for the website at"), null=True, blank=True)
    public_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("checked for the website by"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["last_name", "first_name"]
        constraints = [models.UniqueConstraint(fields=["school", "code"], name="staff_unique_code")]

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def is_administration(self) -> bool:
        return bool(ADMINISTRATION_ROLES.intersection(self.roles))


class SchoolClass(SchoolOwned):
    """A class (a group of pupils, e.g. 5А) with its homeroom teacher and language of instruction."""

    class Language(models.TextChoices):
        KY = "ky", _("Kyrgyz")
        RU = "ru", _("Russian")

    year = models.ForeignKey("diary.AcademicYear", on_delete=models.PROTECT, related_name="classes")
    code = models.CharField(_("code"), max_length=10)
    grade = models.PositiveSmallIntegerField(_("grade level"))
    homeroom_teacher = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="homeroom_classes", verbose_name=_("homeroom teacher")
    )
    language = models.CharField(_("language of instruction"), max_length=2, choices=Language.choices, default="ky")

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["grade", "code"]
        constraints = [
            models.UniqueConstraint(fields=["year", "code"], name="class_unique_code"),
            models.CheckConstraint(condition=models.Q(grade__gte=1, grade__lte=12), name="class_grade_1_to_12"),
        ]

    def __str__(self) -> str:
        return self.code


class Student(Person):
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    # Personal-data law: after the retention period a student who left keeps only a pseudonym.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    # Raised in the same transaction as every change to what the student's week shows (diary/services/freshness.py).
    data_version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        ordering = ["last_name", "first_name"]
        constraints = [models.UniqueConstraint(fields=["school", "code"], name="student_unique_code")]


class Enrolment(SchoolOwned):
    """A student's membership of a class over dates; a move mid-year closes one and opens another (history kept)."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="enrolments")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="enrolments")
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["date_from"]
        indexes = [models.Index(fields=["school_class", "date_from"])]

    def __str__(self) -> str:
        return f"{self.student} → {self.school_class}"


class Guardian(Person):
    """A parent or legal guardian of one or more students (D2: parent contacts).

    One account may stand for several guardian rows: a parent whose children's classes each listed them.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    students = models.ManyToManyField(Student, through="GuardianLink", related_name="guardians")
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        ordering = ["last_name", "first_name"]
        constraints = [models.UniqueConstraint(fields=["school", "code"], name="guardian_unique_code")]


class GuardianLink(SchoolOwned):
    guardian = models.ForeignKey(Guardian, on_delete=models.PROTECT, related_name="links")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="guardian_links")
    relation = models.CharField(_("relation"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("guardian of a student")
        verbose_name_plural = _("guardians of students")
        constraints = [models.UniqueConstraint(fields=["guardian", "student"], name="guardian_link_unique")]


class Subgroup(SchoolOwned):
    """D10: part of a class for one subject (and, when split at a period's start, for that period)."""

    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="subgroups")
    subject = models.ForeignKey("diary.Subject", on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey("diary.Period", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField(_("name"), max_length=60)
    students = models.ManyToManyField(Student, through="SubgroupMembership", related_name="subgroups")

    class Meta:
        verbose_name = _("subgroup")
        verbose_name_plural = _("subgroups")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school_class", "subject", "period", "name"], name="subgroup_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.school_class} {self.subject} ({self.name})"


class SubgroupMembership(SchoolOwned):
    subgroup = models.ForeignKey(Subgroup, on_delete=models.PROTECT, related_name="memberships")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="subgroup_memberships")

    class Meta:
        verbose_name = _("subgroup member")
        verbose_name_plural = _("subgroup members")
        constraints = [models.UniqueConstraint(fields=["subgroup", "student"], name="subgroup_membership_unique")]


class DataCheck(SchoolOwned):
    """D11: the homeroom teacher checked (and corrected where needed) the class's student and guardian data."""

    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="data_checks")
    checked_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    checked_on = models.DateField(_("checked on"))
    corrections = models.TextField(_("corrections"), blank=True)

    class Meta:
        verbose_name = _("data check")
        verbose_name_plural = _("data checks")
        ordering = ["-checked_on", "-pk"]
        indexes = [models.Index(fields=["school_class", "checked_on"])]

    def __str__(self) -> str:
        return f"{self.school_class} · {self.checked_on}"
