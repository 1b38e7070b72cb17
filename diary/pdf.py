"""PDF from HTML templates (WeasyPrint): access-code slips and reports."""

from django.conf import settings
from django.template.loader import render_to_string


def pdf_render(template: str, context: dict) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, which only PDF work needs

    html = render_to_string(template, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
