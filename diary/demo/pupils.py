"""The demo school's classes (grades 1–11, parallels, language of instruction), their students and guardians."""

import math
import random
from datetime import date, timedelta

from diary.demo.names import (
    KY_BOYS,
    KY_GIRLS,
    KY_MEN,
    KY_SURNAMES,
    KY_WOMEN,
    RU_BOYS,
    RU_GIRLS,
    RU_MEN,
    RU_SURNAMES,
    RU_WOMEN,
    Names,
    Person,
    feminine,
    patronymic,
    translit,
)
from diary.demo.school_data import (
    CLASS_LETTERS,
    CLASS_SIZE,
    CURRICULUM,
    LANGUAGE_SUBJECTS,
    YEAR_START,
    Guardian,
    SchoolClass,
    Student,
)


def plan_classes(students: int, classes: int | None) -> list[SchoolClass]:
    """Classes of grades 1–11, parallels (А, Б, В…) added from grade 1 up; about a third teach in Russian."""
    total = classes if classes is not None else max(11, math.ceil(students / CLASS_SIZE))
    if total < 11:
        raise ValueError("a school with grades 1–11 needs at least 11 classes")
    if students < total:
        raise ValueError(f"{students} students cannot fill {total} classes")
    parallels = [total // 11 + (1 if grade <= total % 11 else 0) for grade in range(1, 12)]
    plan = []
    for grade, count in enumerate(parallels, start=1):
        for n in range(count):
            language = "ru" if (grade + n) % 3 == 0 else "ky"
            plan.append(SchoolClass(grade, CLASS_LETTERS[n], language, 0))
    base, extra = divmod(students, total)
    for n, school_class in enumerate(plan):
        school_class.size = base + (1 if n < extra else 0)
        school_class.subjects = {
            LANGUAGE_SUBJECTS[school_class.language].get(key, key): hours
            for key, hours in CURRICULUM[school_class.grade].items()
        }
    return plan


def _birth_date(rng: random.Random, grade: int, spill: bool) -> date:
    """Grade g is born in the year 2026 - 6 - g; single children now and then a few months either side."""
    year = YEAR_START.year - 6 - grade
    roll = rng.random() if spill else 0.5
    if roll < 0.1:
        start, days = date(year - 1, 9, 1), 122
    elif roll > 0.95:
        start, days = date(year + 1, 1, 1), 90
    else:
        start, days = date(year, 1, 1), 365
    return start + timedelta(days=rng.randrange(days))


def families(rng: random.Random, plan: list[SchoolClass], names: Names) -> list[Guardian]:
    """Fills the classes with students and returns the guardians; about one guardian in ten has two children."""
    free = [c.size for c in plan]
    pairs = []
    for _ in range(sum(free) // 11):
        first = rng.choice([n for n, count in enumerate(free) if count])
        grade, language = plan[first].grade, plan[first].language
        near = [n for n, c in enumerate(plan) if free[n] and 1 <= abs(c.grade - grade) <= 5 and n != first]
        same = [n for n in near if plan[n].language == language]
        if not near:
            continue
        second = rng.choice(same or near)
        free[first] -= 1
        free[second] -= 1
        pairs.append((first, second))
    families = [list(pair) for pair in pairs]
    for n, count in enumerate(free):
        families.extend([n] for _ in range(count))
    rng.shuffle(families)

    guardians = []
    for members in families:
        russian_share = 0.4 if plan[members[0]].language == "ru" else 0.03
        russian = rng.random() < russian_share
        surname = rng.choice(RU_SURNAMES if russian else KY_SURNAMES)
        father = rng.choice(list(RU_MEN) if russian else KY_MEN)
        children = []
        used_names: set[str] = set()
        births: list[date] = []
        for class_index in members:
            school_class = plan[class_index]
            female = rng.random() < 0.5
            pool = (RU_GIRLS if female else RU_BOYS) if russian else (KY_GIRLS if female else KY_BOYS)
            first = rng.choice([name for name in pool if name not in used_names])
            used_names.add(first)
            while True:
                born = _birth_date(rng, school_class.grade, spill=len(members) == 1)
                if all(abs((born - other).days) >= 300 for other in births):
                    break
            births.append(born)
            child = Student(Person(feminine(surname) if female else surname, first, patronymic(father, female)), born)
            school_class.students.append(child)
            children.append(child)
        mother = rng.random() < 0.7
        if mother:
            first = rng.choice(RU_WOMEN if russian else KY_WOMEN)
            grandfather = rng.choice(list(RU_MEN) if russian else KY_MEN)
            person = Person(feminine(surname), first, patronymic(grandfather, True))
        else:
            grandfather = rng.choice(list(RU_MEN) if russian else KY_MEN)
            person = Person(surname, father, patronymic(grandfather, False))
        email = ""
        if rng.random() < 0.4:
            born = rng.randint(75, 95)
            domain = rng.choice(("gmail.com", "mail.ru", "gmail.com", "inbox.ru"))
            email = f"{translit(person.first_name)}.{translit(person.last_name)}{born}@{domain}"
        guardians.append(Guardian(person, "энеси" if mother else "атасы", names.phone(), email, children))
    return guardians
