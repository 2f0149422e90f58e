"""The systemd units in deploy/systemd/ (docs/deployment.md, "Background jobs"): each timer starts
the service of its own name, each unit runs a management command that exists, and finished job
rows are pruned weekly, kept as long as the docs say."""

from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"
DEPLOYMENT_DOCS = ROOT / "docs" / "deployment.md"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    parser.read_string((UNITS / name).read_text(encoding="utf-8"))
    return parser


def management_command(service: str) -> list[str]:
    """The arguments after ``manage.py`` in the service's ExecStart."""
    words = shlex.split(unit(service)["Service"]["ExecStart"])
    return words[words.index("manage.py") + 1 :] if "manage.py" in words else []


@pytest.mark.parametrize("timer", sorted(path.name for path in UNITS.glob("*.timer")))
def test_each_timer_starts_a_oneshot_service_of_its_own_name(timer):
    schedule = unit(timer)
    assert schedule["Timer"]["OnCalendar"] and schedule["Timer"]["Persistent"] == "true"
    assert schedule["Install"]["WantedBy"] == "timers.target"
    service = unit(timer.removesuffix(".timer") + ".service")
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["User"] == "waymark" and service["Service"]["EnvironmentFile"] == "/etc/waymark/env"


@pytest.mark.parametrize("service", sorted(path.name for path in UNITS.glob("*.service")))
def test_each_service_runs_a_management_command_that_exists(service):
    command = management_command(service)
    if command:
        assert command[0] in get_commands(), service


def test_finished_job_rows_are_pruned_weekly_and_kept_as_long_as_the_docs_say():
    timer = unit("waymark-prune-jobs.timer")["Timer"]["OnCalendar"]
    assert timer.split()[0] in {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}  # one day a week
    command = management_command("waymark-prune-jobs.service")
    assert command[0] == "prune_db_task_results"
    docs = DEPLOYMENT_DOCS.read_text(encoding="utf-8")
    stated = re.search(r"prune_db_task_results[^`]*--min-age-days (\d+) --failed-min-age-days (\d+)", docs)
    assert stated, "docs/deployment.md no longer states how long finished job rows are kept"
    kept, failed_kept = stated.groups()
    assert command[command.index("--min-age-days") + 1] == kept
    assert command[command.index("--failed-min-age-days") + 1] == failed_kept
    assert command[command.index("--queue-name") + 1] == "*"  # every queue, as the worker runs
    assert "waymark-prune-jobs.timer" in docs


@pytest.mark.django_db
def test_the_prune_service_arguments_are_ones_the_command_accepts():
    call_command(*management_command("waymark-prune-jobs.service"), "--dry-run", verbosity=0)
