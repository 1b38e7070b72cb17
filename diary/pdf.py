"""PDF from HTML templates (WeasyPrint): access-code slips and reports."""

from django.conf import settings
from django.template.loader import render_to_string


def pdf_render(template: str, context: dict) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, which only PDF work needs

    html = render_to_string(template, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def code_slips_context(*, school_class, slips, site_address: str) -> dict:
    """What the slips template needs: the class, its slips, both languages and where to redeem a code."""
    return {
        "school": school_class.school,
        "school_class": school_class,
        "slips": slips,
        "languages": [code for code, _name in settings.LANGUAGES],
        "site_address": site_address,
    }


def code_slips_pdf(*, school_class, slips, site_address: str) -> bytes:
    """D4: printed access-code slips of a class, each in Kyrgyz and Russian; the API and the homeroom page share it."""
    return pdf_render(
        "diary/code_slips.html", code_slips_context(school_class=school_class, slips=slips, site_address=site_address)
    )
