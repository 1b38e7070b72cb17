"""W3 (seed 000 §1): the site-operation report for the head: per disclosure section and month, whether it was
first published, how many times it was updated, and whether it was overdue for its approved update frequency.

Wagtail's own page log (every publish is a `wagtail.publish` entry) is the source; nothing is counted twice.
"""

import datetime as dt
from collections import defaultdict

from django.utils import timezone
from wagtail.models import PageLogEntry

from cms.completeness import months_before
from cms.models import SECTION_MODELS, DisclosureIndexPage, SectionUpdateFrequency


def month_starts(now: dt.datetime, months: int) -> list[dt.datetime]:
    """The first moments of the last `months` calendar months, oldest first, the current month last."""
    first = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return [months_before(first, back) for back in range(months - 1, -1, -1)]


def site_operation_report(site, *, months: int = 12, now: dt.datetime | None = None) -> dict:
    """Per section (in W1 order) and month: `published` (first published that month), `updated` (later publishes
    that month) and `overdue` (by the month's end, or now, the section had gone longer than its approved frequency
    without an update, or had never been published)."""
    now = now or timezone.now()
    frequency = SectionUpdateFrequency.for_site(site)
    index = DisclosureIndexPage.objects.descendant_of(site.root_page).first()
    pages = {type(page): page for page in index.get_children().specific()} if index is not None else {}
    published: dict[int, list[dt.datetime]] = defaultdict(list)
    entries = PageLogEntry.objects.filter(page__in=[page.pk for page in pages.values()], action="wagtail.publish")
    for page_id, timestamp in entries.order_by("timestamp").values_list("page_id", "timestamp"):
        published[page_id].append(timestamp)
    starts = month_starts(now, months)
    ends = [*starts[1:], None]
    sections = []
    for model in SECTION_MODELS:
        page = pages.get(model)
        times = published[page.pk] if page is not None else []
        approved = frequency.months_for(model.section_slug)
        cells = {}
        for start, end in zip(starts, ends, strict=True):
            moment = min(end, now) if end is not None else now
            in_month = [time for time in times if start <= time < moment]
            first = bool(times) and start <= times[0] < moment
            before = [time for time in times if time < moment]
            cells[start.strftime("%Y-%m")] = {
                "published": first,
                "updated": len(in_month) - (1 if first else 0),
                "overdue": not before or before[-1] < months_before(moment, approved),
            }
        sections.append(
            {
                "section": model.section_slug,
                "title": page.title if page is not None else str(model._meta.verbose_name),
                "frequency_months": approved,
                "months": cells,
            }
        )
    return {"site": site.hostname, "months": [start.strftime("%Y-%m") for start in starts], "sections": sections}
