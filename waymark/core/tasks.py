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
  result whose error is ``RetryScheduled``; the last attempt's failure keeps its real error's
  type and is listed for administrators (``waymark/operations``), who can run it again. Nothing
  is silently lost. An error's message is never kept nor logged, only its type: it could quote a
  record (``JobFailed``).

Job arguments are stored in the database in plain JSON: pass record ids, never a name, an
address or any other personal detail. A job that must carry one takes it encrypted with
``crypto.encrypt_text`` and names that parameter in ``background_task(encrypted=...)``:
``waymark.core.tasks.send_email`` the message it carries, the password reset job the email
address that was typed and when (there may be no record to name).

- **Key rotation.** ``manage.py reencrypt`` calls ``reencrypt_job_arguments``, which moves the
  declared encrypted arguments of every job that may still run to the current first key, so the
  old key can be removed without breaking a queued job. A retry carries its encrypted arguments
  under the current first key too. Finished jobs are left as they are (see that function).
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus, task
from django_tasks.base import Task

from waymark.core import crypto

P = ParamSpec("P")
T = TypeVar("T")

# Seconds to wait before attempts 2, 3, 4 and 5.
RETRY_DELAYS = (60, 5 * 60, 30 * 60, 2 * 60 * 60)
DEFAULT_MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
ATTEMPT_KWARG = "_attempt"
# Where a task function keeps {parameter name: position} of its encrypted arguments.
ENCRYPTED_ARGUMENTS_ATTR = "encrypted_arguments"


class RetryScheduled(Exception):
    """This attempt failed and a later attempt has been queued. It names the error's type only:
    the error is not chained, so its message is kept neither in the job's stored traceback nor
    in the worker's log (a refused recipient's message is her email address)."""


class JobFailed(Exception):
    """A job's last attempt failed: raised in place of its error, carrying only the error's type.

    The worker keeps the traceback of what a job raised (``DBTaskResult.traceback``) and logs it.
    An error's message can quote a record (a refused recipient is named by her address), so the
    error itself is not raised, nor chained: ``_failed_as`` gives a subclass of this named as the
    error's own class (module and name), so the result's ``exception_class_path`` and the
    background jobs page (``waymark/operations``) still say what went wrong.
    """


def _failed_as(error_type: type[Exception]) -> type[JobFailed]:
    """A ``JobFailed`` named as ``error_type``: its module and qualified name."""
    return _job_failed_named(error_type.__module__, error_type.__qualname__)


@functools.cache
def _job_failed_named(module: str, qualname: str) -> type[JobFailed]:
    attributes = {"__module__": module, "__qualname__": qualname, "__doc__": JobFailed.__doc__}
    return type(qualname.rsplit(".", 1)[-1], (JobFailed,), attributes)


RETRY_SCHEDULED_PATH = f"{RetryScheduled.__module__}.{RetryScheduled.__qualname__}"


def retry_delay(attempt: int) -> timedelta:
    """How long to wait after failed attempt ``attempt`` (1-based) before the next one."""
    return timedelta(seconds=RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1])


def background_task(
    *,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    queue_name: str = "default",
    priority: int = 0,
    encrypted: tuple[str, ...] = (),
) -> Callable[[Callable[..., T]], Task[..., T]]:
    """Declare a background job that is retried (bounded) when it raises.

    ``encrypted`` names the job's parameters that carry ``crypto.encrypt_text`` ciphertext (and
    nothing else): key rotation re-encrypts them while the job waits (``reencrypt_job_arguments``).
    """
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")

    def decorate(func: Callable[..., T]) -> Task[..., T]:
        parameters = list(inspect.signature(func).parameters)
        if unknown := sorted(set(encrypted) - set(parameters)):
            raise TypeError(f"{func.__qualname__} has no parameter named {', '.join(unknown)}")
        positions = {name: parameters.index(name) for name in encrypted}

        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> T:
            attempt = int(kwargs.pop(ATTEMPT_KWARG, 1))
            try:
                return func(*args, **kwargs)
            except Exception as exc:
                error_type = type(exc)
            # Only the error's type goes on, and from here, outside the handler: nothing raised
            # below (the retry's queueing failing too) has the error chained to it. Its message
            # could carry a detail from a record (see JobFailed).
            failed = f"Attempt {attempt} of {max_attempts} failed ({error_type.__name__})"
            if attempt >= max_attempts:
                raise _failed_as(error_type)(f"{failed}; its message is not kept.") from None
            # Under the current key, even if a rotation moved the queued row while this ran.
            again_args, again_kwargs = list(args), dict(kwargs)
            _reencrypt_arguments(positions, again_args, again_kwargs)
            again = declared.using(run_after=timezone.now() + retry_delay(attempt))
            again.enqueue(*again_args, **again_kwargs, **{ATTEMPT_KWARG: attempt + 1})
            raise RetryScheduled(f"{failed}; attempt {attempt + 1} is queued.") from None

        run.max_attempts = max_attempts  # type: ignore[attr-defined]
        setattr(run, ENCRYPTED_ARGUMENTS_ATTR, positions)
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


def _reencrypt_arguments(positions: dict[str, int], args: list[Any], kwargs: dict[str, Any]) -> bool:
    """Re-encrypt in place, under the current first key, the encrypted arguments at ``positions``
    (a parameter's name and position: a job may be queued with it either way). True if any moved."""
    moved = False
    for name, position in positions.items():
        if position < len(args):
            before, args[position] = args[position], crypto.reencrypt_text(args[position])
            moved |= args[position] != before
        elif name in kwargs:
            before, kwargs[name] = kwargs[name], crypto.reencrypt_text(kwargs[name])
            moved |= kwargs[name] != before
    return moved


def _encrypted_argument_positions(task_path: str) -> dict[str, int] | None:
    """The encrypted arguments of the job at ``task_path``; None when no such job exists any more."""
    try:
        declared = import_string(task_path)
    except ImportError:
        return None
    if not isinstance(declared, Task):
        return None
    return dict(getattr(declared.func, ENCRYPTED_ARGUMENTS_ATTR, {}))


@dataclass
class JobArgumentsRotation:
    """What ``reencrypt_job_arguments`` did."""

    jobs_checked: int = 0  # jobs that may still run and carry encrypted arguments
    jobs_reencrypted: int = 0  # of those, jobs with an argument moved to the current key
    finished_jobs_left: int = 0  # finished jobs with an argument left under an older key
    jobs_of_unknown_tasks: int = 0  # jobs that may still run naming a task that no longer exists
    jobs_unreadable: int = 0  # jobs that may still run with an argument no current key can read


# What reading an encrypted argument raises when no current key can: its key was removed
# (ImproperlyConfigured), it fails authentication or is in no known format (DecryptionError), or
# it is not ciphertext at all (a string without the key id's colon: IndexError; not a string:
# AttributeError; not base64: ValueError, binascii.Error among them).
UNREADABLE = (ImproperlyConfigured, crypto.DecryptionError, IndexError, AttributeError, ValueError)


def may_still_run() -> Q:
    """Jobs whose arguments may still be used: waiting (a retry among them), running (one whose
    worker was lost is run again from the same row), or failed for good and not yet followed up
    (an administrator may run it again with the same arguments, ``waymark/operations``, whose
    ``TaskFollowUp`` is the job's ``follow_up``)."""
    return Q(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]) | (
        Q(status=TaskResultStatus.FAILED, follow_up__isnull=True) & ~Q(exception_class_path=RETRY_SCHEDULED_PATH)
    )


def reencrypt_job_arguments() -> JobArgumentsRotation:
    """Re-encrypt under the current first key the encrypted arguments of every job that may
    still run (``may_still_run``), in one transaction with their rows locked. Idempotent.

    Finished jobs are left as they are: a job that succeeded, a failed attempt whose retry is
    queued (that retry is re-encrypted) and a failure an administrator has dealt with will never
    use their arguments again. Left under the old key, they can no longer be read once it is
    removed, which is what should happen to a secret nobody needs; their rows are deleted by
    ``prune_db_task_results`` (docs/deployment.md). They are counted, not decrypted.

    A job that may still run but whose argument cannot be read (under a key already removed, or
    not ciphertext at all) is counted and left as it is, and the others are still moved: the
    worker cannot run it either, and its value is never logged.
    """
    from django_tasks_db.models import DBTaskResult

    counts = JobArgumentsRotation()
    current = crypto.current_key_id()
    positions_by_task: dict[str, dict[str, int]] = {}
    with transaction.atomic():
        for task_path in DBTaskResult.objects.order_by().values_list("task_path", flat=True).distinct():
            positions = _encrypted_argument_positions(task_path)
            if positions is None:
                counts.jobs_of_unknown_tasks += DBTaskResult.objects.filter(
                    may_still_run(), task_path=task_path
                ).count()
            elif positions:
                positions_by_task[task_path] = positions
        jobs = DBTaskResult.objects.filter(task_path__in=positions_by_task).order_by("pk")
        # Lock the job rows alone: "not yet followed up" is an outer join, whose nullable side
        # PostgreSQL refuses to lock. A worker claiming jobs skips locked rows.
        for job in jobs.filter(may_still_run()).select_for_update(of=("self",)):
            counts.jobs_checked += 1
            args, kwargs = job.args_kwargs["args"], job.args_kwargs["kwargs"]
            try:
                moved = _reencrypt_arguments(positions_by_task[job.task_path], args, kwargs)
            except UNREADABLE:
                counts.jobs_unreadable += 1
                continue
            if moved:
                DBTaskResult.objects.filter(pk=job.pk).update(args_kwargs={"args": args, "kwargs": kwargs})
                counts.jobs_reencrypted += 1
        for job in jobs.exclude(may_still_run()).only("task_path", "args_kwargs").iterator():
            values = _argument_values(positions_by_task[job.task_path], job.args_kwargs)
            counts.finished_jobs_left += any(_under_an_older_key(value, current) for value in values)
    return counts


def _under_an_older_key(value: Any, current: str) -> bool:
    """Whether a finished job's argument is ciphertext under a key other than ``current`` (a value
    that is not ciphertext at all is under no key)."""
    return isinstance(value, str) and crypto.is_ciphertext(value) and crypto.key_id_of(value) != current


def _argument_values(positions: dict[str, int], args_kwargs: dict[str, Any]) -> list[str]:
    """The values of the encrypted arguments a job was queued with."""
    args, kwargs = args_kwargs["args"], args_kwargs["kwargs"]
    values = []
    for name, position in positions.items():
        if position < len(args):
            values.append(args[position])
        elif name in kwargs:
            values.append(kwargs[name])
    return values


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


@background_task(encrypted=("encrypted_payload",))
def send_email(encrypted_payload: str) -> int:
    """Send one queued email. Returns the number of messages sent (1)."""
    payload = json.loads(crypto.decrypt_text(encrypted_payload))
    message = EmailMultiAlternatives(
        subject=payload["subject"], body=payload["body"], from_email=payload["from_email"], to=payload["to"]
    )
    for content, mimetype in payload["alternatives"]:
        message.attach_alternative(content, mimetype)
    return message.send()
