"""manage.py create_service_token EMAIL: issue (or replace) the API token of a service account.

The token is hashed at rest, scoped, and expires (``waymark/api/tokens.py``); it is printed once.
"""

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from waymark.accounts.models import AccountKind, User
from waymark.api.models import ServiceToken
from waymark.api.permissions import is_service_account
from waymark.api.tokens import scope_choices, service_token_issue, service_token_revoke
from waymark.core.roles import Role
from waymark.organisations.models import Agency, Membership


class Command(BaseCommand):
    help = (
        "Issue an API token for a service account (a user whose memberships are all in one agency). "
        "Any earlier token of the account stops working. With --agency and --role, creates the account."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")
        parser.add_argument("--agency", default="", help="agency_ref: create the account in this agency.")
        parser.add_argument("--role", default="", choices=["", *Role.values], help="The account's role when creating.")
        parser.add_argument("--name", default="", help="A name for a new account (e.g. 'Police case system').")
        parser.add_argument(
            "--scope",
            action="append",
            default=[],
            help="What the token may call, e.g. api:referrals:write (repeat; default: every endpoint, read only).",
        )
        parser.add_argument("--days", type=int, default=90, help="Days until the token expires (at most 366).")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        user = User.objects.filter(email=email).first()
        if user is None:
            if not (options["agency"] and options["role"]):
                raise CommandError("No such user. To create a service account give --agency and --role.")
            agency = Agency.objects.filter(ref=options["agency"], is_active=True).first()
            if agency is None:
                raise CommandError(f"No active agency has the reference {options['agency']!r}.")
            user = User.objects.create_user(
                email=email, full_name=options["name"] or f"Service account ({agency.name})", kind=AccountKind.SERVICE
            )
            user.set_unusable_password()
            user.save(update_fields=["password"])
            Membership.objects.create(user=user, agency=agency, role=options["role"])
            user = User.objects.get(pk=user.pk)
        if not user.is_active or not is_service_account(user):
            raise CommandError("Tokens are only for active service accounts with memberships in exactly one agency.")
        label = "Administrator (command line)"
        for earlier in ServiceToken.objects.usable().filter(user=user):
            service_token_revoke(actor=None, token=earlier, actor_label=label)
        scopes = options["scope"] or [value for value, _ in scope_choices() if value.endswith(":read")]
        try:
            _, secret = service_token_issue(
                actor=None,
                user=user,
                name=f"Issued by command for {user.email}",
                scopes=scopes,
                expires_at=timezone.now() + timedelta(days=options["days"]),
                actor_label=label,
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(f"Token for {user.email} (shown once; store it in the calling system's secret store):")
        self.stdout.write(secret)
