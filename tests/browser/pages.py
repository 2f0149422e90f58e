"""What every page the browser tests visit must satisfy, and how to sign in."""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
AXE_JS = REPO_ROOT / "waymark" / "static" / "build" / "axe" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}


@dataclass
class PageProblems:
    """Console errors, uncaught exceptions and failed requests seen on a page."""

    errors: list[str] = field(default_factory=list)

    def take(self) -> list[str]:
        taken, self.errors = self.errors, []
        return taken


_problems: weakref.WeakKeyDictionary[Any, PageProblems] = weakref.WeakKeyDictionary()

# Runs in every page before its own scripts (init scripts are not subject to the page's CSP):
# records CSP violations where the test can read them.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


def watch(page: Any) -> PageProblems:
    """Starts recording the page's console errors, uncaught exceptions and failed requests."""
    problems = PageProblems()
    _problems[page] = problems

    def on_console(message: Any) -> None:
        if message.type == "error":
            problems.errors.append(f"console error: {message.text}")

    def on_response(response: Any) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            problems.errors.append(f"HTTP {response.status} for {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.errors.append(f"uncaught exception: {error}"))
    page.on("response", on_response)
    return problems


def check_clean(page: Any) -> None:
    """No console errors, uncaught exceptions, failed requests or CSP violations so far."""
    found = _problems[page].take()
    found += [f"CSP violation: {v}" for v in page.evaluate("() => window.__cspViolations || []")]
    assert not found, f"problems on {page.url}:\n" + "\n".join(f"  {p}" for p in found)


def check_axe(page: Any) -> dict[str, Any]:
    """Runs axe-core on the page; fails on serious or critical WCAG 2.x A/AA violations."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, which the page's CSP (no inline script)
        # does not govern; the page itself is not changed.
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    results = page.evaluate(
        """async (tags) => {
            const r = await window.axe.run(document, {runOnly: {type: "tag", values: tags}});
            return {passes: r.passes.length, violations: r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(" ")),
            }))};
        }""",
        AXE_TAGS,
    )
    assert results["passes"] > 0, f"axe-core did not run on {page.url}"
    serious = [v for v in results["violations"] if v["impact"] in FAILING_IMPACTS]
    assert not serious, f"axe-core found serious or critical problems on {page.url}:\n" + "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']}: {', '.join(v['targets'][:5])}" for v in serious
    )
    return results


def check_page(page: Any) -> None:
    """Everything every page must satisfy: styled, scripted, accessible, a clean console."""
    page.wait_for_load_state("load")
    assert page.evaluate("() => getComputedStyle(document.body).marginTop === '0px'"), (
        f"{page.url} is unstyled: app.css did not load"
    )
    page.wait_for_function("() => document.body.classList.contains('govuk-frontend-supported')", timeout=5_000)
    check_clean(page)
    check_axe(page)
    check_clean(page)


def visit(page: Any, url: str) -> Any:
    """Goes to a page and checks it (see check_page). Returns the response."""
    response = page.goto(url)
    assert response is not None, f"no response for {url}"
    assert response.ok, f"{url} answered {response.status}"
    check_page(page)
    return response


_LAST_COUNTER_USED: dict[str, int] = {}
SAFETY_SECONDS = 5


def forget_used_codes() -> None:
    """The server forgot which codes were used (its cache was cleared): so do we."""
    _LAST_COUNTER_USED.clear()


def totp_code(email: str) -> str:
    """The current TOTP code for a demo user, computed as their authenticator app would.

    As a person would, it waits for a fresh code rather than typing one about to expire (on a
    busy machine the form can arrive after the 30-second window has turned) or one this user
    has already used (each code is accepted once).
    """
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from waymark.demo.partnership import demo_totp_secret

    period = app_settings.TOTP_PERIOD
    while True:
        now = time.time()
        counter = int(now) // period
        left = period - (now % period)
        if left > SAFETY_SECONDS and _LAST_COUNTER_USED.get(email) != counter:
            break
        time.sleep(left + 0.1)
    _LAST_COUNTER_USED[email] = counter
    return format_hotp_value(hotp_value(demo_totp_secret(email), counter))


def submit_password(page: Any, email: str, password: str) -> None:
    """Fills in and sends the sign-in form (the page must be the sign-in page)."""
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")


def submit_code(page: Any, code: str) -> None:
    """Fills in and sends the security code (the page must be the MFA page)."""
    page.get_by_label("Enter your security code").fill(code)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("load")


def sign_in(page: Any, email: str, password: str) -> None:
    """Signs in through the real pages, checking each: email and password, then the code."""
    visit(page, "/accounts/login/")
    submit_password(page, email, password)
    assert page.url.endswith("/accounts/2fa/authenticate/"), f"expected the MFA page, got {page.url}"
    check_page(page)
    submit_code(page, totp_code(email))
    assert urlsplit(page.url).path == "/", f"expected the home page, got {page.url}"
    check_page(page)
