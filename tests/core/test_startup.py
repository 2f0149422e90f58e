"""An app server's worker settles once loaded (``waymark.core.startup``): every view loaded and the
long-lived objects frozen out of the garbage collector's scans."""

import gc
import importlib
import sys

import pytest

from waymark.core import startup


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()  # the test process keeps collecting everything, as before


def test_settling_loads_every_view_and_freezes_what_is_loaded(unfrozen, monkeypatch):
    import django.urls

    loaded = []

    class Resolver:
        @property
        def url_patterns(self):  # what loads the URLconf, and every view with it
            loaded.append(gc.get_freeze_count())
            return []

    monkeypatch.setattr(django.urls, "get_resolver", lambda: Resolver())
    assert gc.get_freeze_count() == 0
    startup.settle_after_loading()
    assert loaded == [0]  # loaded before freezing, so the views are frozen too
    assert gc.get_freeze_count() > 10_000


def test_garbage_is_collected_before_freezing_so_none_is_kept_for_ever(unfrozen):
    class Cycle:
        pass

    def garbage():
        first, second = Cycle(), Cycle()
        first.other, second.other = second, first  # only a collection frees a cycle

    gc.disable()  # no collection but the one settling makes
    try:
        garbage()
        startup.settle_after_loading()
    finally:
        gc.enable()
    gc.unfreeze()  # what was frozen is seen again
    assert all(type(o) is not Cycle for o in gc.get_objects())


def test_the_wsgi_application_settles_after_loading(monkeypatch):
    calls = []
    monkeypatch.setattr(startup, "settle_after_loading", lambda: calls.append(True))
    monkeypatch.delitem(sys.modules, "waymark.config.wsgi", raising=False)
    wsgi = importlib.import_module("waymark.config.wsgi")
    assert calls == [True]
    assert callable(wsgi.application)
