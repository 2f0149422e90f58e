"""Which interchange files this version imports and exports, in the order they depend on each
other. A new file (the MARAC meetings and cases, for example) is one more ``FileHandler`` added
to ``handlers()``: the importer, exporter, report and audit need no change."""

from __future__ import annotations

from waymark.interchange.base import FileHandler
from waymark.interchange.files import (
    AgenciesFile,
    IncidentsFile,
    PeopleFile,
    ReferralsFile,
    RiskAssessmentsFile,
    referrals_installed,
)

# Files of the format that this version recognises but does not read yet: reported as skipped.
NOT_YET_IMPORTED: tuple[str, ...] = ()


def handlers() -> list[FileHandler]:
    """Every handler, dependencies first (agencies before people before referrals...)."""
    found: list[FileHandler] = [AgenciesFile(), PeopleFile()]
    if referrals_installed():
        found.append(ReferralsFile())
    found += [RiskAssessmentsFile(), IncidentsFile()]
    from waymark.interchange.marac_files import MaracCasesFile, MaracMeetingsFile

    found += [MaracMeetingsFile(), MaracCasesFile()]
    return found
