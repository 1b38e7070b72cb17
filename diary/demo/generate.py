"""Generator of the demo school workbook: a realistic Kyrgyz school as a folder of UTF-8 CSV files, one per sheet.

The workbook describes one academic year (2026-09-01 … 2027-05-31) of a general school with grades 1–11: its
periods and holidays, subjects, staff, classes, students, guardians, subgroups, teaching assignments and the weekly
timetable. The same arguments always give byte-identical files, so the demo workbook in ``workbook/`` can be
regenerated at will::

    python -m diary.demo.generate diary/demo/workbook
    python -m diary.demo.generate /tmp/big --students 1000
"""

import argparse
import csv
import math
import random
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

DEFAULT_NAME_KY = "№ 5 Ч. Айтматов атындагы орто мектеби"
DEFAULT_NAME_RU = "Средняя школа № 5 имени Ч. Айтматова"
EMAIL_DOMAIN = "mektep5.kg"

SHEETS: dict[str, tuple[str, ...]] = {
    "school": ("key", "value"),
    "periods": ("kind", "number", "start", "end"),
    "holidays": ("start", "end", "name"),
    "subjects": ("code", "name_ky", "name_ru"),
    "staff": (
        "code",
        "last_name",
        "first_name",
        "patronymic",
        "roles",
        "post_ky",
        "post_ru",
        "email",
        "phone",
        "education",
        "specialty",
        "qualification",
        "experience_total",
        "experience_specialty",
    ),
    "classes": ("code", "grade", "homeroom", "language"),
    "students": ("code", "last_name", "first_name", "patronymic", "birth_date", "class"),
    "guardians": ("code", "last_name", "first_name", "patronymic", "phone", "email", "students", "relation"),
    "subgroups": ("class", "subject", "name", "students"),
    "assignments": ("class", "subject", "teacher", "subgroup"),
    "timetable": ("class", "subject", "subgroup", "weekday", "lesson_no"),
}

YEAR_START = date(2026, 9, 1)
YEAR_END = date(2027, 5, 31)
PERIODS = (
    ("quarter", 1, date(2026, 9, 1), date(2026, 10, 31)),
    ("quarter", 2, date(2026, 11, 10), date(2026, 12, 28)),
    ("quarter", 3, date(2027, 1, 12), date(2027, 3, 20)),
    ("quarter", 4, date(2027, 3, 30), date(2027, 5, 31)),
    ("half", 1, date(2026, 9, 1), date(2026, 12, 28)),
    ("half", 2, date(2027, 1, 12), date(2027, 5, 31)),
    ("year", 1, YEAR_START, YEAR_END),
)
HOLIDAYS = (
    (date(2026, 11, 1), date(2026, 11, 9), "Күзгү каникул"),
    (date(2026, 12, 29), date(2027, 1, 11), "Кышкы каникул"),
    (date(2027, 2, 23), date(2027, 2, 23), "Ата Мекенди коргоочулар күнү"),
    (date(2027, 3, 8), date(2027, 3, 8), "Эл аралык аялдар күнү"),
    (date(2027, 3, 21), date(2027, 3, 29), "Жазгы каникул"),
    (date(2027, 5, 1), date(2027, 5, 1), "Эмгек майрамы"),
    (date(2027, 5, 5), date(2027, 5, 5), "Кыргыз Республикасынын Конституциясы күнү"),
    (date(2027, 5, 9), date(2027, 5, 9), "Жеңиш күнү"),
)

SUBJECTS: dict[str, tuple[str, str]] = {
    "kyrgyz_lang": ("Кыргыз тили", "Кыргызский язык"),
    "kyrgyz_lit": ("Кыргыз адабияты", "Кыргызская литература"),
    "russian_lang": ("Орус тили", "Русский язык"),
    "russian_lit": ("Орус адабияты", "Русская литература"),
    "reading": ("Адабий окуу", "Литературное чтение"),
    "english": ("Англис тили", "Английский язык"),
    "math": ("Математика", "Математика"),
    "algebra": ("Алгебра", "Алгебра"),
    "geometry": ("Геометрия", "Геометрия"),
    "informatics": ("Информатика", "Информатика"),
    "physics": ("Физика", "Физика"),
    "chemistry": ("Химия", "Химия"),
    "biology": ("Биология", "Биология"),
    "geography": ("География", "География"),
    "history": ("Кыргызстан тарыхы", "История Кыргызстана"),
    "nature": ("Мекен таануу", "Родиноведение"),
    "pe": ("Дене тарбия", "Физическая культура"),
    "music": ("Музыка", "Музыка"),
    "art": ("Сүрөт", "Изобразительное искусство"),
    "technology": ("Технология", "Технология"),
}
SUBJECT_ORDER = {code: n for n, code in enumerate(SUBJECTS)}

# Weekly hours per grade. L1/LIT1 are the language of instruction and its literature, L2/LIT2 the other state or
# official language: Kyrgyz and Russian swap places in Russian-language classes.
CURRICULUM: dict[int, dict[str, int]] = {
    1: dict(L1=5, reading=3, L2=2, math=4, nature=1, pe=3, music=1, art=1),
    2: dict(L1=5, reading=3, L2=3, math=4, nature=1, pe=3, music=1, art=1),
    3: dict(L1=4, reading=3, L2=3, english=2, math=4, nature=2, pe=3, music=1, art=1),
    4: dict(L1=4, reading=3, L2=3, english=2, math=5, nature=2, pe=3, music=1, art=1),
    5: dict(
        L1=4, LIT1=2, L2=3, LIT2=1, english=3, math=5, history=2, informatics=1, pe=2, music=1, art=1, technology=2,
    ),
    6: dict(
        L1=3, LIT1=2, L2=3, LIT2=1, english=3, math=5, history=2, geography=2, biology=1, informatics=1, pe=2, music=1,
        art=1, technology=1,
    ),
    7: dict(
        L1=3, LIT1=2, L2=2, LIT2=1, english=3, algebra=3, geometry=2, physics=2, history=2, geography=2, biology=2,
        informatics=1, pe=2, music=1, technology=1,
    ),
    8: dict(
        L1=3, LIT1=2, L2=2, LIT2=1, english=3, algebra=3, geometry=2, physics=2, chemistry=2, history=2, geography=2,
        biology=2, informatics=1, pe=2, technology=1,
    ),
    9: dict(
        L1=2, LIT1=2, L2=2, LIT2=2, english=3, algebra=3, geometry=2, physics=3, chemistry=2, history=2, geography=2,
        biology=2, informatics=2, pe=2,
    ),
    10: dict(
        L1=2, LIT1=3, L2=2, LIT2=2, english=3, algebra=3, geometry=2, physics=3, chemistry=2, history=3, geography=1,
        biology=2, informatics=2, pe=2,
    ),
}  # fmt: skip
CURRICULUM[11] = dict(CURRICULUM[10])
LANGUAGE_SUBJECTS = {
    "ky": {"L1": "kyrgyz_lang", "LIT1": "kyrgyz_lit", "L2": "russian_lang", "LIT2": "russian_lit"},
    "ru": {"L1": "russian_lang", "LIT1": "russian_lit", "L2": "kyrgyz_lang", "LIT2": "kyrgyz_lit"},
}
SPLIT_SUBJECTS = ("english", "informatics")
SPLIT_FROM_GRADE = 5
SPLIT_FROM_SIZE = 20
PRIMARY_GRADES = range(1, 5)
# In grades 1–4 the class's own teacher teaches these; L1 stands for the language of instruction.
PRIMARY_TEACHER_SUBJECTS = ("L1", "reading", "math", "nature", "art")

CLASS_LETTERS = "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЭЮЯ"
CLASS_SIZE = 30
TARGET_LOAD = 20
MAX_LOAD = 24
DEPUTY_LOAD = 9
DAYS = 5
LESSONS = 7

UNIVERSITIES = {
    "ped": (
        "И. Арабаев атындагы КМУ",
        "Ж. Баласагын атындагы КУУ",
        "К. Тыныстанов атындагы ЫМУ",
        "Ош мамлекеттик университети",
        "К. Карасаев атындагы БМУ",
    ),
    "lang": (
        "Б. Ельцин атындагы КРСУ",
        "К. Карасаев атындагы БМУ",
        "Ж. Баласагын атындагы КУУ",
        "И. Арабаев атындагы КМУ",
    ),
    "tech": ("И. Раззаков атындагы КМТУ", "Ж. Баласагын атындагы КУУ", "Б. Ельцин атындагы КРСУ"),
    "sport": ("Кыргыз мамлекеттик дене тарбия жана спорт академиясы",),
    "arts": (
        "Б. Бейшеналиева атындагы Кыргыз мамлекеттик маданият жана искусство университети",
        "И. Арабаев атындагы КМУ",
    ),
}


@dataclass(frozen=True)
class Specialty:
    """What a teacher was trained for, the subjects it lets them teach, and who tends to hold it."""

    name: str
    subjects: tuple[str, ...]
    post_ky: str
    post_ru: str
    universities: str
    female: float = 0.8
    russian: float = 0.1


SPECIALTIES: dict[str, Specialty] = {
    "primary": Specialty(
        "Башталгыч билим берүү", (), "Башталгыч класстардын мугалими", "Учитель начальных классов", "ped", female=0.95
    ),
    "kyrgyz": Specialty(
        "Кыргыз тили жана адабияты",
        ("kyrgyz_lang", "kyrgyz_lit"),
        "Кыргыз тили жана адабияты мугалими",
        "Учитель кыргызского языка и литературы",
        "ped",
        female=0.9,
        russian=0.0,
    ),
    "russian": Specialty(
        "Орус тили жана адабияты",
        ("russian_lang", "russian_lit"),
        "Орус тили жана адабияты мугалими",
        "Учитель русского языка и литературы",
        "lang",
        female=0.9,
        russian=0.5,
    ),
    "english": Specialty(
        "Англис тили", ("english",), "Англис тили мугалими", "Учитель английского языка", "lang", female=0.85
    ),
    "math": Specialty(
        "Математика жана информатика",
        ("math", "algebra", "geometry", "informatics"),
        "Математика мугалими",
        "Учитель математики",
        "ped",
        female=0.7,
        russian=0.15,
    ),
    "informatics": Specialty(
        "Информатика", ("informatics",), "Информатика мугалими", "Учитель информатики", "tech", female=0.5
    ),
    "physics": Specialty("Физика", ("physics",), "Физика мугалими", "Учитель физики", "ped", female=0.5, russian=0.15),
    "chembio": Specialty(
        "Химия жана биология",
        ("chemistry", "biology"),
        "Химия жана биология мугалими",
        "Учитель химии и биологии",
        "ped",
    ),
    "geography": Specialty("География", ("geography",), "География мугалими", "Учитель географии", "ped"),
    "history": Specialty("Тарых", ("history",), "Тарых мугалими", "Учитель истории", "ped", female=0.6),
    "pe": Specialty("Дене тарбия", ("pe",), "Дене тарбия мугалими", "Учитель физической культуры", "sport", female=0.3),
    "music": Specialty("Музыка", ("music",), "Музыка мугалими", "Учитель музыки", "arts"),
    "art": Specialty(
        "Сүрөт жана технология",
        ("art", "technology"),
        "Сүрөт жана технология мугалими",
        "Учитель ИЗО и технологии",
        "arts",
    ),
}
# Teachers who can take a subject, the dedicated specialty first (informatics before mathematics).
SUBJECT_SPECIALTIES = {
    subject: sorted(
        (key for key, spec in SPECIALTIES.items() if subject in spec.subjects),
        key=lambda k: len(SPECIALTIES[k].subjects),
    )
    for subject in SUBJECTS
}

# fmt: off
KY_SURNAMES = (
    "Асанов", "Үсөнов", "Токтогулов", "Жумабеков", "Абдыкадыров", "Осмонов", "Бейшеналиев", "Сыдыков", "Мамытов",
    "Турдубаев", "Садыков", "Бакиров", "Эсенгулов", "Акматов", "Жээнбеков", "Өмүрбеков", "Төлөгөнов", "Карыбеков",
    "Исаков", "Маматов", "Алымкулов", "Сулайманов", "Курманалиев", "Абдрахманов", "Нурматов", "Орозбеков", "Шаршенов",
    "Кенжебаев", "Чыныбаев", "Таштанов", "Эшимов", "Мырзабеков", "Байзаков", "Жолдошев", "Дөөлөтов", "Сагынбаев",
    "Молдокматов", "Түлөбердиев", "Кожобеков", "Үмөталиев", "Аманбаев", "Бообеков", "Дүйшөнбиев", "Калыков", "Момунов",
    "Рысбеков", "Сатыбалдиев", "Тагаев", "Усубалиев", "Эргешов", "Жусупов", "Абдыраимов", "Бөкөнбаев", "Кудайбергенов",
    "Бекбоев", "Мукашев", "Арстанбеков", "Зарлыков", "Ибраимов", "Көкөев", "Сооронбаев", "Бектеналиев", "Кыдыралиев",
    "Темиров", "Чокоев",
)
RU_SURNAMES = (
    "Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Михайлов", "Новиков", "Федоров",
    "Морозов", "Волков", "Алексеев", "Лебедев", "Семенов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев",
    "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Борисов", "Яковлев", "Григорьев", "Романов",
    "Сергеев", "Фролов", "Белов", "Ковалев", "Гончаров", "Киселев",
)
KY_MEN = (
    "Бакыт", "Болот", "Нурбек", "Алмаз", "Таалай", "Кубаныч", "Мирбек", "Эрмек", "Кайрат", "Бектур", "Жаныбек", "Мелис",
    "Талант", "Улан", "Эркин", "Марат", "Азамат", "Нурлан", "Эрлан", "Темирбек", "Бекболот", "Төлөн", "Өмүрбек",
    "Дүйшөн", "Асан", "Үсөн", "Жумабек", "Токтогул", "Канат", "Медет", "Замир", "Садыр", "Максат", "Айбек", "Бактыбек",
    "Жыргалбек", "Чыңгыз", "Мирлан", "Алмазбек", "Санжар", "Элмурат", "Бекжан", "Курманбек", "Кадырбек", "Үмөт",
    "Жеңишбек",
)
KY_WOMEN = (
    "Гүлнара", "Жылдыз", "Айгүл", "Нургүл", "Чолпон", "Динара", "Гүлмира", "Бермет", "Назгүл", "Айнура", "Салтанат",
    "Жаңыл", "Анара", "Мээрим", "Асель", "Бүбүсара", "Гүлзат", "Замира", "Эльмира", "Роза", "Мира", "Венера",
    "Бактыгүл", "Айзат", "Калыйча", "Чынара", "Жамиля", "Майрамкан", "Күлүмкан", "Гүлсара", "Айсулуу", "Нурзат",
    "Асылгүл", "Айдай", "Зуура", "Чынаркүл", "Тынара", "Өмүркан", "Сүйүмкан", "Нуриза",
)
KY_BOYS = (
    "Эмир", "Нурислам", "Айдар", "Алинур", "Амир", "Байэл", "Султан", "Нурбек", "Адилет", "Арсен", "Актан", "Темирлан",
    "Элдияр", "Мирлан", "Медер", "Үмөт", "Нурсултан", "Бекзат", "Эрлан", "Айбек", "Тилек", "Чыңгыз", "Бакай", "Манас",
    "Семетей", "Искендер", "Азамат", "Нурдин", "Эржан", "Бектур", "Жаныш", "Элмурат", "Байтик", "Өмүр", "Нуржигит",
    "Атай", "Талгат", "Кутман", "Айбол", "Ислам", "Имран", "Дастан", "Сыймык", "Максат", "Данияр", "Азим", "Төрөбек",
    "Жеңиш",
)
KY_GIRLS = (
    "Айпери", "Айжан", "Бегимай", "Асель", "Мээрим", "Айзада", "Нуриза", "Адина", "Айым", "Сезим", "Элнура", "Каныкей",
    "Бермет", "Аида", "Айсулуу", "Айдана", "Медина", "Томирис", "Малика", "Самира", "Нурай", "Айдай", "Жаңыл",
    "Күнсулуу", "Мөлдүр", "Нургүл", "Айбийке", "Алтынай", "Толгонай", "Айнура", "Асылзат", "Эркайым", "Айсезим",
    "Жибек", "Үмүтай", "Сүйүү", "Акмөөр", "Гүлайым", "Бүбүажар", "Назик",
)
# Russian men's names with the stem of the patronymic they give.
RU_MEN = {
    "Александр": "Александров",
    "Дмитрий": "Дмитриев",
    "Сергей": "Сергеев",
    "Андрей": "Андреев",
    "Иван": "Иванов",
    "Михаил": "Михайлов",
    "Владимир": "Владимиров",
    "Николай": "Николаев",
    "Петр": "Петров",
    "Виктор": "Викторов",
    "Игорь": "Игорев",
    "Олег": "Олегов",
    "Юрий": "Юрьев",
    "Алексей": "Алексеев",
    "Евгений": "Евгеньев",
    "Павел": "Павлов",
    "Константин": "Константинов",
    "Роман": "Романов",
    "Максим": "Максимов",
    "Денис": "Денисов",
}
RU_WOMEN = (
    "Елена", "Ольга", "Татьяна", "Наталья", "Ирина", "Светлана", "Людмила", "Галина", "Марина", "Оксана", "Юлия",
    "Анна", "Екатерина", "Надежда", "Валентина",
)
RU_BOYS = (
    "Александр", "Дмитрий", "Максим", "Артем", "Иван", "Михаил", "Никита", "Егор", "Андрей", "Кирилл", "Илья",
    "Алексей", "Роман", "Даниил", "Тимофей",
)
RU_GIRLS = (
    "Анна", "Мария", "Анастасия", "Дарья", "Софья", "Виктория", "Полина", "Алина", "Ксения", "Елизавета", "Варвара",
    "Вероника", "Ева", "Милана",
)
KY_ALPHABET = {ch: n for n, ch in enumerate("абвгдеёжзийклмнңоөпрстуүфхцчшщъыьэюя")}
TRANSLIT = dict(zip("абвгдеёжзийклмнңоөпрстуүфхцчшщъыьэюя", (
    "a", "b", "v", "g", "d", "e", "yo", "zh", "z", "i", "y", "k", "l", "m", "n", "ng", "o", "o", "p", "r", "s", "t",
    "u", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
), strict=True))
PHONE_PREFIXES = (
    "500", "502", "505", "550", "551", "555", "557", "559", "700", "702", "705", "707", "770", "772", "777", "990",
    "997",
)
# fmt: on


def ky_sort_key(text: str) -> tuple[int, ...]:
    """Orders Cyrillic text the Kyrgyz way (ң after н, ө after о, ү after у)."""
    return tuple(KY_ALPHABET.get(ch, 100 + ord(ch)) for ch in text.lower())


def translit(text: str) -> str:
    return "".join(TRANSLIT.get(ch, ch) for ch in text.lower() if ch.isalnum())


def feminine(surname: str) -> str:
    return surname + "а"


def patronymic(father: str, female: bool) -> str:
    if father in RU_MEN:
        stem = RU_MEN[father]
        if stem.endswith("ев"):
            return stem[:-2] + ("евна" if female else "евич")
        return stem[:-2] + ("овна" if female else "ович")
    if father.endswith("й"):
        stem, vowel = father[:-1], "е"
    elif father[-1] in "жшчщцаяы":
        stem, vowel = father, "е"
    else:
        stem, vowel = father, "о"
    return stem + vowel + ("вна" if female else "вич")


@dataclass
class Person:
    last_name: str
    first_name: str
    patronymic: str

    def sort_key(self) -> tuple:
        return (ky_sort_key(self.last_name), ky_sort_key(self.first_name), ky_sort_key(self.patronymic))


@dataclass
class Student:
    person: Person
    birth_date: date
    code: str = ""


@dataclass
class Guardian:
    person: Person
    relation: str
    phone: str
    email: str
    children: list[Student]


@dataclass
class Teacher:
    person: Person
    specialty: str
    roles: tuple[str, ...] = ("teacher",)
    post: tuple[str, str] = ("", "")
    cap: int = MAX_LOAD
    load: int = 0
    code: str = ""


@dataclass
class SchoolClass:
    grade: int
    letter: str
    language: str
    size: int
    students: list[Student] = field(default_factory=list)
    subjects: dict[str, int] = field(default_factory=dict)
    teachers: dict[tuple[str, str], int] = field(default_factory=dict)
    homeroom: int = -1

    @property
    def code(self) -> str:
        return f"{self.grade}{self.letter}"

    def is_split(self, subject: str) -> bool:
        return subject in SPLIT_SUBJECTS and self.grade >= SPLIT_FROM_GRADE and self.size >= SPLIT_FROM_SIZE


class _Names:
    """Draws people's names and unique phone numbers."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.phones: set[str] = set()

    def adult(self, female: bool, russian: bool) -> Person:
        rng = self.rng
        if russian:
            last = rng.choice(RU_SURNAMES)
            first = rng.choice(RU_WOMEN if female else list(RU_MEN))
            father = rng.choice(list(RU_MEN))
        else:
            last = rng.choice(KY_SURNAMES)
            first = rng.choice(KY_WOMEN if female else KY_MEN)
            father = rng.choice(KY_MEN)
        return Person(feminine(last) if female else last, first, patronymic(father, female))

    def phone(self) -> str:
        while True:
            number = (
                f"+996 {self.rng.choice(PHONE_PREFIXES)} {self.rng.randint(0, 999):03d} {self.rng.randint(0, 999):03d}"
            )
            if number not in self.phones:
                self.phones.add(number)
                return number


def _plan_classes(students: int, classes: int | None) -> list[SchoolClass]:
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


def _people(rng: random.Random, plan: list[SchoolClass], names: _Names) -> list[Guardian]:
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


def _hire(
    rng: random.Random, names: _Names, staff: list[Teacher], specialty: str, *, russian: float | None = None
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


def _staff(rng: random.Random, plan: list[SchoolClass], names: _Names) -> list[Teacher]:
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


class _Scheduler:
    """Places each class's lessons into its weekly grid so that no teacher is in two places at once.

    A greedy first pass is repaired by local search: a lesson in conflict is swapped with the lesson in another slot of
    the same class that removes the most conflicts. Teacher clashes are hard; the same subject twice a day is soft.
    """

    TEACHER_CLASH = 4
    SUBJECT_REPEAT = 1

    def __init__(self, rng: random.Random, units: list[list[tuple[int, tuple[int, ...]]]], teachers: int):
        self.rng = rng
        self.units = units
        self.slots: list[list[int]] = []
        for lessons in units:
            base, extra = divmod(len(lessons), DAYS)
            lengths = [base] * DAYS
            for day in (1, 2, 3, 0, 4)[:extra]:
                lengths[day] += 1
            if max(lengths) > LESSONS:
                raise ValueError("a class has more lessons than the week can hold")
            self.slots.append([day * LESSONS + n for day in range(DAYS) for n in range(lengths[day])])
        self.index = [{time: k for k, time in enumerate(slots)} for slots in self.slots]
        self.grid: list[list[int]] = [[-1] * len(slots) for slots in self.slots]
        self.busy = [[0] * (DAYS * LESSONS) for _ in range(teachers)]
        self.holders: list[list[list[int]]] = [[[] for _ in range(DAYS * LESSONS)] for _ in range(teachers)]
        self.daily: list[dict[tuple[int, int], int]] = [{} for _ in units]
        self.clashes: dict[tuple[int, int], None] = {}
        self.repeats: dict[tuple[int, int, int], None] = {}

    def place(self, c: int, k: int, u: int) -> int:
        time = self.slots[c][k]
        subject, teachers = self.units[c][u]
        delta = 0
        for x in teachers:
            before = self.busy[x][time]
            self.busy[x][time] = before + 1
            self.holders[x][time].append(c)
            if before:
                delta += self.TEACHER_CLASH
                self.clashes[(x, time)] = None
        key = (subject, time // LESSONS)
        before = self.daily[c].get(key, 0)
        self.daily[c][key] = before + 1
        if before:
            delta += self.SUBJECT_REPEAT
            self.repeats[(c, *key)] = None
        self.grid[c][k] = u
        return delta

    def remove(self, c: int, k: int) -> int:
        time = self.slots[c][k]
        subject, teachers = self.units[c][self.grid[c][k]]
        delta = 0
        for x in teachers:
            before = self.busy[x][time]
            self.busy[x][time] = before - 1
            self.holders[x][time].remove(c)
            if before >= 2:
                delta -= self.TEACHER_CLASH
                if before == 2:
                    del self.clashes[(x, time)]
        key = (subject, time // LESSONS)
        before = self.daily[c][key]
        self.daily[c][key] = before - 1
        if before >= 2:
            delta -= self.SUBJECT_REPEAT
            if before == 2:
                del self.repeats[(c, *key)]
        self.grid[c][k] = -1
        return delta

    def swap(self, c: int, i: int, j: int) -> int:
        u, v = self.grid[c][i], self.grid[c][j]
        delta = self.remove(c, i) + self.remove(c, j)
        return delta + self.place(c, i, v) + self.place(c, j, u)

    def start(self) -> None:
        order = list(range(len(self.units)))
        self.rng.shuffle(order)
        for c in order:
            lessons = sorted(
                range(len(self.units[c])),
                key=lambda u: (-len(self.units[c][u][1]), self.units[c][u][0], self.rng.random()),
            )
            free = list(range(len(self.slots[c])))
            for u in lessons:
                subject, teachers = self.units[c][u]

                def cost(k: int, c: int = c, subject: int = subject, teachers: tuple[int, ...] = teachers) -> tuple:
                    time = self.slots[c][k]
                    clashes = sum(self.busy[x][time] for x in teachers)
                    return (clashes, self.daily[c].get((subject, time // LESSONS), 0), self.rng.random())

                k = min(free, key=cost)
                free.remove(k)
                self.place(c, k, u)

    def repair(self, steps: int) -> bool:
        rng = self.rng
        for _ in range(steps):
            if not self.clashes and not self.repeats:
                return True
            if self.clashes and (not self.repeats or rng.random() < 0.8):
                x, time = rng.choice(list(self.clashes))
                c = rng.choice(self.holders[x][time])
                i = self.index[c][time]
            else:
                c, subject, day = rng.choice(list(self.repeats))
                i = rng.choice(
                    [
                        k
                        for k, time in enumerate(self.slots[c])
                        if time // LESSONS == day and self.units[c][self.grid[c][k]][0] == subject
                    ]
                )
            others = [
                j for j in range(len(self.slots[c])) if self.units[c][self.grid[c][j]] != self.units[c][self.grid[c][i]]
            ]
            if rng.random() < 0.05:
                self.swap(c, i, rng.choice(others))
                continue
            best, moves = None, []
            for j in others:
                delta = self.swap(c, i, j)
                self.swap(c, i, j)
                if best is None or delta < best:
                    best, moves = delta, [j]
                elif delta == best:
                    moves.append(j)
            self.swap(c, i, rng.choice(moves))
        return not self.clashes

    def solve(self) -> list[list[int]]:
        self.start()
        if not self.repair(steps=20 * sum(len(slots) for slots in self.slots) + 20000):
            raise RuntimeError("could not build a timetable without teacher clashes")
        return self.grid


def _timetable(rng: random.Random, plan: list[SchoolClass], staff_count: int) -> list[tuple]:
    """Timetable rows; a split subject's two subgroups share the slot, each with its own teacher."""
    subjects = list(SUBJECTS)
    units = []
    for school_class in plan:
        lessons = []
        for subject in sorted(school_class.subjects, key=SUBJECT_ORDER.__getitem__):
            groups = ("1", "2") if school_class.is_split(subject) else ("",)
            teachers = tuple(school_class.teachers[(subject, group)] for group in groups)
            lessons.extend([(subjects.index(subject), teachers)] * school_class.subjects[subject])
        units.append(lessons)
    scheduler = _Scheduler(rng, units, staff_count)
    grid = scheduler.solve()
    rows = []
    for c, school_class in enumerate(plan):
        for k, u in enumerate(grid[c]):
            day, lesson = divmod(scheduler.slots[c][k], LESSONS)
            subject = subjects[units[c][u][0]]
            for group in ("1", "2") if school_class.is_split(subject) else ("",):
                rows.append((c, day + 1, lesson + 1, group, school_class.code, subject))
    rows.sort()
    return [(code, subject, group, day, lesson) for _, day, lesson, group, code, subject in rows]


def _staff_rows(rng: random.Random, staff: list[Teacher], names: _Names) -> list[list]:
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
            [
                teacher.code,
                person.last_name,
                person.first_name,
                person.patronymic,
                ";".join(teacher.roles),
                *teacher.post,
                email,
                names.phone(),
                education,
                spec.name,
                qualification,
                total,
                in_specialty,
            ]
        )
    return rows


def _write(folder: Path, sheet: str, rows: list) -> int:
    with (folder / f"{sheet}.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(SHEETS[sheet])
        writer.writerows(rows)
    return len(rows)


def generate_workbook(
    folder: Path,
    *,
    students: int = 308,
    classes: int | None = None,
    seed: int = 5,
    code: str = "demo",
    hostname: str = "localhost",
    name_ky: str = DEFAULT_NAME_KY,
    name_ru: str = DEFAULT_NAME_RU,
) -> dict[str, int]:
    """Writes the workbook's CSV files into ``folder`` and returns the number of data rows per sheet."""
    rng = random.Random(seed)
    names = _Names(rng)
    plan = _plan_classes(students, classes)
    guardians = _people(rng, plan, names)
    for school_class in plan:
        school_class.students.sort(key=lambda student: student.person.sort_key())
    width = max(4, len(str(students)))
    number = 0
    for school_class in plan:
        for student in school_class.students:
            number += 1
            student.code = f"S{number:0{width}d}"
    staff = _staff(rng, plan, names)
    staff_rows = _staff_rows(rng, staff, names)
    timetable = _timetable(rng, plan, len(staff))

    guardians.sort(key=lambda guardian: min(child.code for child in guardian.children))
    guardian_rows = []
    for n, guardian in enumerate(guardians, start=1):
        person = guardian.person
        children = sorted(child.code for child in guardian.children)
        guardian_rows.append(
            [
                f"G{n:0{width}d}",
                person.last_name,
                person.first_name,
                person.patronymic,
                guardian.phone,
                guardian.email,
                ";".join(children),
                guardian.relation,
            ]
        )

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    school = [
        ("code", code),
        ("name_ky", name_ky),
        ("name_ru", name_ru),
        ("year_start", YEAR_START.isoformat()),
        ("year_end", YEAR_END.isoformat()),
        ("no_marks_grades", "1"),
        ("hostname", hostname),
    ]
    counts = {
        "school": _write(folder, "school", school),
        "periods": _write(folder, "periods", [(k, n, s.isoformat(), e.isoformat()) for k, n, s, e in PERIODS]),
        "holidays": _write(folder, "holidays", [(s.isoformat(), e.isoformat(), name) for s, e, name in HOLIDAYS]),
        "subjects": _write(folder, "subjects", [(key, ky, ru) for key, (ky, ru) in SUBJECTS.items()]),
        "staff": _write(folder, "staff", staff_rows),
        "classes": _write(folder, "classes", [(c.code, c.grade, staff[c.homeroom].code, c.language) for c in plan]),
        "students": _write(
            folder,
            "students",
            [
                (
                    student.code,
                    student.person.last_name,
                    student.person.first_name,
                    student.person.patronymic,
                    student.birth_date.isoformat(),
                    school_class.code,
                )
                for school_class in plan
                for student in school_class.students
            ],
        ),
        "guardians": _write(folder, "guardians", guardian_rows),
    }
    subgroups, assignments = [], []
    for school_class in plan:
        roster = [student.code for student in school_class.students]
        half = (len(roster) + 1) // 2
        for (subject, group), teacher in sorted(
            school_class.teachers.items(), key=lambda item: (SUBJECT_ORDER[item[0][0]], item[0][1])
        ):
            assignments.append((school_class.code, subject, staff[teacher].code, group))
            if group:
                members = roster[:half] if group == "1" else roster[half:]
                subgroups.append((school_class.code, subject, group, ";".join(members)))
    counts["subgroups"] = _write(folder, "subgroups", subgroups)
    counts["assignments"] = _write(folder, "assignments", assignments)
    counts["timetable"] = _write(folder, "timetable", timetable)
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the demo school workbook (one CSV file per sheet).")
    parser.add_argument("folder", type=Path, help="folder to write the CSV files into")
    parser.add_argument("--students", type=int, default=308, help="number of students (default 308)")
    parser.add_argument("--classes", type=int, default=None, help="number of classes (default: about 30 a class)")
    parser.add_argument("--seed", type=int, default=5, help="random seed (default 5)")
    parser.add_argument("--code", default="demo", help="school code (default demo)")
    parser.add_argument("--hostname", default="localhost", help="hostname of the school's site (default localhost)")
    args = parser.parse_args(argv)
    counts = generate_workbook(
        args.folder,
        students=args.students,
        classes=args.classes,
        seed=args.seed,
        code=args.code,
        hostname=args.hostname,
    )
    for sheet, rows in counts.items():
        sys.stdout.write(f"{sheet}.csv: {rows} rows\n")


if __name__ == "__main__":
    main()
