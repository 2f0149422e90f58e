"""The production smoke's steps (run by .ci/smoke, which starts and stops the servers).

    python .ci/smoke.py setup     agencies and two users, one with a known MFA secret
    python .ci/smoke.py browse    sign in through the real MFA pages and make a referral
    python .ci/smoke.py check     the worker ran the referral's notification task

Every wait is bounded: a step that cannot finish fails, it never hangs.
"""

from __future__ import annotations

import base64
import os
import re
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waymark.config.settings")

REFERRER = "smoke.referrer@police.example.org"
MANAGER = "smoke.manager@advocacy.example.org"
PASSWORD = "smoke-test-passphrase-" + "x" * 12
# A fixed secret for the smoke's own throwaway database only.
TOTP_SECRET = base64.b32encode(b"waymark-smoke-secret").decode().rstrip("=")
NUMBER_FILE = Path(os.environ.get("SMOKE_STATE", "var/smoke-referral"))  # .ci/smoke sets it


def setup() -> None:
    import django

    django.setup()
    from allauth.mfa.totp.internal.auth import TOTP

    from waymark.accounts.models import User
    from waymark.core.roles import Role
    from waymark.organisations.models import Agency, AgencyKind, Membership

    receiving = Agency.objects.create(ref="SASS", name="Smoke Advocacy Service", kind=AgencyKind.DA_SPECIALIST)
    police = Agency.objects.create(ref="SMOKEPOL", name="Smoke Police", kind=AgencyKind.POLICE)
    referrer = User.objects.create_user(email=REFERRER, password=PASSWORD, full_name="Smoke Referrer")
    manager = User.objects.create_user(email=MANAGER, password=PASSWORD, full_name="Smoke Manager")
    Membership.objects.create(user=referrer, agency=police, role=Role.REFERRER)
    Membership.objects.create(user=manager, agency=receiving, role=Role.TEAM_MANAGER)
    TOTP.activate(referrer, TOTP_SECRET)
    print("smoke: agencies and users created")


def totp_code() -> str:
    """A fresh code, as a person's app shows it: never one about to expire."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    while (left := 30 - time.time() % 30) < 8:
        time.sleep(left + 0.2)
    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))


def browse(base: str) -> None:
    import django

    django.setup()
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
    ]
    yesterday = date.today() - timedelta(days=1)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=args, headless=True)
        # As the load balancer would say: the connection reached it over TLS.
        context = browser.new_context(extra_http_headers={"X-Forwarded-Proto": "https"})
        context.set_default_timeout(30_000)
        page = context.new_page()

        def fill_date(day: date) -> None:
            page.get_by_label("Day").fill(str(day.day))
            page.get_by_label("Month").fill(str(day.month))
            page.get_by_label("Year").fill(str(day.year))

        def next_page(name: str = "Continue") -> None:
            with page.expect_navigation():
                page.get_by_role("button", name=name).click()

        page.goto(f"{base}/accounts/login/")
        page.get_by_label("Email address").fill(REFERRER)
        page.get_by_label("Password").fill(PASSWORD)
        next_page("Sign in")
        assert page.url.endswith("/accounts/2fa/authenticate/"), f"expected the MFA page, got {page.url}"
        page.get_by_label("Enter your security code").fill(totp_code())
        next_page("Continue")
        assert page.url.rstrip("/") == base, f"expected the home page after MFA, got {page.url}"
        print("smoke: signed in with password and MFA code")

        page.goto(f"{base}/referrals/new/")
        next_page("Start now")
        page.get_by_label("First name").fill("Smoke")
        page.get_by_label("Last name").fill("Tester")
        fill_date(date(1990, 4, 3))
        page.get_by_label("Female", exact=True).check()
        page.get_by_label("Postcode").fill("SE1 7PB")
        # The known-person fragment may answer as the referrer types (it shows a referrer no
        # candidates): let any request finish before moving on, as the browser tests do.
        page.get_by_label("Postcode").press("End")  # a keystroke, as typing ends
        page.wait_for_timeout(1500)  # the fragment's typing delay
        page.wait_for_load_state("networkidle")
        next_page()
        page.locator("input[name=known][value=no]").check()
        next_page()
        page.get_by_label("How many children live in the household?").fill("0")
        next_page()
        page.get_by_label("Domestic abuse", exact=True).check()
        page.get_by_label("Physical", exact=True).check()
        fill_date(yesterday)
        page.get_by_label("What happened").fill("Smoke test referral.")
        next_page()
        page.locator("input[name=completed][value=no]").check()
        next_page()
        page.get_by_label("Yes, they consent to this referral").check()
        next_page()
        for question, answer in (("call", "yes"), ("text", "no"), ("voicemail", "no"), ("write", "no")):
            page.locator(f"input[name=safe_to_{question}][value={answer}]").check()
        page.get_by_label("A phone number that is safe to use").fill("07700 900982")
        next_page()
        next_page("Accept and send")
        panel = page.locator(".govuk-panel--confirmation").inner_text()
        number = re.search(r"R-\d{4}-\d{6}", panel)
        assert number, f"no referral number on the confirmation page: {panel!r}"
        NUMBER_FILE.write_text(number.group(0))
        print(f"smoke: referral {number.group(0)} sent")
        browser.close()


def check(timeout: float) -> None:
    import django

    django.setup()
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from waymark.referrals.models import Referral

    referral = Referral.objects.get(number=NUMBER_FILE.read_text().strip())
    deadline = time.monotonic() + timeout
    while True:
        result = DBTaskResult.objects.filter(
            task_path="waymark.referrals.notifications.notify_referral_received",
            args_kwargs__args=[str(referral.pk)],
        ).first()
        if result is not None and result.status == TaskResultStatus.SUCCESSFUL:
            assert result.return_value == 1, f"expected one email (the team manager), got {result.return_value}"
            print(f"smoke: the worker ran the notification task for {referral.number} (1 email sent)")
            return
        if result is not None and result.status == TaskResultStatus.FAILED:
            raise SystemExit(f"smoke: the notification task failed: {result.exception_class_path}")
        if time.monotonic() > deadline:
            state = result.status if result else "not queued"
            raise SystemExit(f"smoke: the notification task did not run within {timeout:.0f}s ({state})")
        time.sleep(1)


if __name__ == "__main__":
    step = sys.argv[1]
    if step == "setup":
        setup()
    elif step == "browse":
        browse(sys.argv[2])
    elif step == "check":
        check(float(sys.argv[2]) if len(sys.argv) > 2 else 60)
    else:
        raise SystemExit(f"unknown step {step}")
