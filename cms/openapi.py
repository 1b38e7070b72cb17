"""The OpenAPI schema describes the diary API only; Wagtail's own APIs document themselves."""

DIARY_API_PREFIX = "/api/diary/v1/"


def diary_endpoints_only(endpoints):
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(DIARY_API_PREFIX)]
