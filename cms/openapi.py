"""The OpenAPI schema describes the diary API only; Wagtail's own APIs document themselves."""

import re

DIARY_API_PREFIX = "/api/diary/v1/"


def diary_endpoints_only(endpoints):
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(DIARY_API_PREFIX)]


ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object"},
            },
        }
    },
}
ERROR_STATUSES = {
    "400": "Bad input; nothing was changed.",
    "401": "Not logged in, or the token is not valid.",
    "403": "Not allowed: the caller may not see or do this.",  # D15
    "404": "Not found, or not visible to this account.",
    "405": "Method not allowed.",
    "406": "Only JSON is answered.",
    "409": "Stale version: someone else changed the data.",
    "429": "Too many requests or failed attempts.",
}


def error_responses(result, generator, request, public):
    """Every diary operation may answer with the contract's error shape (INTERFACES.md §3)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(status, {"description": description, "content": reference})
    return result


# The descriptions come from the views' docstrings, which cite the regulation's rule ids for the code's readers;
# the published documentation leaves the ids out: "(D15)", "D4: …", "the D7 window".
RULE_ID_LIST = re.compile(r"\s*\((?:[DWL]\d{1,2}(?:\s*(?:,|;|–|-|and)\s*)?)+\)")
RULE_ID_PREFIX = re.compile(r"(^|(?<=[.;]\s))(?:[DWL]\d{1,2}(?:\s*(?:,|and)\s*)?)+(?:\s*\(interpretation\))?:\s*")
RULE_ID = re.compile(r"(?<![-\w])[DWL]\d{1,2}\b\s?")


def without_rule_ids_text(text: str) -> str:
    cleaned = RULE_ID_LIST.sub("", text)
    cleaned = RULE_ID_PREFIX.sub(lambda match: match.group(1), cleaned)
    cleaned = RULE_ID.sub("", cleaned)
    if cleaned == text:
        return text
    return cleaned[:1].upper() + cleaned[1:]


def without_rule_ids(result, generator, request, public):
    """Every description and summary of the published schema, without the rule ids."""

    def clean(node):
        if isinstance(node, dict):
            return {
                key: without_rule_ids_text(value) if key in ("description", "summary") and isinstance(value, str)
                else clean(value)
                for key, value in node.items()
            }  # fmt: skip
        if isinstance(node, list):
            return [clean(item) for item in node]
        return node

    return clean(result)
