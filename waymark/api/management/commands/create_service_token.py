"""manage.py create_service_token EMAIL: issue (or replace) the API token of a service account."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

from waymark.accounts.models import User
from waymark.api.permissions import is_service_account
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.organisations.models import Agency, Membership
from waymark.organisations.roles import Role


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
                email=email, full_name=options["name"] or f"Service account ({agency.name})"
            )
            user.set_unusable_password()
            user.save(update_fields=["password"])
            Membership.objects.create(user=user, agency=agency, role=options["role"])
            user = User.objects.get(pk=user.pk)
        if not user.is_active or not is_service_account(user):
            raise CommandError("Tokens are only for active service accounts with memberships in exactly one agency.")
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        audit_record(
            actor=None,
            action=AuditAction.ADMIN_CHANGE,
            obj=user,
            actor_label="Administrator (command line)",
            detail={"change": "api_token_issued"},
        )
        self.stdout.write(f"Token for {user.email} (shown once; store it in the calling system's secret store):")
        self.stdout.write(token.key)
