"""The object choke point: one scope spelling and one object check for every protected record.

Every protected model's queryset is a ``ScopedQuerySet`` whose ``visible_to(user)`` is marked with
``@user_scope``: the queryset it returns remembers whose scope it is, through every later
``filter``, ``select_related`` or ``order_by`` (narrowing keeps the mark; ``|``, ``^`` and
``union`` with anything not scoped for the same user drop it, since they can widen).

Detail pages and actions fetch one record with the one object check::

    case = get_for_user(Case.objects.visible_to(user), case_id, actor=user, detail={"page": "case"})

which refuses (loudly, a programming error) a queryset that is not a scope for ``actor``, answers
404 alike for "no such record", "not yours" and an id that is not an id (so ids cannot be probed),
and writes the "viewed a record" audit row (``AuditAction.VIEW``) itself: views do not write it.

Child records are fetched through their parent's scope, never after it by their own id alone:
``get_for_user(Task.objects.visible_to(user).filter(case=case), task_id, actor=user)``.

This lives in ``audit`` because it writes an audit row: the lowest layer that may import
``audit_record`` (``core`` may not). Which conditions grant sight of a record is not decided here
but in each app's ``access.py``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar, cast

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.http import Http404

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction

if TYPE_CHECKING:
    from waymark.accounts.models import User

M = TypeVar("M", bound=models.Model)
Q_ = TypeVar("Q_", bound="ScopedQuerySet[Any]")
P = ParamSpec("P")
R = TypeVar("R")

# What a VIEW row says besides the record: fixed context, or context computed from the record.
Detail = Mapping[str, Any] | Callable[[M], Mapping[str, Any]] | None

# What the object check may record: reading a record on screen, on paper or in a file.
READS = frozenset({AuditAction.VIEW, AuditAction.PRINT, AuditAction.EXPORT})

# The mark of a scope built for nobody (an anonymous or inactive user): it can only be empty.
_NOBODY = "nobody"


def _owner(user: object) -> object:
    pk = getattr(user, "pk", None)
    if pk is None or not getattr(user, "is_authenticated", False):
        return _NOBODY
    return pk


class ScopedQuerySet(models.QuerySet[M]):
    """A queryset that knows whether, and for whom, it is a ``visible_to`` scope."""

    _scoped_for: object = None

    def _clone(self) -> Any:
        # Django's own copy (absent from the type stubs): the mark travels with every clone.
        clone = super()._clone()  # type: ignore[misc]
        clone._scoped_for = self._scoped_for
        return clone

    def _mark(self, user: object) -> Any:
        self._scoped_for = _owner(user)
        return self

    def is_scope_for(self, user: User | None) -> bool:
        """True only for a queryset that came from ``visible_to(user)`` for this very user."""
        return self._scoped_for is not None and self._scoped_for == _owner(user)

    def _combined_mark(self, other: Any) -> object:
        theirs = getattr(other, "_scoped_for", None)
        return self._scoped_for if theirs is not None and theirs == self._scoped_for else None

    def __or__(self, other: Any) -> Any:
        combined = super().__or__(other)
        combined._scoped_for = self._combined_mark(other)
        return combined

    def __xor__(self, other: Any) -> Any:
        combined = super().__xor__(other)
        combined._scoped_for = self._combined_mark(other)
        return combined

    def union(self, *other_qs: Any, all: bool = False) -> Any:
        combined = super().union(*other_qs, all=all)
        marks = {self._combined_mark(other) for other in other_qs}
        combined._scoped_for = marks.pop() if len(marks) == 1 else None
        return combined


def user_scope(method: Callable[Concatenate[Q_, P], R]) -> Callable[Concatenate[Q_, P], R]:
    """Marks a ``visible_to(user, ...)`` method's result as that user's scope."""

    @functools.wraps(method)
    def wrapper(self: Q_, *args: P.args, **kwargs: P.kwargs) -> R:
        user = args[0] if args else kwargs.get("user")
        found = method(self, *args, **kwargs)
        if not isinstance(found, ScopedQuerySet):
            raise ImproperlyConfigured(f"{method.__qualname__} must return a ScopedQuerySet, not {type(found)}.")
        # Mark a clone: the result may share nothing with another caller's queryset.
        return cast(R, found.all()._mark(user))

    return wrapper


def get_for_user(
    scope: models.QuerySet[M],
    object_id: object,
    *,
    actor: User,
    detail: Detail[M] = None,
    read_as: AuditAction = AuditAction.VIEW,
) -> M:
    """The one object check: the record ``object_id`` if it is in ``actor``'s ``scope``.

    Http404 alike for "does not exist", "not yours" and an id that is not an id. On success it
    writes the "viewed a record" audit row for the record (``detail``: non-sensitive context such
    as which page; or a function of the record, for context that depends on it, such as whether an
    address is shown), so every detail page is audited by the check itself.

    ``read_as``: a page that prints or downloads the record says so (``AuditAction.PRINT`` or
    ``AuditAction.EXPORT``), and that row is the read's one row; only reads are allowed here.
    """
    if read_as not in READS:
        raise ImproperlyConfigured(f"get_for_user records a read (one of {sorted(READS)}), not {read_as!r}.")
    if not isinstance(scope, ScopedQuerySet) or not scope.is_scope_for(actor):
        raise ImproperlyConfigured(
            f"get_for_user needs {scope.model.__name__}.objects.visible_to(actor), narrowed if need be; "
            "it was given a queryset that is not that user's scope."
        )
    name = scope.model._meta.verbose_name
    try:
        pk = scope.model._meta.pk.to_python(object_id)
    except (ValidationError, TypeError, ValueError):
        raise Http404(f"No such {name}") from None
    if pk is None:
        raise Http404(f"No such {name}")
    found = scope.filter(pk=pk).first()
    if found is None:
        raise Http404(f"No such {name}")
    context = detail(found) if callable(detail) else detail
    audit_record(actor=actor, action=read_as, obj=found, detail=dict(context or {}))
    return found
