"""PDF from HTML templates (WeasyPrint): access-code slips and reports."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.safestring import mark_safe


def pdf_render(template: str, context: dict) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, which only PDF work needs

    html = render_to_string(template, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def redeem_address(*, site_address: str, language: str, code: str = "") -> str:
    """The absolute address of the redeem page in a language, with the code filled in (`?code=`)."""
    with translation.override(language):
        path = reverse("diary:redeem")
    query = f"?{urlencode({'code': code})}" if code else ""
    return f"{site_address.rstrip('/')}{path}{query}"


def qr_svg(text: str, *, title: str = "") -> str:
    """A QR code of `text` as inline SVG (segno, drawn here: no network), about 26 mm wide on paper."""
    import segno

    svg = segno.make(text, error="m", micro=False).svg_inline(scale=0.7, unit="mm", border=2, title=title)
    return mark_safe(svg)  # noqa: S308 -- segno writes the SVG and escapes the title


def code_slips_context(*, school_class, slips, site_address: str) -> dict:
    """What the slips template needs: the class, its slips, both languages and where to redeem each code: the address
    of the redeem page in each language with the code filled in, and its QR code."""
    languages = [code for code, _name in settings.LANGUAGES]
    for slip in slips:
        slip.links = []
        for language in languages:
            address = redeem_address(site_address=site_address, language=language, code=slip.code)
            slip.links.append({"language": language, "address": address, "qr": qr_svg(address, title=address)})
    return {
        "school": school_class.school,
        "school_class": school_class,
        "slips": slips,
        "languages": languages,
        "site_address": site_address,
    }


def code_slips_pdf(*, school_class, slips, site_address: str) -> bytes:
    """D4: printed access-code slips of a class, each in Kyrgyz and Russian; the API and the homeroom page share it."""
    return pdf_render(
        "diary/code_slips.html", code_slips_context(school_class=school_class, slips=slips, site_address=site_address)
    )
