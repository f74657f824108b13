"""Fixed vocabularies of the synthetic organisation: names, job families, departments, courses.

Everything random elsewhere indexes into these tuples, so the generated world only
changes when this file does.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


def _comma_separated(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(","))


# Accents, apostrophes, hyphens and particles are deliberate: they test UTF-8
# handling and that names never leak.
FIRST_NAMES: tuple[str, ...] = _comma_separated(
    """
    Jane, John, Maria, Wei, Aisha, Carlos, Priya, Olga, Kwame, Emma, Liam, Sofia, Mateo, Yuki,
    Hiroshi, Fatima, Omar, Chloé, José, Zoë, Søren, Ingrid, Lars, Anna, Ivan, Nadia, Tomás,
    Amara, Chen, Mei, Arjun, Ravi, Leila, Daniel, Sarah, Michael, Laura, David, Grace, Samuel,
    Elena, Lucas, Noah, Mia, Ethan, Hannah, Ali, Zainab, Kofi, Thandiwe, Bjørn, Agnieszka,
    Mateusz, Giulia, Marco, Camille, Pierre, Ana, Diego, Lucía, Sipho, Nia, Oscar, Freya
"""
)
LAST_NAMES: tuple[str, ...] = _comma_separated(
    """
    Smith, Johnson, Garcia, Müller, Nguyen, Kim, Patel, Silva, O'Brien, Kowalski, Rossi, Dubois,
    Tanaka, Chen, Wang, Singh, Okafor, Mensah, Hansen, Johansson, Novak, Ivanova, Hernández,
    López, García-López, Martin, Brown, Taylor, Wilson, Anderson, Thomas, Moore, Jackson, White,
    Harris, Clark, Lewis, Walker, Hall, Young, King, Wright, Scott, Green, Baker, Adams, Carter,
    Mitchell, Perez, Roberts, Turner, Campbell, Evans, Collins, Sánchez, Murphy, Rivera, Cooper,
    Torres, Ramírez, Watson, Brooks, Kelly, Bennett, Hughes, Flores, Díaz, van der Berg,
    De Souza, Al-Sayed, Yamamoto, Sato, Park, Choi, Zhang, Liu, Kumar, Sharma, Ahmed, Hassan,
    Eze, Owusu, Nkosi, Lindqvist, Virtanen, Kovač, Popescu, Petrov, Schmidt, Fischer, Weber,
    Hoffmann
"""
)
# Letters that Unicode decomposition does not reduce to ASCII.
_ASCII_LETTERS = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "ß": "ss", "ł": "l", "Ł": "L"})


def email_token(name: str) -> str:
    """The form a name takes in an e-mail address: "García-López" -> "garcialopez"."""
    ascii_name = unicodedata.normalize("NFKD", name.translate(_ASCII_LETTERS))
    return "".join(c for c in ascii_name.lower() if "a" <= c <= "z")


STAGES: tuple[str, ...] = (
    ", Plan",
    ", Create",
    ", Verify",
    ", Package",
    ", Deploy",
    ", Monitor",
    ", Secure",
    ", Govern",
    ", Analytics",
    ", Fulfillment",
    ", Data Stores",
    ", Systems",
)
REGIONS: tuple[str, ...] = (", EMEA", ", AMER", ", APAC")

EMPLOYMENT_TYPES: tuple[str, ...] = ("employee", "contractor", "intern")
EMPLOYEE, CONTRACTOR, INTERN = range(3)


@dataclass(frozen=True)
class JobFamily:
    name: str
    department: str
    share: float  # of the whole organisation, executives aside
    titles: tuple[tuple[str, float], ...]  # title stem (level included) and its weight
    suffixes: tuple[str, ...]  # appended to the stem; "" means none
    intern_title: str | None = None  # families that take interns


def _levels(family: str, *levels: tuple[str, float]) -> tuple[tuple[str, float], ...]:
    return tuple((f"{prefix}{family}", weight) for prefix, weight in levels)


_ENGINEER_LEVELS = (
    ("Associate ", 0.1),
    ("", 0.35),
    ("Senior ", 0.35),
    ("Staff ", 0.15),
    ("Principal ", 0.05),
)
_SIMPLE_LEVELS = (("", 0.6), ("Senior ", 0.4))

# The first five are the control's default scope (docs/rules.md, §2);
# together about 55 % of the organisation, as in an engineering-heavy company.
FAMILIES: tuple[JobFamily, ...] = (
    JobFamily(
        "Backend Engineer",
        "Engineering",
        0.23,
        _levels("Backend Engineer", *_ENGINEER_LEVELS),
        STAGES,
        "Backend Engineer Intern",
    ),
    JobFamily(
        "Frontend Engineer",
        "Engineering",
        0.12,
        _levels("Frontend Engineer", *_ENGINEER_LEVELS),
        STAGES,
        "Frontend Engineer Intern",
    ),
    JobFamily(
        "Fullstack Engineer",
        "Engineering",
        0.09,
        _levels("Fullstack Engineer", *_ENGINEER_LEVELS),
        STAGES,
        "Fullstack Engineer Intern",
    ),
    JobFamily(
        "Site Reliability Engineer",
        "Infrastructure",
        0.08,
        _levels("Site Reliability Engineer", *_ENGINEER_LEVELS),
        ("", "", ", Database Reliability", ", Delivery", ", Observability"),
        "Site Reliability Engineer Intern",
    ),
    JobFamily(
        "Security Product Manager",
        "Product",
        0.03,
        _levels("Security Product Manager", ("", 0.5), ("Senior ", 0.4), ("Principal ", 0.1)),
        (", Secure", ", Govern", ", Software Supply Chain Security"),
    ),
    JobFamily(
        "Engineering Manager",
        "Engineering",
        0.06,
        (("Engineering Manager", 0.7), ("Senior Engineering Manager", 0.3)),
        STAGES,
    ),
    JobFamily(
        "Product Manager",
        "Product",
        0.05,
        _levels("Product Manager", ("", 0.5), ("Senior ", 0.35), ("Principal ", 0.15)),
        STAGES,
    ),
    JobFamily(
        "Product Designer",
        "Product",
        0.04,
        _levels("Product Designer", ("", 0.5), ("Senior ", 0.4), ("Staff ", 0.1)),
        STAGES,
        "Product Designer Intern",
    ),
    JobFamily(
        "Data Analyst",
        "Data",
        0.04,
        _levels("Data Analyst", ("", 0.6), ("Senior ", 0.3), ("Staff ", 0.1)),
        ("", ", Product", ", Marketing", ", Finance"),
        "Data Analyst Intern",
    ),
    JobFamily(
        "Support Engineer",
        "Customer Support",
        0.07,
        _levels("Support Engineer", ("", 0.6), ("Senior ", 0.3), ("Staff ", 0.1)),
        REGIONS,
        "Support Engineer Intern",
    ),
    JobFamily(
        "Security Engineer",
        "Security",
        0.03,
        _levels("Security Engineer", *_ENGINEER_LEVELS),
        (", Application Security", ", Security Operations", ", Red Team"),
    ),
    JobFamily(
        "Account Executive",
        "Sales",
        0.08,
        (
            ("Account Executive", 0.4),
            ("Senior Account Executive", 0.3),
            ("Enterprise Account Executive", 0.3),
        ),
        REGIONS,
    ),
    JobFamily(
        "People Operations Partner",
        "People",
        0.03,
        _levels("People Operations Partner", *_SIMPLE_LEVELS),
        ("",),
    ),
    JobFamily(
        "Marketing Manager",
        "Marketing",
        0.03,
        _levels("Marketing Manager", *_SIMPLE_LEVELS),
        (", Growth", ", Content", ", Field Marketing", ", Brand"),
    ),
    JobFamily(
        "Finance Analyst",
        "Finance",
        0.02,
        _levels("Finance Analyst", *_SIMPLE_LEVELS),
        ("", ", FP&A", ", Revenue"),
    ),
)
IN_SCOPE_FAMILIES: frozenset[str] = frozenset(
    {
        "Backend Engineer",
        "Frontend Engineer",
        "Fullstack Engineer",
        "Site Reliability Engineer",
        "Security Product Manager",
    }
)
ENGINEERING_MANAGER = "Engineering Manager"
EXECUTIVE_FAMILY = "Executive"


@dataclass(frozen=True)
class Department:
    name: str
    executive_title: str
    manager_family: str  # whose members manage the department's people
    manager_titles: tuple[str, ...]
    manager_suffixes: tuple[str, ...]
    people_per_manager: int = 8


# The chief executive comes first: executives report to it, it reports to nobody.
DEPARTMENTS: tuple[Department, ...] = (
    Department("Executive", "Chief Executive Officer", EXECUTIVE_FAMILY, (), ()),
    Department(
        "Engineering",
        "VP of Engineering",
        ENGINEERING_MANAGER,
        ("Engineering Manager", "Senior Engineering Manager"),
        STAGES,
    ),
    Department(
        "Infrastructure",
        "VP of Infrastructure",
        ENGINEERING_MANAGER,
        ("Engineering Manager", "Senior Engineering Manager"),
        (", Reliability", ", Database", ", Delivery"),
    ),
    Department(
        "Security",
        "Chief Information Security Officer",
        ENGINEERING_MANAGER,
        ("Engineering Manager",),
        (", Application Security", ", Security Operations"),
    ),
    Department(
        "Customer Support",
        "VP of Customer Support",
        ENGINEERING_MANAGER,
        ("Support Engineering Manager",),
        REGIONS,
    ),
    Department(
        "Product",
        "VP of Product",
        "Product Manager",
        ("Director of Product", "Group Product Manager"),
        (", Dev", ", Ops", ", Sec"),
    ),
    Department("Data", "Head of Data", "Data Analyst", ("Manager, Data",), ("",)),
    Department(
        "Sales",
        "Chief Revenue Officer",
        "Account Executive",
        ("Area Sales Manager", "Regional Sales Director"),
        REGIONS,
    ),
    Department(
        "People",
        "Chief People Officer",
        "People Operations Partner",
        ("Manager, People Operations",),
        ("",),
    ),
    Department(
        "Marketing",
        "Chief Marketing Officer",
        "Marketing Manager",
        ("Senior Manager, Marketing",),
        ("",),
    ),
    Department(
        "Finance", "Chief Financial Officer", "Finance Analyst", ("Finance Manager",), ("",)
    ),
)


@dataclass(frozen=True)
class Course:
    course_id: str
    title: str
    qualifying: bool  # in the control's default qualifying list
    weight: float  # relative frequency among non-qualifying records


COURSES: tuple[Course, ...] = (
    Course("SEC-CODE-101", "Secure Coding Fundamentals", True, 0.0),
    Course("SEC-CODE-OWASP", "OWASP Top 10 for Developers", True, 0.0),
    Course("SEC-AWARE-100", "Security Awareness", False, 0.35),
    Course("PRIV-101", "Data Privacy Essentials", False, 0.2),
    Course("HARASS-101", "Preventing Harassment in the Workplace", False, 0.2),
    Course("CODE-REVIEW-201", "Effective Code Review", False, 0.15),
    # Sounds like secure coding but is not on the qualifying list: a scope trap.
    Course("SEC-THREAT-201", "Threat Modeling Basics", False, 0.1),
)
COURSE_INDEX: dict[str, int] = {course.course_id: i for i, course in enumerate(COURSES)}

# UTC offsets seen on LMS timestamps, in minutes.
UTC_OFFSETS_MINUTES: tuple[int, ...] = (120, 60, -300, -480, 330, 540, 600, -210)

VENDOR_DOMAINS: tuple[str, ...] = (
    "acme-consulting.example",
    "northwind-staffing.example",
    "contractor.example.net",
)
EMAIL_DOMAIN = "example.com"
