"""`manage.py vendor_messages [--check]`: the ky and ru catalogues of the Wagtail and Django apps we install.

Wagtail ships no Kyrgyz, its Russian misses entries, and Django's Kyrgyz misses some of its own messages (the
password validators among them). `locale/vendor/` holds one catalogue per language and domain covering every
installed Wagtail and Django app. This command re-extracts the msgids from the installed versions (their
source `en` catalogues), merges them into `locale/vendor/`, seeds new entries from the upstream translation
where one exists, and reports untranslated and fuzzy entries; with `--check` it fails on any.
"""

import subprocess
import tempfile
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

LANGUAGES = ("ky", "ru")
# Kyrgyz nouns keep one form after a numeral ("1 барак", "5 барак"): one plural form, as Django's own ky catalogue.
# Russian as Wagtail's and Django's own ru catalogues write it, so that their plural entries fit.
PLURAL_FORMS = {
    "ky": "nplurals=1; plural=0;",
    "ru": "nplurals=4; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<12 || n%100>14) ? 1"
    " : n%10==0 || (n%10>=5 && n%10<=9) || (n%100>=11 && n%100<=14)? 2 : 3);",
}
DOMAINS = ("django", "djangojs")
TEAMS = {"ky": "Кыргызча", "ru": "Русский"}


def vendor_dir() -> Path:
    return Path(settings.BASE_DIR) / "locale" / "vendor"


def vendor_locale_dirs() -> list[Path]:
    """The `locale` folders of Django itself and of every installed app from Wagtail or Django."""
    folders = [Path(django.__file__).parent / "conf" / "locale"]
    for config in apps.get_app_configs():
        if config.name.split(".")[0] in ("wagtail", "django"):
            folder = Path(config.path) / "locale"
            if folder.is_dir() and folder not in folders:
                folders.append(folder)
    return folders


def gettext_run(*command: str, **kwargs) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)  # noqa: S603 (gettext tools)
    except FileNotFoundError as error:
        raise CommandError("GNU gettext (msgcat, msgmerge, msgattrib) is needed") from error
    except subprocess.CalledProcessError as error:
        raise CommandError(f"{' '.join(command[:2])}: {error.stderr.strip()}") from error


def count(po: Path, which: str) -> int:
    """The number of `which` ("untranslated" or "fuzzy") entries of a catalogue, header excluded."""
    option = {"untranslated": "--untranslated", "fuzzy": "--only-fuzzy"}[which]
    output = gettext_run("msgattrib", option, "--no-obsolete", str(po)).stdout
    entries = output.count("\nmsgid ") + output.startswith("msgid ")
    header = 'msgid ""\nmsgstr ""\n' in output
    return max(entries - header, 0)


def new_catalogue(template: str, language: str) -> str:
    """An empty `language` catalogue of the template's entries, with our header (charset, plural forms)."""
    entries = template[template.index("\n\n", template.index('msgid ""')) :]
    fields = {
        "Project-Id-Version": "Mektep: Wagtail and Django in ky and ru",
        "PO-Revision-Date": "2026-12-05 00:00+0600",
        "Last-Translator": "Mektep",
        "Language-Team": TEAMS[language],
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": PLURAL_FORMS[language],
    }
    header = "".join(f'"{name}: {value}\\n"\n' for name, value in fields.items())
    forms = int(PLURAL_FORMS[language].split(";")[0].split("=")[1])
    empty = "\n".join(f'msgstr[{index}] ""' for index in range(forms))
    entries = entries.replace('msgstr[0] ""\nmsgstr[1] ""', empty)
    return f'msgid ""\nmsgstr ""\n{header}{entries}'


class Command(BaseCommand):
    help = "Merges the installed Wagtail and Django msgids into locale/vendor and reports what is left to translate."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="change nothing; fail on untranslated or fuzzy")

    def handle(self, *args, check: bool = False, **options):
        problems = []
        with tempfile.TemporaryDirectory() as scratch:
            for domain in DOMAINS:
                sources = [f / "en" / "LC_MESSAGES" / f"{domain}.po" for f in vendor_locale_dirs()]
                sources = [str(source) for source in sources if source.is_file()]
                if not sources:
                    continue
                template = Path(scratch) / f"{domain}.pot"
                gettext_run("msgcat", "--use-first", "--no-location", "-o", str(template), *sources)
                for language in LANGUAGES:
                    target = vendor_dir() / language / "LC_MESSAGES" / f"{domain}.po"
                    if not check:
                        self.merge(template, target, language, domain, Path(scratch))
                    if not target.is_file():
                        problems.append(f"{target}: missing")
                        continue
                    merged = Path(scratch) / f"{language}-{domain}.po"
                    gettext_run(
                        "msgmerge", "--quiet", "--no-fuzzy-matching", "-o", str(merged), str(target), str(template)
                    )
                    untranslated, fuzzy = count(merged, "untranslated"), count(merged, "fuzzy")
                    self.stdout.write(
                        f"{target.relative_to(settings.BASE_DIR)}: {untranslated} untranslated, {fuzzy} fuzzy"
                    )
                    if untranslated or fuzzy:
                        problems.append(f"{target.name} ({language}): {untranslated} untranslated, {fuzzy} fuzzy")
        if check and problems:
            raise CommandError("; ".join(problems))

    def merge(self, template: Path, target: Path, language: str, domain: str, scratch: Path) -> None:
        """Brings `target` up to `template`; entries it lacks take the upstream translation if there is one."""
        upstream = [
            str(path)
            for folder in vendor_locale_dirs()
            if (path := folder / language / "LC_MESSAGES" / f"{domain}.po").is_file()
        ]
        target.parent.mkdir(parents=True, exist_ok=True)
        ours = scratch / f"ours-{language}-{domain}.po"
        ours.write_text(target.read_text() if target.is_file() else new_catalogue(template.read_text(), language))
        # Our translations first, then the upstream ones; msgmerge then keeps exactly the template's entries.
        combined = scratch / f"combined-{language}-{domain}.po"
        gettext_run("msgcat", "--use-first", "--no-location", "-o", str(combined), str(ours), *upstream)
        gettext_run("msgmerge", "--quiet", "--no-fuzzy-matching", "--no-location", "-o", str(target), str(combined),
                str(template))  # fmt: skip
        gettext_run("msgattrib", "--no-obsolete", "-o", str(target), str(target))
