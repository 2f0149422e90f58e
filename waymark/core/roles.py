"""The roles a member of the partnership can hold, and what each is for."""

from django.db import models


class Role(models.TextChoices):
    """A role is held through a membership of an agency (and optionally a team)."""

    CASEWORKER = "caseworker", "IDVA or caseworker"
    TEAM_MANAGER = "team_manager", "Team manager"
    REFERRER = "referrer", "Referrer (partner agency)"
    MARAC_COORDINATOR = "marac_coordinator", "MARAC coordinator"
    MARAC_REPRESENTATIVE = "marac_representative", "MARAC agency representative"
    HOUSING_OFFICER = "housing_officer", "Housing officer"
    TENANCY_PANEL_MEMBER = "tenancy_panel_member", "DA tenancy panel member"
    PERPETRATOR_WORKER = "perpetrator_worker", "Perpetrator-programme worker"
    COMMISSIONER = "commissioner", "Commissioner or analyst"
    PARTNERSHIP_LEAD = "partnership_lead", "Partnership lead"
    TRAINING_COORDINATOR = "training_coordinator", "Training coordinator"
    PEER_SUPPORT_COORDINATOR = "peer_support_coordinator", "Peer-support coordinator"
    SYSTEM_ADMINISTRATOR = "system_administrator", "System administrator"
    AUDITOR = "auditor", "Auditor"
    REFUGE_WORKER = "refuge_worker", "Refuge worker (safe accommodation provider)"
    SANCTUARY_COORDINATOR = "sanctuary_coordinator", "Sanctuary scheme coordinator"
    DATA_PROTECTION_OFFICER = "data_protection_officer", "Data protection officer"


ROLE_DESCRIPTIONS: dict[Role, str] = {
    Role.CASEWORKER: "Takes referrals, makes first contact, assesses risk, plans safety and support, records outcomes.",
    Role.TEAM_MANAGER: "Allocates cases, watches caseloads and first-contact times, approves closures.",
    Role.REFERRER: "Refers people at risk and follows what happened to their agency's referrals.",
    Role.MARAC_COORDINATOR: "Triages MARAC referrals, builds agendas, runs meetings, chases actions.",
    Role.MARAC_REPRESENTATIVE: "Researches agenda cases for their agency, attends MARAC and owns actions.",
    Role.HOUSING_OFFICER: "Homelessness applications, refuge placements, sanctuary installs, tenancy panel.",
    Role.TENANCY_PANEL_MEMBER: "Sits on the council's DA tenancy panel: reads its research, records decisions and legal action.",
    Role.PERPETRATOR_WORKER: "Runs the perpetrator programme. Never sees where a victim lives.",
    Role.COMMISSIONER: "Reads dashboards and reports across providers: aggregate figures only.",
    Role.PARTNERSHIP_LEAD: "Steers the VAWG strategy and action plan and reports to the delivery group.",
    Role.TRAINING_COORDINATOR: "Runs the training register: courses, sessions, attendance, champions.",
    Role.PEER_SUPPORT_COORDINATOR: "Recruits, matches and supervises peer supporters (their records are hers alone).",
    Role.SYSTEM_ADMINISTRATOR: "Manages users, agencies, teams and configuration.",
    Role.AUDITOR: "Reads and searches the audit trail.",
    Role.REFUGE_WORKER: "Staff of a safe accommodation provider: posts vacancies, decides refuge referrals, "
    "and alone sees the provider's own safe-house addresses.",
    Role.SANCTUARY_COORDINATOR: "Runs the sanctuary scheme: eligibility, surveys, measures fitted, reviews and removal.",
    Role.DATA_PROTECTION_OFFICER: "Answers subject access requests (assembles, reviews and releases the redacted bundle, "
    "never both assembling and approving the same one) and runs the retention schedule.",
}


# --- Two keys (docs/security.md, "Privileged access under two keys") -------------------------
# Roles whose grant opens records about survivors, children or people causing harm (directly, or
# through MARAC research, housing, programme or peer-support work).
RECORD_OPENING_ROLES: frozenset[Role] = frozenset(
    {
        Role.CASEWORKER,
        Role.TEAM_MANAGER,
        Role.MARAC_COORDINATOR,
        Role.MARAC_REPRESENTATIVE,
        Role.HOUSING_OFFICER,
        Role.TENANCY_PANEL_MEMBER,
        Role.PERPETRATOR_WORKER,
        Role.PEER_SUPPORT_COORDINATOR,
        Role.REFUGE_WORKER,
        Role.SANCTUARY_COORDINATOR,
    }
)
# Roles that confer power over other people's access or over the audit trail.
# A data protection officer reads everything held about a person while answering their subject
# access request, and disposes of records: an oversight role, so two keys.
OVERSIGHT_ROLES: frozenset[Role] = frozenset({Role.SYSTEM_ADMINISTRATOR, Role.AUDITOR, Role.DATA_PROTECTION_OFFICER})
# Roles that open no individual's record: a grant of one counts at once. Decided here, once.
SINGLE_KEY_ROLES: frozenset[Role] = frozenset(
    {Role.REFERRER, Role.COMMISSIONER, Role.PARTNERSHIP_LEAD, Role.TRAINING_COORDINATOR}
)
# Every other role, including any added later and not yet classified, needs a second
# administrator's approval before it counts (deny by default).
TWO_KEY_ROLES: frozenset[Role] = frozenset(Role) - SINGLE_KEY_ROLES
