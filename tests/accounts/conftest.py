import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and used MFA codes live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _worker_after_each_request():
    """Sign-in security emails are sent by the task worker. Here it runs as soon as each request
    finishes, as a worker that is keeping up does, so the tests read the outbox as a person reads
    their inbox. (tests/operations tests the queue itself: encrypted, retried, never lost.)"""
    from django.core.signals import request_finished

    from tests.operations.conftest import run_worker

    def run(**kwargs):
        run_worker()

    request_finished.connect(run, dispatch_uid="accounts-tests-worker")
    yield
    request_finished.disconnect(dispatch_uid="accounts-tests-worker")


@pytest.fixture
def worker_stopped(_worker_after_each_request):
    """No worker runs after requests: what a request queued stays queued until the test runs the
    worker itself (``tests.operations.conftest.run_worker``)."""
    from django.core.signals import request_finished

    request_finished.disconnect(dispatch_uid="accounts-tests-worker")
