"""The demo school's fixed facts (no Django imports: the dev server prints the login before Django starts)."""

DEMO_HOSTNAME = "localhost"
DEMO_ADMIN_USERNAME = "admin"
# The demo login is printed on purpose: the demo school holds no real data.
DEMO_ADMIN_PASSWORD = "mektep-admin-demo"  # noqa: S105

DEMO_TITLE_KY = "№ 5 Ч. Айтматов атындагы орто мектеби"
DEMO_TITLE_RU = "Средняя школа № 5 имени Ч. Айтматова"
DEMO_INTRO_KY = (
    "<p>Мектебибиздин расмий сайтына кош келиңиз! Бул жерде мектептин түзүлүшү, окуу программалары, "
    "кабыл алуу тартиби жана жаңылыктар тууралуу маалымат жарыяланат.</p>"
)
DEMO_INTRO_RU = (
    "<p>Добро пожаловать на официальный сайт нашей школы! Здесь публикуются сведения о структуре школы, "
    "образовательных программах, порядке приёма и новости.</p>"
)

# Every demo person's account shares this password; their usernames are printed by seed_demo.
DEMO_PASSWORD = "mektep-demo-2026"  # noqa: S105
DEMO_WORKBOOK = "diary/demo/workbook"
