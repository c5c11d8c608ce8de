"""The permission matrix, kept as data: role × URL name (pages and API operations) × own/other
object → allow or deny. tests/web/test_permission_matrix.py requests every cell against the real
views with real objects, and fails when a URL of config/urls.py has no row here.

A row names the roles it allows; every other role is denied. ``role:own`` allows the role only
on its own object (its unit, its section's or its own cadre), not on another. Rows whose
``target`` is a unit or a cadre are requested twice per role: on the role's own object and on
another unit's. Adding a page or an endpoint is one row.

Roles: ``anonymous`` (not logged in), ``none`` (logged in, no role), ``admin`` (superuser),
``office`` (考核办, staff), ``statistics`` (经发局统计), ``owner`` (指标牵头部门), ``inspector``
(纪检监察), ``unit_head`` (单位负责人 of unit U001), ``section_chief`` (科室负责人 of a section
of U001), ``cadre`` (干部 of that section). The other unit is U002.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

ROLES: Final = (
    "anonymous",
    "none",
    "admin",
    "office",
    "statistics",
    "owner",
    "inspector",
    "unit_head",
    "section_chief",
    "cadre",
)
# targets requested on an own and another object: a unit, a cadre, the follow-up records
# of a cadre (an action, a record's attachment, a training enrolment): own = the cadre
# account's (in the section chief's section of U001), other = a cadre of U002; an objection of
# the cycle: own = on U001 (filed by the cadre account), other = on U002
# a reconciliation (月对账) and its evidence file (kaohe/tasks): own = the cadre account's,
# other = the other unit's cadre's; a weekly goal of the diary: own = the cadre account's,
# other = a cadre of U002's
OWN_OTHER: Final = (
    "unit",
    "cadre",
    "action",
    "record",
    "enrolment",
    "objection",
    "reconciliation",
    "reconfile",
    "goal",
    "ledger-file",  # a political-quality ledger entry's attachment: the own or the other cadre's
)

EVERYONE: Final = " ".join(ROLES)
LOGGED_IN: Final = " ".join(r for r in ROLES if r != "anonymous")
ANY_ROLE: Final = "admin office statistics owner inspector unit_head section_chief cadre"
PEOPLE: Final = "admin office unit_head section_chief cadre"
OFFICE: Final = "admin office"
IMPORTERS: Final = "admin office statistics owner inspector"
UNIT_CARD: Final = "admin office inspector unit_head:own section_chief:own cadre:own"
CADRE_DETAIL: Final = "admin office unit_head:own section_chief:own cadre:own"
UNIT_PEOPLE: Final = "admin office unit_head:own"  # every cadre of the unit: its head
DIARY_RECORD: Final = "admin office unit_head:own section_chief:own"  # their people, not self
# the political-quality ledger: the inspector reads discipline findings of anyone
LEDGER: Final = "admin office inspector unit_head:own cadre:own"
TEAM_LEDGER: Final = "admin office inspector unit_head:own"


@dataclass(frozen=True, slots=True)
class Row:
    """One URL (name as config/urls.py names it) requested with ``method`` on ``target`` (a
    unit, a cadre, a run, an import, a role assignment, a table, or nothing), allowed for
    ``allow``; an allowed request answers one of ``ok``."""

    name: str
    method: str
    target: str
    allow: str
    ok: tuple[int, ...] = (200,)

    def allowed(self, role: str, own: bool) -> bool:
        for word in self.allow.split():
            name, _, only = word.partition(":")
            if name == role and (not only or own):
                return True
        return False


MATRIX: Final = (
    # --- pages
    Row("home", "GET", "", ANY_ROLE),
    Row("login", "GET", "", EVERYONE, (200, 302)),  # a logged-in user is sent home
    Row("logout", "POST", "", EVERYONE, (302,)),
    Row("set_language", "POST", "", EVERYONE, (302,)),
    Row("collection:template", "GET", "", LOGGED_IN),  # empty templates: no data
    Row("collection:template_table", "GET", "table", LOGGED_IN),
    Row("accounts:roles", "GET", "", OFFICE),
    Row("accounts:role_delete", "POST", "assignment", OFFICE, (302,)),
    Row("web:ranking", "GET", "", ANY_ROLE),  # units' scores: public within the district
    Row("web:unit", "GET", "unit", UNIT_CARD),
    Row("web:cadre", "GET", "cadre", CADRE_DETAIL),
    Row("web:annual", "GET", "", PEOPLE),  # rows cut to the scope
    Row("web:actions", "GET", "", PEOPLE),
    Row("web:training", "GET", "", PEOPLE),
    Row("web:imports", "GET", "", IMPORTERS),
    Row("web:import_batch", "GET", "batch", IMPORTERS),
    Row("web:compute", "GET", "", OFFICE),
    Row("web:run", "GET", "run", OFFICE),
    Row("web:run_progress", "GET", "run", OFFICE),
    # --- API (/api/v1/): a bearer token per role; anonymous sends none
    Row("api:api-root", "GET", "", EVERYONE, (404,)),  # nothing is served at the root
    Row("api:openapi-json", "GET", "", LOGGED_IN),
    Row("api:openapi-view", "GET", "", LOGGED_IN),
    Row("api:runs_list", "GET", "", OFFICE),
    Row("api:runs_create", "POST", "", OFFICE, (422,)),  # a year without a plan: refused
    Row("api:runs_get", "GET", "run", OFFICE),
    Row("api:unit_scores", "GET", "", ANY_ROLE),
    Row("api:unit_rankings_get", "GET", "", ANY_ROLE),
    Row("api:unit_card_get", "GET", "unit", UNIT_CARD),
    Row("api:cadre_monthly", "GET", "cadre", CADRE_DETAIL),  # ?cadre=
    Row("api:cadre_year", "GET", "cadre", CADRE_DETAIL),
    Row("api:periods", "GET", "", PEOPLE),  # rows cut to the scope
    Row("api:annual", "GET", "", PEOPLE),
    Row("api:quota", "GET", "", OFFICE),
    Row("api:actions", "GET", "", PEOPLE),
    Row("api:training", "GET", "", PEOPLE),
    Row("api:imports_list", "GET", "", IMPORTERS),
    Row("api:imports_create", "POST", "", IMPORTERS, (422,)),  # a file with a bad row
    Row("api:imports_get", "GET", "batch", IMPORTERS),
    Row("api:attendance_list", "GET", "", PEOPLE),  # days cut to the scope
    Row("api:attendance_create", "POST", "", "admin office unit_head", (422,)),  # a bad row
    Row("api:templates", "GET", "", LOGGED_IN),
    Row("api:template_download", "GET", "table", LOGGED_IN),
    # --- the monthly cycle and the audit trail (kaohe/cycle, kaohe/audit)
    Row("cycle:months", "GET", "", ANY_ROLE),  # each sees the months; the steps are the office's
    Row("cycle:notifications", "GET", "", ANY_ROLE),  # one's own notifications
    Row("cycle:read", "POST", "", ANY_ROLE, (302,)),
    # the month (CYCLE_MONTH of tests/web/roles_district.py) is locked: a step allowed past the
    # gate is refused by the cycle with 400 and the reason (or an empty form: 400), a denied one
    # is 403 before any form is read
    Row("cycle:period", "GET", "month", ANY_ROLE),  # objections cut to the user's
    Row("cycle:open", "POST", "month", OFFICE, (302,)),  # opened already: to its page
    Row("cycle:advance", "POST", "month", OFFICE, (400,)),  # locked
    Row("cycle:deadlines", "POST", "month", OFFICE, (400,)),
    Row("cycle:submit", "POST", "unit", "admin office unit_head:own", (400,)),  # not collecting
    Row("cycle:object", "POST", "month", "unit_head cadre", (400,)),  # the affected only
    Row("cycle:answer", "POST", "objection", OFFICE, (400,)),
    Row("cycle:adjust", "POST", "month", OFFICE, (400,)),
    Row("cycle:adjustment", "GET", "adjustment", ANY_ROLE),  # persons' changes cut to scope
    Row("cycle:decide", "POST", "adjustment", OFFICE, (400,)),  # asked by another office user
    Row("cycle:evidence", "GET", "evidence", OFFICE),
    Row("audit:log", "GET", "", OFFICE),
    Row("audit:history", "GET", "history", OFFICE),
    # --- follow-up (/followup/): lists cut to the scope; the office's actions are the office's
    Row("followup:close", "GET", "", PEOPLE),  # grades' counts; capped, overrides cut
    Row("followup:override_set", "POST", "year", OFFICE, (302,)),
    Row("followup:override_withdraw", "POST", "override", OFFICE, (302,)),
    Row("followup:publication", "GET", "", PEOPLE),  # objections cut to the scope
    Row("followup:publish", "POST", "year", OFFICE, (302,)),
    Row("followup:finalise", "POST", "publication", OFFICE, (302,)),  # refused: in the window
    Row("followup:objection_answer", "POST", "annual-objection", OFFICE, (302,)),
    Row("followup:reviews", "GET", "", PEOPLE),  # requests cut to the scope
    Row("followup:request_answer", "POST", "request", OFFICE, (302,)),
    Row("followup:actions", "GET", "", PEOPLE),  # actions cut to the scope
    Row("followup:actions_create", "POST", "", OFFICE, (302,)),
    Row("followup:action", "GET", "action", CADRE_DETAIL),
    Row("followup:attachment", "GET", "record", "admin office unit_head:own cadre:own"),
    Row("followup:pay", "GET", "", PEOPLE),  # pools of the units headed, shares cut
    Row("followup:pool_save", "POST", "", OFFICE, (302,)),
    Row("followup:pay_csv", "GET", "", OFFICE),
    Row("followup:pay_xlsx", "GET", "", OFFICE),
    Row("followup:training", "GET", "", PEOPLE),  # courses and counts cut to the scope
    Row("followup:training_create", "POST", "", OFFICE, (302,)),
    Row("followup:course", "GET", "course", PEOPLE),  # its people cut to the scope
    Row("followup:complete", "POST", "enrolment", UNIT_PEOPLE, (302,)),
    # --- reports (/reports/): downloads follow the page they belong to
    Row("reports:exports", "GET", "", ANY_ROLE),  # the user's own jobs; starting: the office
    Row("reports:ranking_xlsx", "GET", "", ANY_ROLE),  # units' scores: public in the district
    Row("reports:annual_xlsx", "GET", "", OFFICE),  # every team's and cadre's grade
    Row("reports:unit_scores_xlsx", "GET", "unit", UNIT_PEOPLE),
    Row("reports:unit_pdf", "GET", "unit", UNIT_CARD),
    Row("reports:cadre_pdf", "GET", "cadre", CADRE_DETAIL),
    # an office account's job: the administrator passes the rule, but a job is its maker's
    Row("reports:job", "GET", "job", OFFICE, (200, 404)),
    Row("reports:job_file", "GET", "job", OFFICE, (200, 404)),
    # --- analytics (/analytics/): the office
    Row("analytics:overview", "GET", "", OFFICE),
    Row("analytics:units", "GET", "", OFFICE),
    Row("analytics:whatif", "GET", "", OFFICE),
    Row("analytics:whatif_result", "GET", "whatif", OFFICE, (200, 404)),  # as reports:job
    # --- evaluations (/evaluations/): the office runs rounds and surveys
    Row("evaluations:index", "GET", "", OFFICE),
    Row("evaluations:round_new", "GET", "", OFFICE),
    Row("evaluations:round", "GET", "round", OFFICE),
    Row("evaluations:round_open", "POST", "round", OFFICE, (302,)),
    Row("evaluations:round_close", "POST", "round", OFFICE, (302,)),
    Row("evaluations:round_tokens", "POST", "round", OFFICE),  # the printable token cards
    Row("evaluations:survey_new", "POST", "", OFFICE, (302,)),
    Row("evaluations:survey", "GET", "survey", OFFICE),
    # --- leaders' and political ratings (/ratings/, docs/ratings.md): raters rate on a unit's
    # sheet (the office every unit, a unit head their own), the office manages; all see their own
    Row("ratings:index", "GET", "", "admin office unit_head"),
    Row("ratings:sheet", "GET", "unit", "admin office unit_head:own"),  # YEAR-Q1's sheet
    Row("ratings:political_unit", "GET", "unit", OFFICE),
    Row("ratings:political", "GET", "cadre", OFFICE),  # the cadre in their unit
    Row("ratings:completion", "GET", "", OFFICE),
    Row("ratings:remind", "POST", "", OFFICE, (302,)),  # no period posted: back with a message
    Row("ratings:mine", "GET", "", ANY_ROLE),  # one's own submitted ratings
    # --- political quality (/political/): the ledger of a cadre or a team, read (sources cut by
    # the role) and written (sources cut by the role: an empty form is refused with 400); the
    # 优秀 evidence reviews are the office's
    Row("political:cadre", "GET", "cadre", LEDGER),
    Row("political:cadre_csv", "GET", "cadre", LEDGER),
    Row("political:cadre_record", "POST", "cadre", "admin office inspector unit_head:own", (400,)),
    Row("political:team", "GET", "unit", TEAM_LEDGER),
    Row("political:team_csv", "GET", "unit", TEAM_LEDGER),
    Row("political:team_record", "POST", "unit", "admin office inspector", (400,)),
    # a work-circle entry's attachment: whoever reads the entry (not the inspector: discipline)
    Row("political:attachment", "GET", "ledger-file", "admin office unit_head:own cadre:own"),
    Row("political:reviews", "GET", "", OFFICE),
    Row("political:review", "GET", "cadre", OFFICE),
    Row("political:review_record", "POST", "cadre", OFFICE, (400,)),
    # --- the public pages: a ballot token or a survey link is the credential
    Row("vote", "GET", "", EVERYONE),
    Row("survey", "GET", "code", EVERYONE),
    # --- tasks and the monthly reconciliation (/tasks/, kaohe/tasks): a POST with no form
    # passes the gate and is answered with a message (302); a denied one is 403 first
    Row("tasks:index", "GET", "", PEOPLE),
    Row("tasks:unit", "GET", "unit", "admin office unit_head:own section_chief:own"),
    Row("tasks:task_save", "POST", "unit", UNIT_PEOPLE, (302,)),
    Row("tasks:task_delete", "POST", "unit", UNIT_PEOPLE, (302,)),
    Row("tasks:milestone_save", "POST", "unit", UNIT_PEOPLE, (302,)),
    Row(
        "tasks:post_task_save",
        "POST",
        "unit",
        "admin office unit_head:own section_chief:own",
        (302,),
    ),
    Row(
        "tasks:post_tasks_copy",
        "POST",
        "unit",
        "admin office unit_head:own section_chief:own",
        (302,),
    ),
    Row("tasks:results", "GET", "unit", "admin office unit_head:own section_chief:own"),
    Row("tasks:check", "GET", "", "admin office unit_head"),  # a head: their unit's row
    Row("tasks:check_csv", "GET", "", "admin office unit_head"),
    Row("tasks:report", "GET", "", "cadre"),  # one's own report: an account of a cadre
    Row("tasks:report_file", "GET", "reconfile", CADRE_DETAIL),
    Row("tasks:ratings", "GET", "", "admin office unit_head section_chief"),  # whom they rate
    # the own cadre is staff of the chief's section: the chief rates; the head does not
    Row("tasks:rate", "POST", "reconciliation", "admin office section_chief:own", (302,)),
    # --- the diary (/diary/): one's own attendance and goals (an account linked to a cadre);
    # the team view of a section chief, a unit head (its clerk) and the office, whose entries
    # for a cadre (posted empty here: 400) reach their own people only
    Row("diary:today", "GET", "", "cadre"),
    Row("diary:sign_in", "POST", "", "cadre", (302,)),  # signed in, or the reason why not
    Row("diary:leave", "POST", "", "cadre", (302,)),  # an empty form: back with a message
    Row("diary:goals_add", "POST", "", "cadre", (302,)),
    Row("diary:goal_check", "POST", "goal", "cadre:own", (302,)),
    Row("diary:goals_copy", "POST", "", "cadre", (302,)),
    Row("diary:team", "GET", "", "admin office unit_head section_chief"),  # cut to the scope
    Row("diary:day_set", "POST", "cadre", DIARY_RECORD, (400,)),
    Row("diary:week_review", "POST", "cadre", DIARY_RECORD, (400,)),
    Row("diary:import", "GET", "", "admin office unit_head"),  # a head's rows: their unit's
    Row("diary:calendar", "GET", "", OFFICE),
    # --- the admin site: one rule for every admin URL (staff only; the office is staff)
    Row("admin:*", "GET", "", OFFICE),
)

# URL names (or whole namespaces) that are not requested one by one, with the reason
COVERED_ELSEWHERE: Final = {
    "admin": "every admin URL: the admin:* row (the admin site asks for staff, then model "
    "permissions)",
}


def cells() -> list[tuple[Row, str, bool]]:
    """Every (row, role, own) cell: twice per role for unit and cadre targets."""
    out: list[tuple[Row, str, bool]] = []
    for row in MATRIX:
        for role in ROLES:
            if row.target in OWN_OTHER:
                out += [(row, role, True), (row, role, False)]
            else:
                out.append((row, role, True))
    return out
