"""Gunicorn settings for production (`gunicorn -c gunicorn.conf.py waymark.config.wsgi`).

The access log records the path WITHOUT its query string (%(U)s, not %(r)s): searches for a
person carry names and dates of birth in the query string, and those must never reach a log. A
survivor's one-time feedback link is written without its token (``RedactingLogger``).
"""

import os
import sys

from gunicorn.glogging import Logger

# This file is read before gunicorn changes into the project's directory (--chdir): find the
# project beside it.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from waymark.core.logging import redact_path  # after the path above


class RedactingLogger(Logger):
    """The access log without a one-time feedback link's token (a bearer secret)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact_path(atoms["U"])
        return atoms


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")  # behind the load balancer
# Sync workers (gunicorn's default class): a page is CPU-bound Python, so threads or green threads
# would add no throughput under the GIL. The count is a little above the core count, enough to
# cover the waits for PostgreSQL and no more (docs/deployment.md, "Load test", says why).
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
timeout = 60
accesslog = "-"
access_log_format = '%(t)s %({x-request-id}o)s "%(m)s %(U)s" %(s)s %(b)s %(L)s'
errorlog = "-"
logger_class = RedactingLogger
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
