"""The demo school's fixed data: its year, periods and holidays, subjects and weekly curriculum, the teachers'
specialties and universities, and the classes, students, guardians and teachers the generator plans."""

from dataclasses import dataclass, field
from datetime import date

from diary.demo.names import Person

DEFAULT_NAME_KY = "№ 5 Ч. Айтматов атындагы орто мектеби"
DEFAULT_NAME_RU = "Средняя школа № 5 имени Ч. Айтматова"
EMAIL_DOMAIN = "mektep5.kg"

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
