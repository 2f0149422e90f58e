"""No list truncates silently (issue 10, item 2): a view that slices a queryset (``[:N]``) without
paging fails here.

Walks every URL pattern of the project, unwraps its view to the function and reads its source (and
that of the module-level helpers it calls in the same module is not needed: the rule is about what a
view returns). A slice is allowed only on a line (or the line before) marked ``# short list:`` with
why, for a documented short list such as "the latest 5, with a link to all of them".
"""

from __future__ import annotations

import inspect
import re

from django.urls import URLPattern, URLResolver, get_resolver

SLICE = re.compile(r"\[\s*:\s*[A-Za-z0-9_]+\s*\]")
NOT_A_QUERYSET = (
    "request.POST",
    "request.GET",
    "str(",
    ".strip()",
    "reason",
    "[:64]",
    "[:2000]",
    "[:1000]",
    "sheet.title",  # a spreadsheet sheet's name, cut to the 31 characters Excel allows
)
MARK = "# short list:"


def _callbacks(resolver=None):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _callbacks(pattern)
        elif isinstance(pattern, URLPattern):
            yield pattern.callback


def _our_views():
    seen = set()
    for callback in _callbacks():
        view = inspect.unwrap(getattr(callback, "view_class", callback))
        module = getattr(view, "__module__", "") or ""
        if not module.startswith("waymark.") or view in seen:
            continue
        seen.add(view)
        yield view


def slices_without_paging(source: str) -> list[str]:
    """Lines of ``source`` that slice something that may be a queryset, unmarked."""
    lines = source.splitlines()
    found = []
    for number, line in enumerate(lines):
        slices = [m for m in SLICE.finditer(line) if line[: m.start()].rstrip()[-1:] not in ("'", '"')]
        if not slices or any(token in line for token in NOT_A_QUERYSET):
            continue  # none, or only slices of a string literal (a sheet title cut to 31 characters)
        if MARK in line or (number and MARK in lines[number - 1]):
            continue
        found.append(line.strip())
    return found


def test_the_check_catches_a_cut_off_list_and_allows_a_marked_short_one():
    assert slices_without_paging("    rows = list(Case.objects.order_by('x')[:200])")
    assert slices_without_paging("    rows = list(actions.cases_awaiting()[:LIMIT])")
    assert not slices_without_paging("    # short list: latest 5, link to all\n    rows = qs[:5]")
    assert not slices_without_paging('    reason = request.POST.get("reason", "")[:2000]')
    assert not slices_without_paging('    sheet.title = f"By {dimension.label}"[:31]')


def test_no_view_slices_a_queryset_without_paging():
    offenders = {}
    for view in _our_views():
        try:
            source = inspect.getsource(view)
        except (OSError, TypeError):
            continue
        found = slices_without_paging(source)
        if found:
            offenders[f"{view.__module__}.{view.__qualname__}"] = found
    assert not offenders, f"Views cutting lists off without paging (page them, or mark a short list): {offenders}"


# The modules a page's lists come from: views and the selectors, home panels and case-page hooks
# they call. A view that returns a list a helper cut off is as silent as one that cut it itself.
LIST_MODULES = ("views.py", "selectors.py", "home.py", "hooks.py", "sections.py")
FIRST_ROW = "[:1]"  # the first row of a subquery (Subquery(...values(...)[:1])): not a list


def test_no_selector_home_panel_or_hook_cuts_a_list_off_unmarked():
    from pathlib import Path

    import waymark

    root = Path(waymark.__file__).parent
    offenders = {}
    for path in sorted(root.rglob("*.py")):
        if path.name not in LIST_MODULES or "migrations" in path.parts:
            continue
        found = [line for line in slices_without_paging(path.read_text()) if FIRST_ROW not in line]
        if found:
            offenders[str(path.relative_to(root))] = found
    assert not offenders, f"Lists cut off without paging (page them, or mark a short list and say so): {offenders}"
