"""The demo school's staff: the administration and teachers hired for the curriculum's hours, homeroom teachers,
and their personnel records (codes, posts, e-mail, education, qualification, experience)."""

import math
import random

from diary.demo.names import Names, translit
from diary.demo.school_data import (
    DEPUTY_LOAD,
    EMAIL_DOMAIN,
    LANGUAGE_SUBJECTS,
    PRIMARY_GRADES,
    PRIMARY_TEACHER_SUBJECTS,
    SPECIALTIES,
    SUBJECT_ORDER,
    SUBJECT_SPECIALTIES,
    TARGET_LOAD,
    UNIVERSITIES,
    YEAR_START,
    SchoolClass,
    Teacher,
)


def _hire(
    rng: random.Random, names: Names, staff: list[Teacher], specialty: str, *, russian: float | None = None
) -> int:
    spec = SPECIALTIES[specialty]
    taken = {(t.person.last_name, t.person.first_name) for t in staff}
    while True:
        female = rng.random() < spec.female
        person = names.adult(female, rng.random() < (spec.russian if russian is None else russian))
        if (person.last_name, person.first_name) not in taken:
            break
    teacher = Teacher(person, specialty, post=(spec.post_ky, spec.post_ru))
    staff.append(teacher)
    return len(staff) - 1


def staff_plan(rng: random.Random, plan: list[SchoolClass], names: Names) -> list[Teacher]:
    """Hires the administration, a teacher per primary class and enough subject teachers, then assigns them."""
    staff: list[Teacher] = []
    director = _hire(rng, names, staff, "history", russian=0.0)
    staff[director].roles = ("director",)
    staff[director].post = ("Директор", "Директор")
    deputies = (
        ("math", "Директордун окуу иштери боюнча орун басары", "Заместитель директора по учебной работе"),
        ("kyrgyz", "Директордун тарбия иштери боюнча орун басары", "Заместитель директора по воспитательной работе"),
    )
    for specialty, post_ky, post_ru in deputies:
        deputy = _hire(rng, names, staff, specialty, russian=0.0)
        staff[deputy].roles = ("deputy", "teacher")
        staff[deputy].post = (post_ky, post_ru)
        staff[deputy].cap = DEPUTY_LOAD
    admin = _hire(rng, names, staff, "informatics")
    staff[admin].roles = ("admin",)
    staff[admin].post = ("Маалыматтык технологиялар боюнча адис", "Специалист по информационным технологиям")
    staff[admin].cap = 0

    primary_subjects: dict[str, set[str]] = {}
    for school_class in plan:
        if school_class.grade in PRIMARY_GRADES:
            teacher = _hire(rng, names, staff, "primary", russian=0.4 if school_class.language == "ru" else 0.02)
            school_class.homeroom = teacher
            staff[teacher].cap = sum(school_class.subjects.values())
            mapping = LANGUAGE_SUBJECTS[school_class.language]
            primary_subjects[school_class.code] = {mapping.get(key, key) for key in PRIMARY_TEACHER_SUBJECTS}

    needs = []
    hours_by_specialty: dict[str, int] = {}
    for school_class in plan:
        own = primary_subjects.get(school_class.code, set())
        for subject in sorted(school_class.subjects, key=SUBJECT_ORDER.__getitem__):
            hours = school_class.subjects[subject]
            groups = ("1", "2") if school_class.is_split(subject) else ("",)
            for group in groups:
                if subject in own:
                    school_class.teachers[(subject, group)] = school_class.homeroom
                    staff[school_class.homeroom].load += hours
                    continue
                needs.append((school_class, subject, group, hours))
                specialty = SUBJECT_SPECIALTIES[subject][0]
                hours_by_specialty[specialty] = hours_by_specialty.get(specialty, 0) + hours
    for specialty in SPECIALTIES:
        for _ in range(math.ceil(hours_by_specialty.get(specialty, 0) / TARGET_LOAD)):
            _hire(rng, names, staff, specialty)

    for school_class, subject, group, hours in needs:
        candidates = []
        for rank, specialty in enumerate(SUBJECT_SPECIALTIES[subject]):
            for n, teacher in enumerate(staff):
                if (
                    teacher.specialty != specialty
                    or "teacher" not in teacher.roles
                    or teacher.load + hours > teacher.cap
                ):
                    continue
                if group == "2" and school_class.teachers.get((subject, "1")) == n:
                    continue
                colleague = any(
                    t == n and s in SPECIALTIES[specialty].subjects for (s, _), t in school_class.teachers.items()
                )
                candidates.append((rank, not colleague, teacher.load, rng.random(), n))
        chosen = min(candidates)[-1] if candidates else _hire(rng, names, staff, SUBJECT_SPECIALTIES[subject][0])
        school_class.teachers[(subject, group)] = chosen
        staff[chosen].load += hours

    homerooms = {c.homeroom for c in plan if c.homeroom >= 0}
    for school_class in plan:
        if school_class.homeroom >= 0:
            continue
        hours_here: dict[int, int] = {}
        for (subject, _), teacher in school_class.teachers.items():
            hours_here[teacher] = hours_here.get(teacher, 0) + school_class.subjects[subject]
        options = sorted(
            (-hours, rng.random(), teacher)
            for teacher, hours in hours_here.items()
            if teacher not in homerooms and staff[teacher].roles == ("teacher",)
        )
        if not options:
            options = [
                (0, rng.random(), n)
                for n, t in enumerate(staff)
                if n not in homerooms and t.roles == ("teacher",) and t.specialty != "primary"
            ]
            options.sort()
        if not options:
            raise RuntimeError(f"no free teacher to lead class {school_class.code}")
        school_class.homeroom = options[0][-1]
        homerooms.add(school_class.homeroom)
    return staff


def staff_rows(rng: random.Random, staff: list[Teacher], names: Names) -> list[dict]:
    """Gives the staff their codes (administration first) and the rest of their personnel record."""
    rank = {"director": 0, "deputy": 1, "admin": 2}
    specialty_order = {key: n for n, key in enumerate(SPECIALTIES)}
    order = sorted(
        range(len(staff)),
        key=lambda n: (
            rank.get(staff[n].roles[0], 3),
            n if staff[n].roles[0] != "teacher" else 0,
            specialty_order[staff[n].specialty],
            staff[n].person.sort_key(),
        ),
    )
    width = max(3, len(str(len(staff))))
    emails: set[str] = set()
    rows = []
    for position, n in enumerate(order, start=1):
        teacher = staff[n]
        teacher.code = f"ST{position:0{width}d}"
        person = teacher.person
        spec = SPECIALTIES[teacher.specialty]
        login = f"{translit(person.first_name[0])}.{translit(person.last_name)}"
        email, suffix = f"{login}@{EMAIL_DOMAIN}", 2
        while email in emails:
            email, suffix = f"{login}{suffix}@{EMAIL_DOMAIN}", suffix + 1
        emails.add(email)
        if teacher.roles[0] == "director":
            total = rng.randint(24, 36)
        elif teacher.roles[0] == "deputy":
            total = rng.randint(14, 30)
        else:
            total = max(1, min(40, round(rng.gauss(16, 9))))
        in_specialty = total if rng.random() < 0.7 else rng.randint(max(1, total - 8), total)
        graduated = YEAR_START.year - total - rng.randint(0, 2)
        schools = UNIVERSITIES["tech"] if teacher.roles == ("admin",) else UNIVERSITIES[spec.universities]
        education = f"Жогорку, {rng.choice(schools)}, {graduated}"
        if teacher.roles == ("admin",):
            qualification = ""
        elif total < 3:
            qualification = "Категориясы жок"
        elif total < 8:
            qualification = "Экинчи категория"
        elif total < 15:
            qualification = "Биринчи категория"
        elif total >= 25 and rng.random() < 0.4:
            qualification = "Жогорку категория, КР билим берүүсүнүн отличниги"
        else:
            qualification = "Жогорку категория"
        rows.append(
            {
                "code": teacher.code,
                "last_name": person.last_name,
                "first_name": person.first_name,
                "patronymic": person.patronymic,
                "roles": ";".join(teacher.roles),
                "post_ky": teacher.post[0],
                "post_ru": teacher.post[1],
                "email": email,
                "phone": names.phone(),
                "education": education,
                "specialty": spec.name,
                "qualification": qualification,
                "experience_total": total,
                "experience_specialty": in_specialty,
            }
        )
    return rows
