"""The import benchmark measures what it says: its file imports cleanly through the product's
path, its bad-row variant is rejected and saves nothing, its floors run, and its printout says
plainly whether each target is met."""

from __future__ import annotations

import pytest

from bench import import_bench
from waymark.interchange.actions import interchange_import_files
from waymark.organisations.models import Agency, AgencyKind
from waymark.people.models import Address, ContactChannel, Person


@pytest.mark.django_db
def test_the_bench_file_imports_and_its_bad_variant_saves_nothing():
    Agency.objects.create(ref="BENCH", name="Benchmark agency", kind=AgencyKind.DA_SPECIALIST)
    data = import_bench.people_csv(50)
    bad = data + b"B99999999,Late,Row,1985-02-30,female,,no,no,,\n"
    rejected = interchange_import_files(actor=None, raw_files={"people.csv": bad}, held_by_ref="BENCH")
    assert [(e.row, e.column) for e in rejected.errors] == [(52, "date_of_birth")]
    assert not Person.objects.exists()

    report = interchange_import_files(actor=None, raw_files={"people.csv": data}, held_by_ref="BENCH")
    assert report.ok and report.counts["people.csv"].created == 50
    # Every row writes a person, an encrypted address and an encrypted phone, as the bench says.
    assert Address.objects.count() == 50 and ContactChannel.objects.count() == 50


@pytest.mark.django_db
def test_the_sqlite_floors_run_on_the_same_rows():
    data = import_bench.people_csv(20)
    assert import_bench._timed_executemany_sqlite(data) > 0
    assert import_bench._timed_executemany_encrypted_sqlite(data) > 0


def test_the_printout_says_when_a_target_is_not_met(capsys):
    web = {
        "rows": 10,
        "import_rows_per_s": 5,
        "import_status": "imported",
        "progress_seen_by_a_second_connection": [[0.1, "Saving people.csv (all or nothing)", 2, 4]],
        "progress_steps_seen_while_saving": 1,
        "bad_last_row": {"status": "rejected", "saved_nothing": True},
    }
    results = {
        "people": 10,
        "postgresql": {
            "import_rows_per_s": 10,
            "import_with_search_keys_rows_per_s": 8,
            "reimport_unchanged_rows_per_s": 20,
            "copy_rows_per_s": 1000,
            "import_to_copy_ratio": 0.01,
            "import_with_keys_to_copy_ratio": 0.008,
            "copy_with_encryption_rows_per_s": 30,
            "import_to_copy_with_encryption_ratio": 0.33,
            "import_with_keys_to_copy_with_encryption_ratio": 0.27,
            "matching_on_fresh_load": {"search_p95_ms": 12.0, "exact_name_lookup_p95_ms": 3.0},
            "web_job": web,
        },
        "sqlite": {
            "import_with_search_keys_rows_per_s": 40,
            "executemany_rows_per_s": 100,
            "import_to_executemany_ratio": 0.4,
            "executemany_with_encryption_rows_per_s": 50,
            "import_to_executemany_with_encryption_ratio": 0.8,
        },
    }
    import_bench.report(results)
    out = capsys.readouterr().out
    assert "ratio 0.01 (with keys 0.008) NOT met (target >= 0.2)" in out
    assert "matching p95 on a fresh load 12.0 ms met (target <= 25.0)" in out
    assert "exact-name lookup p95 3.0 ms in the same run" in out
    assert "ratio 0.4 met (target >= 0.3)" in out
    assert "1 while saving" in out and "saved nothing: True" in out
