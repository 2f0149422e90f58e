"""The lint behind the object choke point (issue 9): no ``<ProtectedModel>.objects`` outside the
modules whose job is deciding or changing what a user may see.

Every Waymark model is protected unless ``NOT_PROTECTED`` says, with a reason, why it holds
nothing about a person (deny by default: a new model is protected until someone writes down why
not). A protected model's manager may be used only

- as ``Model.objects.visible_to(user)`` (or another ``*visible_to`` scope), anywhere;
- as ``Model.objects.none()`` (an empty queryset, e.g. a form field's until the view scopes it);
- as the ``queryset`` of a ``Prefetch`` (it fetches only children of records already read through
  a scope);
- in an app's ``access``, ``selectors``, ``actions``, ``models`` and ``admin`` modules, its
  ``migrations`` and the other places in ``ALLOWED_MODULES`` / ``ALLOWED_PACKAGES`` /
  ``ALLOWED_FILES``, each with its reason.

Anything else (``Case.objects.get(...)`` in a view) fails the build. The lint reads the source with
``ast``, so it runs in ``make test`` with the rest of the suite; the tests at the bottom show it
catching a deliberate bypass.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "waymark"

# Models that hold nothing about a person, so that reading them needs no scope.
NOT_PROTECTED: dict[str, str] = {
    "accounts.User": "staff accounts: names of colleagues, shown across the partnership",
    "organisations.Agency": "the partnership's agencies: reference data every member sees",
    "organisations.Team": "teams within agencies: reference data",
    "organisations.Membership": "who works where in which role: the access model's own input",
    "audit.AuditEvent": "the audit trail: read only by auditors, behind its own URL rule",
    "risk.RiskInstrument": "checklist definitions: reference data",
    "risk.RiskItem": "checklist questions: reference data",
    "risk.RiskThresholds": "scoring configuration",
    "risk.RiskPolicy": "scoring configuration",
    "routing.RoutingRule": "routing rules: configuration",
    "referrals.ReferralNumberSequence": "a counter",
    "cases.CaseNumberSequence": "a counter",
    "housing.NumberSequence": "a counter",
    "refuge.NumberSequence": "a counter",
    "support.Service": "the service catalogue: reference data",
    "housing.PanelMeeting": "tenancy panel dates: no person on it (its cases are scoped)",
    "operations.DailyJobRun": "a daily job's run: counts and timings",
    "operations.TaskFollowUp": "background job bookkeeping: ids of jobs, no person",
    "api.ServiceToken": "API credentials: hashed, managed by administrators",
    "commissioning.PopulationEstimate": "published population figures",
    "commissioning.RecordedIncidents": "published police figures",
    "commissioning.ContractFunding": "a contract's funding lines: money, no person",
    "commissioning.BoardPack": "aggregate figures, suppressed for small numbers",
    "strategy.StrategyArea": "a strategy's headings: no person",
    "strategy.Priority": "a strategy's priorities: no person",
    "matching.SearchAlert": "patterns in staff searches (who searched, how many values): read only by "
    "auditors, behind the URL rule, like the audit trail",
    "matching.DedupeRun": "a batch run's counts",
    "dataprotection.RetentionRun": "a retention run's counts",
    "commissioning.FeedbackResponse": "anonymous survey answers: provider, service, kind and month only, "
    "no person, case or time (docs/commissioning.md)",
}

# Modules whose job is deciding or changing what a user may see (by file name, in any app).
ALLOWED_MODULES: dict[str, str] = {
    "access.py": "the access rules themselves",
    "selectors.py": "reads that take a scope (or a user) and fail closed without one",
    "actions.py": "writes: each action checks its actor and audits",
    "models.py": "the models and their querysets (visible_to is defined here)",
    "admin.py": "Django admin: system administrators only, every change audited (ADR 0002)",
    "hooks.py": "callbacks an app registers with a lower app's actions (a person merged or "
    "archived, a case changed): they run inside those actions",
    "sar.py": "a subject access request's collector: everything held about one person, for the data "
    "protection officer's audited export (docs/data-protection.md)",
}
# Folders whose code no user request reaches.
ALLOWED_PACKAGES: dict[str, str] = {
    "migrations": "schema and data migrations",
    "management": "operator commands run on the server (each audits what it does)",
    "demo": "the demo loader: fictional data, not installed in production (docs/demo.md)",
}
# Single files, each with its reason.
ALLOWED_FILES: dict[str, str] = {
    "waymark/interchange/files.py": "the whole-file importer and exporter: run by administrators, "
    "all-or-nothing, audited (docs/interchange.md)",
    "waymark/interchange/marac_files.py": "the importer and exporter's MARAC files: as files.py",
    "waymark/dataprotection/retention.py": "the retention schedule's disposals: anonymise what is due, run by "
    "the daily job, show no one anything (docs/data-protection.md)",
    "waymark/matching/engine.py": "known-person search: ranks candidates over every record, then shows "
    "only those in people_visible_to (tests/matching)",
    "waymark/matching/merge.py": "the merge of two person records, an action in all but name: "
    "both records are checked first and the merge is audited",
    "waymark/matching/dedupe.py": "batch dedupe over the blocking keys: a daily job, shows no one anything; "
    "its clusters are reviewed through merge_views",
    "waymark/matching/services.py": "stores a dedupe run's clusters: called by the daily job",
    "waymark/audit/chain.py": "verifies the audit chain, justifications included: the auditor's command",
    "waymark/audit/justifications.py": "the encrypted justification store behind audit_record",
    "waymark/interchange/jobs.py": "administrators' import and export jobs, run by the worker: all or "
    "nothing, audited (docs/interchange.md)",
    "waymark/interchange/views.py": "administrators only (URL rule); import jobs through _imports_visible_to "
    "(none to anyone else); exports through _exports_visible_to: an administrator's own, and others' waiting "
    "for a second administrator's approval; downloaded only by whoever asked for it (requested_by)",
    "waymark/commissioning/feedback.py": "survivor feedback: one-time links and anonymous answers, no person "
    "or case on either (docs/commissioning.md)",
    "waymark/commissioning/directory.py": "the published directory (Open Referral UK): services marked "
    "published, public by design",
    "waymark/referrals/notifications.py": "a background job after commit: emails the receiving managers that "
    "a referral waits (its number only); no user reads the record through it",
    "waymark/incidents/escalation.py": "the escalation rule counts one person's incidents for the action "
    "recording one (the person is checked by the caller); shows nothing",
    "waymark/outcomes/kpis.py": "the KPI engine: counts over the scope it is given, or every record only "
    "when the caller says partnership_wide=True; fails closed otherwise (tests/outcomes/test_kpis.py)",
    "waymark/outcomes/facts.py": "each engaged case's kept risk ranks, worked out again by the daily job and "
    "bulk loads: shows no one anything; read only inside the KPI engine's counts",
    "waymark/outcomes/reviews.py": "when a case's outcome review is due: reads the measures of the cases it "
    "is given, each already read through Case.objects.visible_to",
    "waymark/refuge/part4.py": "the safe accommodation annual return: counts, small numbers suppressed; the "
    "page passes the viewer's scope (refuge/views.py _part4_rows)",
    "waymark/commissioning/boardpack.py": "the quarterly board pack: aggregate counts, small numbers suppressed",
    "waymark/commissioning/needs.py": "needs analytics: aggregate counts, small numbers suppressed",
    "waymark/commissioning/dimensions.py": "the provider, source and equality splits of the outcome figures: "
    "aggregate counts, small numbers suppressed",
    "waymark/perpetrators/reports.py": "report programme: aggregate counts for the operator's command",
    "waymark/strategy/measures.py": "live strategy measures: aggregate counts of training completed",
}
# Single functions ("path::function"), each with its reason.
ALLOWED_FUNCTIONS: dict[str, str] = {
    "waymark/refuge/views.py::_part4_rows": "the annual return over the whole partnership, for aggregate-only "
    "roles, small numbers suppressed; refuge workers get their own provider's scope",
    "waymark/housing/extract.py::rows": "the report housing command's rows (operator), not a page",
}
# MARAC is being converted by helper `webforms` (issue 9, item 4): this list shrinks to nothing.
MARAC_NOT_YET_CONVERTED: frozenset[str] = frozenset(
    {
        # To be emptied by webforms when marac/ moves onto visible_to + get_for_user.
        "waymark/marac/flags.py",
        "waymark/marac/repeats.py",
        "waymark/marac/reports/returns.py",
    }
)

MANAGERS = {"objects", "_default_manager", "_base_manager"}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    model: str
    function: str = ""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.model}.objects outside an access, selectors or actions module"


def protected_models() -> dict[str, dict[str, bool]]:
    """Class name -> {app label: protected?} for every Waymark model."""
    found: dict[str, dict[str, bool]] = {}
    for model in apps.get_models():
        if model.__module__.startswith("waymark."):
            found.setdefault(model.__name__, {})[model._meta.app_label] = model._meta.label not in NOT_PROTECTED
    return found


def _is_protected(app: str, name: str, protected: dict[str, dict[str, bool]]) -> bool:
    by_app = protected.get(name, {})
    if app in by_app:
        return by_app[app]
    # Imported from somewhere other than its own app: protected if any model of that name is.
    return any(by_app.values())


def module_allowed(relative: str) -> bool:
    parts = Path(relative).parts
    return (
        parts[-1] in ALLOWED_MODULES
        or any(part in ALLOWED_PACKAGES for part in parts[:-1])
        or relative in ALLOWED_FILES
        or relative in MARAC_NOT_YET_CONVERTED
    )


def _imported_names(tree: ast.Module) -> dict[str, tuple[str, str]]:
    """Local name -> (app package, class name) for names imported from Waymark modules."""
    names: dict[str, tuple[str, str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("waymark."):
            app = node.module.split(".")[1]
            for alias in node.names:
                names[alias.asname or alias.name] = (app, alias.name)
    return names


def _own_classes(tree: ast.Module) -> set[str]:
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)}


def unscoped_reads(source: str, relative: str, protected: dict[str, dict[str, bool]]) -> list[Finding]:
    """Every ``<ProtectedModel>.objects`` in ``source`` that is not a ``visible_to`` scope nor a
    ``Prefetch`` queryset. Ignores whether the module is allowed (the caller decides)."""
    tree = ast.parse(source)
    imported = _imported_names(tree)
    own = _own_classes(tree)
    own_app = Path(relative).parts[1] if len(Path(relative).parts) > 1 else ""
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    findings = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and node.attr in MANAGERS):
            continue
        target = node.value
        if isinstance(target, ast.Name):
            if target.id in imported:
                app, name = imported[target.id]
            elif target.id in own:
                app, name = own_app, target.id
            else:
                continue
        elif isinstance(target, ast.Attribute):  # models.Case.objects after "from waymark.cases import models"
            base = target.value
            if not (isinstance(base, ast.Name) and base.id in imported):
                continue
            app, name = imported[base.id][0], target.attr
        else:
            continue
        if not _is_protected(app, name, protected):
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.Attribute) and (parent.attr.endswith("visible_to") or parent.attr == "none"):
            continue
        if _is_prefetch_queryset(node, parents):
            continue
        findings.append(Finding(relative, node.lineno, name, _enclosing_function(node, parents)))
    return findings


def _enclosing_function(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> str:
    current = node
    while current in parents:
        current = parents[current]
        if isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef):
            return current.name
    return ""


def _is_prefetch_queryset(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """True when ``node`` sits inside the queryset argument of a ``Prefetch(...)`` call."""
    current = node
    while current in parents:
        parent = parents[current]
        if isinstance(parent, ast.keyword):
            call = parents.get(parent)
            return parent.arg == "queryset" and _is_prefetch(call)
        if _is_prefetch(parent):
            return current in parent.args[1:]  # type: ignore[attr-defined]
        if isinstance(parent, ast.stmt):
            return False
        current = parent
    return False


def _is_prefetch(node: ast.AST | None) -> bool:
    if not isinstance(node, ast.Call):
        return False
    return getattr(node.func, "id", getattr(node.func, "attr", "")) == "Prefetch"


def all_findings() -> list[Finding]:
    protected = protected_models()
    findings = []
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if module_allowed(relative):
            continue
        findings.extend(
            finding
            for finding in unscoped_reads(path.read_text(), relative, protected)
            if f"{relative}::{finding.function}" not in ALLOWED_FUNCTIONS
            and f"{relative}::{finding.function}" not in MARAC_NOT_YET_CONVERTED
        )
    return findings


def test_no_protected_model_is_read_outside_its_scope():
    findings = all_findings()
    assert not findings, "Read protected records through Model.objects.visible_to(user) and get_for_user:\n" + (
        "\n".join(str(finding) for finding in findings)
    )


def test_every_exception_names_a_real_model_or_file():
    labels = {model._meta.label for model in apps.get_models()}
    assert set(NOT_PROTECTED) <= labels
    for entry in (*ALLOWED_FILES, *ALLOWED_FUNCTIONS, *MARAC_NOT_YET_CONVERTED):
        relative, _, function = entry.partition("::")
        assert (ROOT / relative).exists(), relative
        if function:
            assert f"def {function}(" in (ROOT / relative).read_text(), entry
    reasons = (*NOT_PROTECTED.values(), *ALLOWED_FILES.values(), *ALLOWED_FUNCTIONS.values())
    assert all(reason.strip() for reason in reasons)


def test_no_exception_is_left_over():
    """An allowed file or function that no longer reads a protected model outside a scope leaves the
    list (so MARAC's entries go as webforms converts them)."""
    protected = protected_models()
    stale = []
    for entry in (*ALLOWED_FILES, *ALLOWED_FUNCTIONS, *MARAC_NOT_YET_CONVERTED):
        relative, _, function = entry.partition("::")
        found = unscoped_reads((ROOT / relative).read_text(), relative, protected)
        if not [f for f in found if not function or f.function == function]:
            stale.append(entry)
    assert not stale, f"Remove from the lint's exceptions (nothing left to allow): {stale}"


# --- The lint itself -------------------------------------------------------------------------

BYPASS = """
from waymark.cases.models import Case

def detail(request, case_id):
    return Case.objects.get(pk=case_id)
"""


def test_the_lint_reports_a_deliberate_bypass_in_a_view():
    [finding] = unscoped_reads(BYPASS, "waymark/cases/views.py", protected_models())
    assert (finding.path, finding.line, finding.model) == ("waymark/cases/views.py", 5, "Case")
    assert not module_allowed("waymark/cases/views.py")


@pytest.mark.parametrize(
    "source",
    [
        "from waymark.cases import models\nmodels.Case.objects.filter(pk=1)\n",
        "from waymark.cases.models import Case as C\nC._default_manager.all()\n",
        "from waymark.people.models import Person\nx = [p for p in Person.objects.all()]\n",
        "from waymark.cases.models import CaseNote\nCaseNote.objects.filter(case__in=scope)\n",
    ],
)
def test_the_lint_sees_through_aliases_and_other_managers(source):
    assert unscoped_reads(source, "waymark/journey/views.py", protected_models())


@pytest.mark.parametrize(
    "source",
    [
        "from waymark.cases.models import Case\nCase.objects.visible_to(user).get(pk=1)\n",
        "from waymark.people.models import Person\nPerson.objects.with_location_visible_to(user)\n",
        "from waymark.support.models import Need\nfrom django.db.models import Prefetch\n"
        "Prefetch('needs', queryset=Need.objects.order_by('domain'))\n",
        "from waymark.organisations.models import Agency\nAgency.objects.all()\n",
        "from waymark.people.models import Person\nPerson.objects.none()\n",
    ],
)
def test_the_lint_allows_scopes_prefetches_and_unprotected_models(source):
    assert not unscoped_reads(source, "waymark/cases/views.py", protected_models())


def test_the_lint_allows_the_rule_modules_and_no_others():
    for allowed in ("waymark/cases/access.py", "waymark/cases/selectors.py", "waymark/cases/actions.py"):
        assert module_allowed(allowed)
    for refused in ("waymark/cases/views.py", "waymark/cases/forms.py", "waymark/journey/sources.py"):
        assert not module_allowed(refused)
