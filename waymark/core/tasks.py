"""Background work: how Waymark queues a job and what happens when one fails.

Every background job is declared with ``background_task`` and queued with
``enqueue_after_commit``. The worker (``manage.py db_worker``, django-tasks' database backend)
runs it; ``docs/deployment.md`` says how the worker runs in production.

- **After commit.** With the database backend the job's row is written in the caller's
  transaction: it is committed with the record it is about, or rolled back with it, and the
  worker only ever sees committed rows. A notification for a referral that was never saved is
  never sent; one for a referral that was saved is never lost. Any other backend (the immediate
  backend some tests use) queues the job from ``transaction.on_commit``.
- **Bounded retries.** A job that raises is queued again after a growing delay
  (``RETRY_DELAYS``), up to ``max_attempts`` attempts. Each failed attempt is kept as a failed
  result whose error is ``RetryScheduled``; the last attempt's failure keeps its real error and
  is listed for administrators (``waymark/operations``), who can run it again. Nothing is
  silently lost.

Job arguments are stored in the database in plain JSON: pass record ids, never a name, an
address or any other personal detail. A job that must carry one takes it encrypted with
``crypto.encrypt_text``: ``waymark.core.tasks.send_email`` the message it carries, the password
reset job the email address that was typed (there may be no record to name).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any, ParamSpec, TypeVar

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task

from waymark.core import crypto

P = ParamSpec("P")
T = TypeVar("T")

# Seconds to wait before attempts 2, 3, 4 and 5.
RETRY_DELAYS = (60, 5 * 60, 30 * 60, 2 * 60 * 60)
DEFAULT_MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
ATTEMPT_KWARG = "_attempt"


class RetryScheduled(Exception):
    """This attempt failed and a later attempt has been queued (the cause is chained)."""


def retry_delay(attempt: int) -> timedelta:
    """How long to wait after failed attempt ``attempt`` (1-based) before the next one."""
    return timedelta(seconds=RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1])


def background_task(
    *, max_attempts: int = DEFAULT_MAX_ATTEMPTS, queue_name: str = "default", priority: int = 0
) -> Callable[[Callable[..., T]], Task[..., T]]:
    """Declare a background job that is retried (bounded) when it raises."""
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")

    def decorate(func: Callable[..., T]) -> Task[..., T]:
        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> T:
            attempt = int(kwargs.pop(ATTEMPT_KWARG, 1))
            try:
                return func(*args, **kwargs)
            except Exception as exc:
                if attempt >= max_attempts:
                    raise
                again = declared.using(run_after=timezone.now() + retry_delay(attempt))
                again.enqueue(*args, **kwargs, **{ATTEMPT_KWARG: attempt + 1})
                # Only the error's type: its message could carry a detail from a record.
                raise RetryScheduled(
                    f"Attempt {attempt} of {max_attempts} failed ({type(exc).__name__}); "
                    f"attempt {attempt + 1} is queued."
                ) from exc

        run.max_attempts = max_attempts  # type: ignore[attr-defined]
        declared: Task[..., T] = task(queue_name=queue_name, priority=priority)(run)
        return declared

    return decorate


def enqueue_after_commit(job: Task[..., Any], *args: Any, **kwargs: Any) -> None:
    """Queue ``job`` so that it runs only once the current transaction has committed."""
    from django_tasks_db import DatabaseBackend

    if isinstance(job.get_backend(), DatabaseBackend):
        job.enqueue(*args, **kwargs)  # the row commits (or rolls back) with the caller's work
    else:
        transaction.on_commit(lambda: job.enqueue(*args, **kwargs))


def queue_email(message: EmailMessage) -> None:
    """Send ``message`` from the worker, after commit. Its content is encrypted while queued."""
    payload = {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "alternatives": [[str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])],
    }
    enqueue_after_commit(send_email, crypto.encrypt_text(json.dumps(payload)))


@background_task()
def send_email(encrypted_payload: str) -> int:
    """Send one queued email. Returns the number of messages sent (1)."""
    payload = json.loads(crypto.decrypt_text(encrypted_payload))
    message = EmailMultiAlternatives(
        subject=payload["subject"], body=payload["body"], from_email=payload["from_email"], to=payload["to"]
    )
    for content, mimetype in payload["alternatives"]:
        message.attach_alternative(content, mimetype)
    return message.send()
