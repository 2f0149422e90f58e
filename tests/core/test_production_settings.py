"""Production settings refuse to run unsafely, and nothing in them can skip MFA.

Settings are read once per process, so each production case runs in a fresh interpreter with
only the environment it names (nothing inherited from the developer's shell).
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.checks import Error, Warning

from waymark.core.checks import check_nothing_skips_mfa

REPO = Path(__file__).resolve().parent.parent.parent
PYTHON = sys.executable

PRODUCTION_ENV = {
    "WAYMARK_ENV": "production",
    "SECRET_KEY": "k3y-" + "Zx9!q" * 12,
    "FIELD_ENCRYPTION_KEYS": "prod1:" + base64.b64encode(b"p" * 32).decode(),
    "BLIND_INDEX_KEY": "index1:" + base64.b64encode(b"i" * 32).decode(),
    "AUDIT_CHAIN_KEY": "audit-chain-" + "Qm7#r" * 8,
    # check --deploy never connects: an address that cannot resolve proves it.
    "DATABASE_URL": "postgres://waymark@db.invalid:5432/waymark",
    "ALLOWED_HOSTS": "waymark.example.gov.uk",
    "WAYMARK_BASE_URL": "https://waymark.example.gov.uk",
}


def run(
    code_or_args: str | list[str], env: dict[str, str], *, cwd: Path = REPO, extra_path: str = ""
) -> subprocess.CompletedProcess:
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    if extra_path:
        base["PYTHONPATH"] = extra_path
    args = [PYTHON, "-c", code_or_args] if isinstance(code_or_args, str) else [PYTHON, *code_or_args]
    return subprocess.run(args, env={**base, **env}, cwd=cwd, capture_output=True, text=True, timeout=300)


LOAD_SETTINGS = textwrap.dedent(
    """
    import json, os
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waymark.config.settings")
    from django.conf import settings
    names = [
        "DEBUG", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
        "SESSION_COOKIE_NAME", "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE",
        "PASSWORD_HASHERS", "SESSION_COOKIE_AGE", "PASSWORD_RESET_TIMEOUT",
        "MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN",
    ]
    values = {name: getattr(settings, name) for name in names}
    values["ENGINE"] = settings.DATABASES["default"]["ENGINE"]
    print(json.dumps(values))
    """
)


def without(name: str) -> dict[str, str]:
    return {k: v for k, v in PRODUCTION_ENV.items() if k != name}


def test_production_refuses_to_start_without_its_own_audit_chain_key():
    assert run(LOAD_SETTINGS, without("AUDIT_CHAIN_KEY")).returncode != 0
    borrowed = {**PRODUCTION_ENV, "AUDIT_CHAIN_KEY": PRODUCTION_ENV["SECRET_KEY"]}
    assert run(LOAD_SETTINGS, borrowed).returncode != 0
    assert run(LOAD_SETTINGS, PRODUCTION_ENV).returncode == 0


def test_production_refuses_to_start_without_its_own_blind_index_key():
    """Derived from the first field key, it would change when field keys rotate, and a disposed
    record's firewall indexes, which cannot be rebuilt, would stop matching."""
    result = run(LOAD_SETTINGS, without("BLIND_INDEX_KEY"))
    assert result.returncode != 0 and "BLIND_INDEX_KEY" in result.stderr


@pytest.mark.parametrize("base_url", [None, ""])
def test_production_refuses_to_start_without_the_services_address(base_url):
    """The worker builds every link in its emails (a password reset's among them) from it: left at
    its default, a reset link would point at the machine the worker runs on."""
    env = without("WAYMARK_BASE_URL") if base_url is None else {**PRODUCTION_ENV, "WAYMARK_BASE_URL": base_url}
    result = run(LOAD_SETTINGS, env)
    assert result.returncode != 0 and "WAYMARK_BASE_URL" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run(LOAD_SETTINGS, without("SECRET_KEY"))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = run(LOAD_SETTINGS, {**PRODUCTION_ENV, "SECRET_KEY": "too-short"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_sqlite_unless_told():
    result = run(LOAD_SETTINGS, without("DATABASE_URL"))
    assert result.returncode != 0
    assert "SQLite" in result.stderr


def test_production_accepts_sqlite_with_the_explicit_override():
    result = run(LOAD_SETTINGS, {**without("DATABASE_URL"), "WAYMARK_ALLOW_SQLITE_IN_PRODUCTION": "1"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ENGINE"] == "django.db.backends.sqlite3"


def test_production_refuses_debug():
    result = run(LOAD_SETTINGS, {**PRODUCTION_ENV, "DEBUG": "1"})
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_production_settings_are_hardened():
    result = run(LOAD_SETTINGS, PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["ENGINE"] == "django.db.backends.postgresql"
    assert values["DEBUG"] is False
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_HTTPONLY"] is True
    assert values["CSRF_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert values["PASSWORD_HASHERS"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert values["SESSION_COOKIE_AGE"] == 15 * 60
    assert values["PASSWORD_RESET_TIMEOUT"] <= 3600
    assert values["MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN"] is False


def test_the_demo_is_not_installed_in_production():
    """seed_demo creates logins with known passwords: under production settings the demo app and
    its commands do not exist at all (seed_demo's own refusal under PRODUCTION is a second line)."""
    code = "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'waymark.config.settings'); "
    code += "django.setup(); from django.apps import apps; print(apps.is_installed('waymark.demo'))"
    assert run(code, PRODUCTION_ENV).stdout.strip() == "False"
    assert run(code, {"WAYMARK_ENV": "development"}).stdout.strip() == "True"
    result = run(["manage.py", "seed_demo", "--no-volumes"], PRODUCTION_ENV)
    assert result.returncode != 0
    assert "Unknown command: 'seed_demo'" in result.stderr


def test_check_deploy_is_clean_under_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_production_has_an_mfa_bypass_code(tmp_path):
    (tmp_path / "bypass_settings.py").write_text(
        'from waymark.config.settings import *  # noqa\nMFA_TOTP_INSECURE_BYPASS_CODE = "000000"\n'
    )
    result = run(
        ["manage.py", "check", "--deploy"],
        {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "bypass_settings"},
        extra_path=f"{tmp_path}{os.pathsep}{REPO}",
    )
    assert result.returncode != 0
    assert "waymark.E001" in result.stderr
    assert "MFA_TOTP_INSECURE_BYPASS_CODE" in result.stderr


# The check itself, in this process, with settings changed per test.


def test_no_findings_with_the_shipped_settings(settings):
    settings.PRODUCTION = True
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False
    assert check_nothing_skips_mfa() == []


@pytest.mark.parametrize(
    "name, value",
    [
        ("MFA_TOTP_INSECURE_BYPASS_CODE", "123456"),
        ("MFA_TRUST_ENABLED", True),
        ("ACCOUNT_LOGIN_BY_CODE_ENABLED", True),
        ("ACCOUNT_LOGIN_BY_CODE_TRUST_ENABLED", True),
        ("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", True),
    ],
)
def test_each_mfa_skipping_setting_is_an_error_in_production(settings, name, value):
    settings.PRODUCTION = True
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False
    setattr(settings, name, value)
    findings = check_nothing_skips_mfa()
    assert len(findings) == 1
    assert isinstance(findings[0], Error)
    assert findings[0].id == "waymark.E001"
    assert name in findings[0].msg


def test_bypass_code_is_a_warning_in_development(settings):
    settings.PRODUCTION = False
    settings.MFA_TOTP_INSECURE_BYPASS_CODE = "123456"
    findings = check_nothing_skips_mfa()
    assert [type(f) for f in findings] == [Warning]
    assert findings[0].id == "waymark.W001"


def test_removing_the_access_middleware_is_an_error_in_production(settings):
    settings.PRODUCTION = True
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "waymark.web.middleware.AccessPolicyMiddleware"]
    findings = check_nothing_skips_mfa()
    assert [f.id for f in findings] == ["waymark.E003"]


def test_no_mfa_types_is_an_error_in_production(settings):
    settings.PRODUCTION = True
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False
    settings.MFA_SUPPORTED_TYPES = []
    assert [f.id for f in check_nothing_skips_mfa()] == ["waymark.E002"]
