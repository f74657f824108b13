"""The planted cast: a fixed set of people and their hand-computed expected statuses.

Facts are set relative to the end date E, so the expectations hold for any end
date. Each expectation is a function of k, the number of days before E of the
as-of date D (D = E - k), worked out by hand from docs/rules.md: the
first rule that applies wins (compliant > exempt > on_leave > in_grace_period >
overdue > never_completed); people not active or not in scope have no fact row
(None). Validity 365 days, grace 30 days.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .conventions import employee_id
from .training_history import (
    AS_IS,
    DATE_ONLY,
    HR_ID,
    NO_ID,
    OFFSET_TIMESTAMP,
    PADDED_TITLE_CASE,
    UNKNOWN_ID,
    UPPER_CASE,
    UTC_TIMESTAMP,
)

MANAGER_ID = "E900090"
APPROVER = f"{MANAGER_ID} (Engineering Manager)"


@dataclass(frozen=True)
class Training:
    """An LMS record; days are counted back from the end date (negative: after it)."""

    course: str
    completed: int | None  # UTC day of completion; None: not completed
    started: int | None = None  # defaults to the completion day
    assigned: int | None = None  # defaults to the start day
    style: int = DATE_ONLY
    second: int = 9 * 3600  # UTC time of day
    utc_offset: int = 0  # minutes, for OFFSET_TIMESTAMP
    email_of: str | None = None  # whose HR e-mail the record shows; default: the owner's
    email_variant: int = AS_IS
    id_code: int = HR_ID
    score_tenths: int = 900


@dataclass(frozen=True)
class Grant:
    """An approved exception to the training requirement."""

    reason: str
    approved: int  # days before the end date; negative: after it
    expires: int | None  # None: open-ended


@dataclass(frozen=True)
class Plant:
    """One planted person: HR facts, LMS records, exceptions and the expected outcome."""

    number: int
    name: str
    email_name: str  # "first.last" part of the work e-mail
    description: str
    job_family: str  # exactly as HR writes it
    job_title: str
    department: str
    hired: int  # days before the end date; negative: future starter
    status: Callable[[int], str | None]  # k -> expected status
    last: Callable[[int], int | None] = lambda k: None  # k -> days before E of last_completed_on
    employment_type: str = "employee"
    terminated: int | None = None  # days before E; negative: after it
    notice: int | None = None  # termination date shown from this many days before E
    leave: tuple[int, int] | None = None  # on leave from/to, days before E
    training: tuple[Training, ...] = ()
    exceptions: tuple[Grant, ...] = ()
    manager_id: str | None = MANAGER_ID

    @property
    def employee_id(self) -> str:
        return employee_id(self.number)


def _untrained(k: int, hired: int) -> str | None:
    """Active, in scope, not on leave, no exception, no qualifying completion on or before D."""
    if k > hired:
        return None  # D before the hire date
    if k >= hired - 30:
        return "in_grace_period"  # D <= hire_date + 30
    return "never_completed"


def _completed(k: int, completed: int, hired: int = 1000) -> str | None:
    """As _untrained, with one qualifying completion `completed` days before E."""
    if k > completed:
        return _untrained(k, hired)  # the completion lies after D
    return "compliant" if k >= completed - 365 else "overdue"


def _since(completed: int) -> Callable[[int], int | None]:
    return lambda k: completed if k <= completed else None


_BACKEND = ("Backend Engineer", "Senior Backend Engineer, Plan", "Engineering")
_FRONTEND = ("Frontend Engineer", "Frontend Engineer, Create", "Engineering")
_SRE = ("Site Reliability Engineer", "Staff Site Reliability Engineer", "Infrastructure")
_AWARE = "SEC-AWARE-100"
_CODE = "SEC-CODE-101"
_OWASP = "SEC-CODE-OWASP"

CAST: tuple[Plant, ...] = (
    Plant(
        900001,
        "Aaliyah Brennan",
        "aaliyah.brennan",
        "Backend Engineer; SEC-CODE-101 completed exactly 365 days before the end date: "
        "due on the end date, compliant (worked example)",
        *_BACKEND,
        hired=1000,
        training=(Training(_CODE, 365),),
        status=lambda k: _completed(k, 365),
        last=_since(365),
    ),
    Plant(
        900002,
        "Tobias Lindgren",
        "tobias.lindgren",
        "Site Reliability Engineer; completed 366 days before the end date: due the day before, "
        "overdue on the end date and compliant on earlier days (worked example)",
        *_SRE,
        hired=1000,
        training=(Training(_CODE, 366),),
        status=lambda k: _completed(k, 366),
        last=_since(366),
    ),
    Plant(
        900003,
        "Mariana Costa",
        "mariana.costa",
        "Frontend Engineer hired 30 days before the end date, nothing completed: "
        "last day of the grace period (worked example)",
        *_FRONTEND,
        hired=30,
        status=lambda k: _untrained(k, 30),
    ),
    Plant(
        900004,
        "Kenji Watanabe",
        "kenji.watanabe",
        "Frontend Engineer hired 31 days before the end date, nothing completed: "
        "never_completed on the end date, in grace on earlier days (worked example)",
        *_FRONTEND,
        hired=31,
        status=lambda k: _untrained(k, 31),
    ),
    Plant(
        900005,
        "Fiona MacLeod",
        "fiona.macleod",
        "Backend Engineer who only completed the general Security Awareness course (worked "
        "example)",
        *_BACKEND,
        hired=1000,
        training=(Training(_AWARE, 100), Training(_AWARE, 465)),
        status=lambda k: _untrained(k, 1000),
    ),
    Plant(
        900006,
        "Rahul Iyer",
        "rahul.iyer",
        "Data Analyst with a current SEC-CODE-101: not in scope (worked example)",
        "Data Analyst",
        "Senior Data Analyst",
        "Data",
        hired=1000,
        training=(Training(_CODE, 50),),
        status=lambda k: None,
    ),
    Plant(
        900007,
        "Beatriz Almeida",
        "beatriz.almeida",
        "Backend Engineer; SEC-CODE-101 400 days before the end date, and an SEC-CODE-OWASP "
        "completion "
        "at 23:30 UTC on the end date written as the next day's 01:30+02:00: present in the end "
        "date's "
        "export but dated after it, so ignored (overdue on the end date)",
        *_BACKEND,
        hired=1000,
        training=(
            Training(_CODE, 400),
            Training(_OWASP, 0, style=OFFSET_TIMESTAMP, second=23 * 3600 + 1800, utc_offset=120),
        ),
        status=lambda k: _completed(k, 400),
        last=_since(400),
    ),
    Plant(
        900008,
        "Grace O'Connor",
        "grace.oconnor",
        "Fullstack Engineer; completion without employee_id, e-mail in other case with surrounding "
        "whitespace: matched by e-mail",
        "Fullstack Engineer",
        "Fullstack Engineer, Verify",
        "Engineering",
        hired=1000,
        training=(
            Training(
                _OWASP,
                40,
                style=UTC_TIMESTAMP,
                second=23 * 3600 + 1800,
                id_code=NO_ID,
                email_variant=PADDED_TITLE_CASE,
            ),
        ),
        status=lambda k: _completed(k, 40),
        last=_since(40),
    ),
    Plant(
        900009,
        "Samir Haddad",
        "samir.haddad",
        "Backend Engineer; completion carries his employee_id but E900010's e-mail: the id wins",
        *_BACKEND,
        hired=1000,
        training=(Training(_CODE, 20, email_of="E900010"),),
        status=lambda k: _completed(k, 20),
        last=_since(20),
    ),
    Plant(
        900010,
        "Hannah Becker",
        "hannah.becker",
        "Backend Engineer with no training of her own; her e-mail appears on E900009's record, "
        "which must not count for her",
        *_BACKEND,
        hired=1000,
        status=lambda k: _untrained(k, 1000),
    ),
    Plant(
        900011,
        "Luca Romano",
        "luca.romano",
        "Backend Engineer; completion carries an employee_id unknown to HR and his exact e-mail: "
        "matched by e-mail",
        *_BACKEND,
        hired=1000,
        training=(Training(_CODE, 15, id_code=UNKNOWN_ID),),
        status=lambda k: _completed(k, 15),
        last=_since(15),
    ),
    Plant(
        900012,
        "Nkechi Obi",
        "nkechi.obi",
        "Backend Engineer terminated 60 days before the end date (status terminated from then on): "
        "not in the population; compliant before leaving",
        *_BACKEND,
        hired=1000,
        terminated=60,
        notice=90,
        training=(Training(_CODE, 200), Training(_OWASP, 560)),
        status=lambda k: None if k <= 60 else "compliant" if k <= 560 else _untrained(k, 1000),
        last=lambda k: 200 if k <= 200 else 560 if k <= 560 else None,
    ),
    Plant(
        900013,
        "Erik Solberg",
        "erik.solberg",
        "Backend Engineer serving notice, termination date 20 days after the end date: still "
        "active, in scope",
        *_BACKEND,
        hired=1000,
        terminated=-20,
        notice=40,
        training=(Training(_CODE, 100),),
        status=lambda k: _completed(k, 100),
        last=_since(100),
    ),
    Plant(
        900014,
        "Yasmin Farouk",
        "yasmin.farouk",
        "Backend Engineer starting 10 days after the end date, already in the HR export: not "
        "active",
        *_BACKEND,
        hired=-10,
        status=lambda k: None,
    ),
    Plant(
        900015,
        "Dmitri Volkov",
        "dmitri.volkov",
        "Site Reliability Engineer on leave since 90 days before the end date, no training: "
        "on_leave",
        *_SRE,
        hired=1000,
        leave=(90, -60),
        status=lambda k: "on_leave" if k <= 90 else _untrained(k, 1000),
    ),
    Plant(
        900016,
        "Chiara Bianchi",
        "chiara.bianchi",
        "Frontend Engineer on leave but with a current completion: compliant wins over on_leave",
        *_FRONTEND,
        hired=1000,
        leave=(90, -60),
        training=(Training(_CODE, 150),),
        status=lambda k: _completed(k, 150),
        last=_since(150),
    ),
    Plant(
        900017,
        "Oliver Grant",
        "oliver.grant",
        "Backend Engineer with an active exception (approved 30 days before the end date), no "
        "training: exempt",
        *_BACKEND,
        hired=1000,
        exceptions=(Grant("Long-term medical leave", 30, -180),),
        status=lambda k: "exempt" if k <= 30 else _untrained(k, 1000),
    ),
    Plant(
        900018,
        "Sunita Rao",
        "sunita.rao",
        "Backend Engineer, last completion 500 days before the end date, exception expired 10 days "
        "before it: overdue on the end date (exempt while the exception ran and the training had "
        "lapsed)",
        *_BACKEND,
        hired=1000,
        training=(Training(_OWASP, 500),),
        exceptions=(Grant("Joined via acquisition, equivalent training accepted", 400, 10),),
        status=lambda k: (
            "overdue"
            if k < 10
            else "exempt"
            if k < 135
            else "compliant"
            if k <= 500
            else _untrained(k, 1000)
        ),
        last=_since(500),
    ),
    Plant(
        900019,
        "Jonas Weiss",
        "jonas.weiss",
        "Backend Engineer, never trained, exception expired the day before the end date: "
        "never_completed on the end date, exempt before",
        *_BACKEND,
        hired=1000,
        exceptions=(Grant("Parental leave", 200, 1),),
        status=lambda k: "exempt" if 1 <= k <= 200 else _untrained(k, 1000),
    ),
    Plant(
        900020,
        "Amelia Hughes",
        "amelia.hughes",
        "Backend Engineer, never trained, exception approved 5 days after the end date: not exempt",
        *_BACKEND,
        hired=1000,
        exceptions=(Grant("Sabbatical", -5, -365),),
        status=lambda k: _untrained(k, 1000),
    ),
    Plant(
        900021,
        "Mateo Fernández",
        "mateo.fernandez",
        "Security Product Manager, never trained, open-ended exception approved on the end date: "
        "exempt on the end date only",
        "Security Product Manager",
        "Senior Security Product Manager, Secure",
        "Product",
        hired=1000,
        exceptions=(Grant("Moving to a non-engineering role, transfer pending", 0, None),),
        status=lambda k: "exempt" if k == 0 else _untrained(k, 1000),
    ),
    Plant(
        900022,
        "Nguyen, Thi Mai",
        "thimai.nguyen",
        "Backend Engineer contractor (name written 'Last, First'): contractors are in scope",
        "Backend Engineer",
        "Backend Engineer, Package",
        "Engineering",
        hired=1000,
        employment_type="contractor",
        training=(Training(_CODE, 60),),
        status=lambda k: _completed(k, 60),
        last=_since(60),
    ),
    Plant(
        900023,
        'Robert "Bob" Lewandowski',
        "robert.lewandowski",
        "Frontend Engineer intern hired 45 days before the end date, internship ends 75 days "
        "after it, "
        "trained 40 days before it (name holds double quotes): interns are in scope",
        "Frontend Engineer",
        "Frontend Engineer Intern",
        "Engineering",
        hired=45,
        employment_type="intern",
        terminated=-75,
        notice=45,
        training=(Training(_CODE, 40),),
        status=lambda k: _completed(k, 40, hired=45),
        last=_since(40),
    ),
    Plant(
        900024,
        "Ingrid Dahl",
        "ingrid.dahl",
        "job_family written '  backend engineer ' (case and spaces): in scope",
        "  backend engineer ",
        "Backend Engineer, Govern",
        "Engineering",
        hired=1000,
        training=(Training(_OWASP, 70),),
        status=lambda k: _completed(k, 70),
        last=_since(70),
    ),
    Plant(
        900025,
        "Pablo Navarro",
        "pablo.navarro",
        "Backend Engineer with SEC-CODE-101 in progress and SEC-CODE-OWASP not started: "
        "never_completed",
        *_BACKEND,
        hired=1000,
        training=(
            Training(_CODE, None, started=150, assigned=200, score_tenths=-1),
            Training(_OWASP, None, assigned=30, score_tenths=-1),
        ),
        status=lambda k: _untrained(k, 1000),
    ),
    Plant(
        900026,
        "Leah Goldberg",
        "leah.goldberg",
        "Backend Engineer whose newest completions are non-qualifying; SEC-CODE-101 300 days "
        "before "
        "the end date is the qualifying one: compliant with that date",
        *_BACKEND,
        hired=1000,
        training=(
            Training(_CODE, 300),
            Training(_AWARE, 10),
            Training("CODE-REVIEW-201", 5),
            Training("SEC-THREAT-201", 2, score_tenths=925),
        ),
        status=lambda k: _completed(k, 300),
        last=_since(300),
    ),
    Plant(
        900027,
        "Adebayo Okonkwo",
        "adebayo.okonkwo",
        "Frontend Engineer on leave with an open-ended exception approved 60 days before the end "
        "date, "
        "no training: exempt wins over on_leave",
        *_FRONTEND,
        hired=1000,
        leave=(90, -60),
        exceptions=(Grant("Long-term medical leave", 60, None),),
        status=lambda k: "exempt" if k <= 60 else "on_leave" if k <= 90 else _untrained(k, 1000),
    ),
    Plant(
        900028,
        "Clara Schubert",
        "clara.schubert",
        "Fullstack Engineer who completed 340 days before the end date: compliant and due soon",
        "Fullstack Engineer",
        "Senior Fullstack Engineer, Monitor",
        "Engineering",
        hired=1000,
        training=(Training(_OWASP, 340),),
        status=lambda k: _completed(k, 340),
        last=_since(340),
    ),
    Plant(
        900029,
        "Haruto Mori",
        "haruto.mori",
        "Site Reliability Engineer; completed_at written as 23:30-05:00 on the day 366 days "
        "before the "
        "end date (04:30 UTC the next day): the written date counts, so overdue on the end date",
        *_SRE,
        hired=1000,
        training=(
            Training(_OWASP, 365, style=OFFSET_TIMESTAMP, second=4 * 3600 + 1800, utc_offset=-300),
        ),
        status=lambda k: "overdue" if k == 0 else "compliant" if k <= 365 else _untrained(k, 1000),
        last=lambda k: 366 if k <= 365 else None,
    ),
    Plant(
        900030,
        "Viktor Horvath",
        "viktor.horvath",
        "Security Engineer with SEC-CODE-101: sounds in scope but the family is not in the list",
        "Security Engineer",
        "Security Engineer, Application Security",
        "Security",
        hired=1000,
        training=(Training(_CODE, 30),),
        status=lambda k: None,
    ),
    Plant(
        900031,
        "Zara Ahmed",
        "zara.ahmed",
        "Frontend Engineer; completed on the end date itself, no employee_id, e-mail upper case: "
        "compliant on the end date only",
        *_FRONTEND,
        hired=1000,
        training=(Training(_CODE, 0, id_code=NO_ID, email_variant=UPPER_CASE),),
        status=lambda k: _completed(k, 0),
        last=_since(0),
    ),
    Plant(
        900032,
        "Felix Wagner",
        "felix.wagner",
        "Backend Engineer hired on the end date: in the population and in grace on that day only",
        *_BACKEND,
        hired=0,
        status=lambda k: _untrained(k, 0),
    ),
    Plant(
        900090,
        "Priya Raman",
        "priya.raman",
        "Engineering Manager of all planted people (no manager of her own): not in scope",
        "Engineering Manager",
        "Senior Engineering Manager, Plan",
        "Engineering",
        hired=3300,
        training=(Training(_CODE, 100),),
        status=lambda k: None,
        manager_id=None,
    ),
)

PLANTED_IDS: tuple[str, ...] = tuple(plant.employee_id for plant in CAST)
