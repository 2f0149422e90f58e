"""Who sees the provision map and contracts: commissioners and the partnership lead (they hold
no person-level records here: services and contracts only). Everyone else sees none (404)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from waymark.audit.scoping import Detail, get_for_user
from waymark.core.roles import Role

if TYPE_CHECKING:
    from waymark.accounts.models import User
    from waymark.commissioning.models import BoardPack, Contract

PROVISION_ROLES = (Role.COMMISSIONER, Role.PARTNERSHIP_LEAD)


def may_see_provision(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(set(PROVISION_ROLES) & set(user.roles))


def get_contract_for_user(user: User, pk: Any, *, detail: Detail[Contract] = None) -> Contract:
    """The contract, if this user may see it, through the one object check (``get_for_user``, which
    writes the VIEW row with ``detail``). Http404 alike for missing and not yours."""
    from waymark.commissioning.models import Contract

    return get_for_user(
        Contract.objects.visible_to(user).select_related("provider_agency"), pk, actor=user, detail=detail
    )


def get_board_pack_for_user(user: User, pk: Any, **check: Any) -> BoardPack:
    """A board pack, for those who see the provision map, through the one object check (which
    writes the read's row: ``detail``, and ``read_as`` for the download)."""
    from waymark.commissioning.models import BoardPack

    return get_for_user(BoardPack.objects.visible_to(user).select_related("generated_by"), pk, actor=user, **check)
