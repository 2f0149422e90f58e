"""Limits on JSON a client sends: size and nesting depth, checked before it is parsed.

Python's parser recurses once per level, so a body of 5,000 nested brackets raised
RecursionError (a 500). ``check_json`` refuses it first, in one pass over the bytes.
"""

from __future__ import annotations

MAX_JSON_DEPTH = 32
MAX_JSON_BYTES = 1024 * 1024


class JsonTooComplex(ValueError):
    pass


def check_json(raw: bytes | str, *, max_depth: int = MAX_JSON_DEPTH, max_bytes: int = MAX_JSON_BYTES) -> None:
    """Raises JsonTooComplex if ``raw`` is longer than ``max_bytes`` or nests arrays and objects
    deeper than ``max_depth`` (brackets inside strings do not count)."""
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    if len(raw) > max_bytes:
        raise JsonTooComplex(f"The JSON is larger than {max_bytes:,} bytes.")
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > max_depth:
                raise JsonTooComplex(f"The JSON nests deeper than {max_depth} levels.")
        elif char in "]}":
            depth -= 1
