"""Report runs (D14) as a viewer may list them (D15)."""

from diary.permissions import report_runs_visible_to


def report_runs_list(user, school, limit: int = 100) -> list:
    """D14: the report runs this viewer may see (D15), the latest first (1 query)."""
    return list(
        report_runs_visible_to(user, school)
        .select_related("period__year", "requested_by")
        .order_by("-created_at", "-pk")[:limit]
    )
