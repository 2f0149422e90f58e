"""Log filters: each line is stamped with the request id, so a log line can be matched to audit
events without the log ever carrying a record's contents; and a path that is itself a secret
(a survivor's one-time feedback link) is written without it."""

import logging
import re

from waymark.core import request_context

# A one-time feedback link is a bearer secret: whoever holds it may answer in her place, so it
# never reaches a log. Django logs a path on a 404 or a refused CSRF check, the web server's
# access log on every request (gunicorn.conf.py uses ``redact_path`` too).
_SECRET_PATHS = re.compile(r"(/feedback/)(?!thank-you/)[^/\s?#\"']+")
REDACTED = "[link]"


def redact_path(text: str) -> str:
    """``text`` with every one-time feedback link's token replaced by ``[link]``."""
    return _SECRET_PATHS.sub(rf"\g<1>{REDACTED}", text)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        context = request_context.current()
        record.request_id = context.request_id if context else "-"
        return True


class SecretPathFilter(logging.Filter):
    """Rewrites a record whose message names a feedback link (Django's "Not Found: /feedback/...",
    "Forbidden (CSRF token missing.): /feedback/...") without the token."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_path(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
