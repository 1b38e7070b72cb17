"""The JSON parser of every API: DRF's, with a body nested too deep for the decoder refused as malformed."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class DiaryJSONParser(JSONParser):
    """A body like `[[[[…]]]]` a thousand levels deep makes Python's JSON decoder raise `RecursionError`, which is
    no `ValueError` and so escapes DRF's own check as a server error: it is bad input like any other."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError from error
