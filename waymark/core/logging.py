"""Log filter that stamps each line with the request id, so a log line can be matched to
audit events without the log ever carrying a record's contents."""

import logging

from waymark.core import request_context


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        context = request_context.current()
        record.request_id = context.request_id if context else "-"
        return True
