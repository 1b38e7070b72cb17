"""The demo school's website content in Kyrgyz and Russian, complete enough for 100% on `check_disclosure`."""

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from wagtail.models import Collection

from cms.models import (
    DocumentKind,
    EducationProgramme,
    EducationStandard,
    SchoolContacts,
    SchoolDocument,
    SectionDocument,
    Vacancy,
)
from cms.models.disclosure import FACILITY_FIELDS
from cms.services.disclosure import disclosure_tree_ensure, site_structure_ensure
from cms.services.sites import bilingual_page_add
from home.models import NewsArticlePage, NewsIndexPage

FACILITIES = {
    "classrooms": (
        "32 окуу кабинети, анын ичинде физика, химия жана биология лабораториялары.",
        "32 учебных кабинета, в том числе лаборатории физики, химии и биологии.",
    ),
    "equipped_objects": (
        "Эмгек сабагы үчүн устакана, тигүү цехи, мектептин тажрыйба участогу.",
        "Мастерская для уроков труда, швейный цех, пришкольный опытный участок.",
    ),
    "library": ("Китепкана: 18 000 китеп, 40 орундуу окуу залы.", "Библиотека: 18 000 книг, читальный зал на 40 мест."),
    "sports": (
        "Спорт залы, футбол талаасы, волейбол аянтчасы.",
        "Спортивный зал, футбольное поле, волейбольная площадка.",
    ),
    "health": ("Медициналык кабинет, медайым күн сайын иштейт.", "Медицинский кабинет, ежедневно работает медсестра."),
    "catering": (
        "120 орундуу ашкана; 1–4-класстар акысыз ысык тамак алышат.",
        "Столовая на 120 мест; 1–4 классы получают бесплатное горячее питание.",
    ),
    "ict_access": (
        "Бардык кабинеттерде интернет; 2 информатика кабинети (30 компьютер).",
        "Интернет во всех кабинетах; 2 кабинета информатики (30 компьютеров).",
    ),
    "electronic_resources": (
        "Электрондук күндөлүк, электрондук китепкана, окуу порталдары.",
        "Электронный дневник, электронная библиотека, образовательные порталы.",
    ),
}
PROGRAMMES = [
    ("primary", (1, 4), "Башталгыч жалпы билим берүү", "Начальное общее образование", 4),
    ("basic", (5, 9), "Негизги жалпы билим берүү", "Основное общее образование", 5),
    ("secondary", (10, 11), "Орто жалпы билим берүү", "Среднее общее образование", 2),
]


def placeholder_pdf(text: str) -> bytes:
    """A one-page PDF standing in for a real scan in the demo (ASCII text, built by hand: no PDF library needed)."""
    safe = text.encode("ascii", "replace").decode().replace("(", "[").replace(")", "]")
    stream = f"BT /F1 14 Tf 72 760 Td ({safe}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _document(title: str, kind: str, slug: str) -> SchoolDocument:
    document = SchoolDocument.objects.filter(title=title).first()
    if document is None:
        # Wagtail's migrations make the root collection; an emptied database has none.
        collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
        document = SchoolDocument(
            title=title, kind=kind, language="ky-ru", document_date=dt.date(2026, 8, 25), collection=collection
        )
        document.file.save(f"demo-{slug}.pdf", ContentFile(placeholder_pdf(f"Mektep demo: {slug}")), save=False)
        document.save()
    return document


def _bilingual(page, name: str, ky: str, ru: str) -> None:
    setattr(page, f"{name}_ky", ky)
    setattr(page, f"{name}_ru", ru)


@transaction.atomic
def demo_website_content_ensure(*, site) -> None:
    site_structure_ensure(site=site)
    index = disclosure_tree_ensure(site=site)
    _news_ensure(site)
    sections = {page.section_slug: page for page in index.get_children().specific()}

    contacts = SchoolContacts.for_site(site)
    if not contacts.address_ky:
        contacts.founding_date = dt.date(1965, 9, 1)
        _bilingual(contacts, "address", "Бишкек ш., Чүй пр., 123", "г. Бишкек, пр. Чуй, 123")
        _bilingual(
            contacts,
            "branches",
            "Башталгыч класстар: Бишкек ш., Токтогул к., 45",
            "Начальные классы: г. Бишкек, ул. Токтогула, 45",
        )
        _bilingual(
            contacts,
            "working_hours",
            "Дүйшөмбү–жума 8:00–18:00, ишемби 8:00–13:00",
            "Понедельник–пятница 8:00–18:00, суббота 8:00–13:00",
        )
        contacts.phones = "+996 312 00 00 05, +996 555 00 00 05"
        contacts.email = "info@mektep5.kg"
        contacts.save()

    if sections["structure"].section_documents.exists():
        return  # the demo content is in place

    docs = {
        slug: _document(title, kind, slug)
        for slug, title, kind in (
            ("charter", "Мектептин уставы / Устав школы", DocumentKind.CHARTER),
            ("licence", "Лицензия тиркемелери менен / Лицензия с приложениями", DocumentKind.LICENCE),
            (
                "accreditation",
                "Аккредитация жөнүндө күбөлүк / Свидетельство об аккредитации",
                DocumentKind.ACCREDITATION,
            ),
            ("rules", "Ички тартип эрежелери / Правила внутреннего распорядка", DocumentKind.LOCAL_ACT),
            (
                "council",
                "Педагогикалык кеңеш жөнүндө жобо / Положение о педагогическом совете",
                DocumentKind.REGULATION,
            ),
            (
                "standard",
                "Мамлекеттик билим берүү стандарты / Государственный образовательный стандарт",
                DocumentKind.STANDARD,
            ),
            ("finance", "2025-жылдагы каржылык отчет / Финансовый отчёт за 2025 год", DocumentKind.FINANCE),
            (
                "calendar",
                "Календардык окуу графиги 2026–2027 / Календарный учебный график 2026–2027",
                DocumentKind.CALENDAR,
            ),
            ("methodology", "Методикалык сунуштар / Методические рекомендации", DocumentKind.METHODOLOGY),
        )
    }

    structure = sections["structure"]
    _bilingual(
        structure,
        "governing_bodies",
        "<p>Мектепти директор башкарат. Башкаруу органдары: педагогикалык кеңеш, камкорчулар кеңеши, "
        "ата-энелер комитети.</p>",
        "<p>Школой руководит директор. Органы управления: педагогический совет, попечительский совет, "
        "родительский комитет.</p>",
    )
    structure.section_documents = [SectionDocument(document=docs["council"])]

    documents = sections["documents"]
    documents.charter, documents.licence = docs["charter"], docs["licence"]
    documents.accreditation = docs["accreditation"]
    documents.section_documents = [SectionDocument(document=docs["rules"])]

    education = sections["education"]
    education.programmes = [
        EducationProgramme(
            name=name_ky,
            name_ky=name_ky,
            name_ru=name_ru,
            level=level,
            form_of_study="full_time",
            duration_years=years,
            accreditation_until=dt.date(2030, 6, 30),
            languages="кыргыз, орус",
            languages_ky="кыргыз, орус",
            languages_ru="кыргызский, русский",
            grade_from=grades[0],
            grade_to=grades[1],
            calendar_document=docs["calendar"],
            methodology_document=docs["methodology"],
            description_document=_document(f"{name_ky} / {name_ru}: программа", DocumentKind.PROGRAMME, level),
            curriculum_document=_document(
                f"{name_ky} / {name_ru}: окуу планы / учебный план", DocumentKind.CURRICULUM, f"{level}-curriculum"
            ),
        )
        for level, grades, name_ky, name_ru, years in PROGRAMMES
    ]

    standard_ky = "Кыргыз Республикасынын жалпы орто билим берүүнүн мамлекеттик билим берүү стандарты"
    standard_ru = "Государственный образовательный стандарт общего среднего образования Кыргызской Республики"
    sections["standards"].standards = [
        EducationStandard(title=standard_ky, title_ky=standard_ky, title_ru=standard_ru, document=docs["standard"])
    ]

    facilities = sections["facilities"]
    for name in FACILITY_FIELDS:
        _bilingual(facilities, name, *FACILITIES[name])

    admission = sections["admission"]
    _bilingual(
        admission,
        "admission_rules",
        "<p>1-класска кабыл алуу 1-апрелден 31-августка чейин ата-энелердин арызы боюнча жүргүзүлөт.</p>",
        "<p>Приём в 1 класс ведётся с 1 апреля по 31 августа по заявлению родителей.</p>",
    )
    admission.vacancies = [Vacancy(grade=1, places=4), Vacancy(grade=5, places=2), Vacancy(grade=10, places=6)]

    finance = sections["finance"]
    _bilingual(
        finance,
        "activity_volume",
        "<p>Билим берүү ишмердүүлүгү республикалык бюджеттин эсебинен жүргүзүлөт.</p>",
        "<p>Образовательная деятельность финансируется из республиканского бюджета.</p>",
    )
    _bilingual(
        finance,
        "receipts_and_spending",
        "<p>2025-жылы түшкөн каражат 41,2 млн сом, сарпталганы 40,8 млн сом.</p>",
        "<p>В 2025 году поступило 41,2 млн сомов, израсходовано 40,8 млн сомов.</p>",
    )
    finance.section_documents = [SectionDocument(document=docs["finance"])]

    for page in sections.values():
        page.save_revision().publish()


NEWS = [
    (
        dt.date(2026, 9, 1),
        "Билим күнү",
        "День знаний",
        "Жаңы окуу жылы салтанаттуу башталды.",
        "Новый учебный год начался торжественной линейкой.",
    ),
    (
        dt.date(2026, 11, 10),
        "Экинчи чейрек башталды",
        "Началась вторая четверть",
        "Күзгү каникулдан кийин окуучулар сабакка кайтышты.",
        "После осенних каникул ученики вернулись к занятиям.",
    ),
]


def _news_ensure(site) -> None:
    index = NewsIndexPage.objects.child_of(site.root_page).first()
    if index is None or index.get_children().exists():
        return
    for number, (date, title_ky, title_ru, text_ky, text_ru) in enumerate(NEWS, start=1):
        bilingual_page_add(
            parent=index,
            model=NewsArticlePage,
            slug=f"news-{number}",
            title_ky=title_ky,
            title_ru=title_ru,
            date=date,
            summary_ky=text_ky,
            summary_ru=text_ru,
            body_ky=f"<p>{text_ky}</p>",
            body_ru=f"<p>{text_ru}</p>",
        )
