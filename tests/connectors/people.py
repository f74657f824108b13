"""One small population, in contract form and as each vendor's API would answer for it.

The vendor forms are derived from the contract rows, so a pulled day and a CSV day hold
the same people by construction; each converter follows docs/connectors.md's shapes.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.landing_builder import completion, person

COURSE = "SEC-CODE-101"
OTHER_COURSE = "SEC-CODE-OWASP"


def roster(today: date) -> list[dict[str, object]]:
    """Contract rows giving compliant, overdue, never-completed, grace, leave and out-of-scope
    people, a contractor and a leaver; numeric ids, as KnowBe4 carries them."""
    days = lambda n: (today - timedelta(days=n)).isoformat()  # noqa: E731
    return [
        person("1001", manager_id=""),
        person("1002", manager_id="1001"),
        person("1003", hire_date=days(10)),
        person("1004", employment_status="leave"),
        person(
            "1005",
            employment_type="contractor",
            job_family="Site Reliability Engineer",
            job_title="Site Reliability Engineer",
        ),
        person("1006", job_family="Data Analyst", job_title="Data Analyst"),
        person("1007", employment_status="terminated", termination_date=days(40)),
        person("1008", manager_id="1001"),
    ]


def completions(today: date) -> list[dict[str, object]]:
    days = lambda n: (today - timedelta(days=n)).isoformat()  # noqa: E731
    records = [
        completion("L1", "1001", days(100)),
        completion("L2", "1002", days(400)),
        completion("L3", "1005", days(30), course_id=OTHER_COURSE),
        completion("L4", "1008", days(200)),
    ]
    in_progress = completion("L5", "1008", "", course_id=OTHER_COURSE)
    in_progress["status"] = "in_progress"
    return [*records, in_progress]


# BambooHR: employmentHistoryStatus carries contract/leave, status Active/Inactive.
def as_bamboohr(row: dict[str, object]) -> dict[str, str]:
    history = {"contractor": "Contractor", "intern": "Intern"}.get(
        str(row["employment_type"]), "Full-Time"
    )
    if row["employment_status"] == "leave":
        history = "Leave of Absence"
    return {
        "id": str(row["employee_id"]),
        "workEmail": str(row["work_email"]),
        "displayName": str(row["full_name"]),
        "jobTitle": str(row["job_title"]),
        "department": str(row["department"]),
        "supervisorEId": str(row["manager_id"] or ""),
        "employmentHistoryStatus": history,
        "status": "Inactive" if row["employment_status"] == "terminated" else "Active",
        "hireDate": str(row["hire_date"]),
        "terminationDate": str(row["termination_date"] or "0000-00-00"),
    }


# Workday: keys of empty values are left out; dates carry the tenant's UTC offset.
def as_workday(row: dict[str, object]) -> dict[str, str]:
    entry = {
        "Employee_ID": row["employee_id"],
        "Work_Email": row["work_email"],
        "Legal_Name": row["full_name"],
        "Business_Title": row["job_title"],
        "Job_Family": row["job_family"],
        "Supervisory_Organization": row["department"],
        "Manager_Employee_ID": row["manager_id"],
        "Worker_Type": "Contingent Worker"
        if row["employment_type"] == "contractor"
        else "Employee",
        "Worker_Status": {"leave": "On Leave", "terminated": "Terminated"}.get(
            str(row["employment_status"]), "Active"
        ),
        "Hire_Date": f"{row['hire_date']}-08:00",
        "Termination_Date": f"{row['termination_date']}-08:00" if row["termination_date"] else "",
    }
    return {key: str(value) for key, value in entry.items() if value}


KNOWBE4_STATUSES = {
    "completed": "Passed",
    "in_progress": "In Progress",
    "not_started": "Not Started",
}
SCW_STATUSES = {"completed": "Completed", "in_progress": "In Progress", "not_started": "Invited"}


def as_knowbe4(number: int, record: dict[str, object]) -> dict[str, Any]:
    done = record["status"] == "completed"
    return {
        "enrollment_id": number,
        "content_type": "Uploaded Policy" if number % 2 else "Training Module",
        "module_name": record["course_id"],
        "user": {
            "id": 9000 + number,
            "first_name": "Test",
            "email": record["user_email"],
            # KnowBe4 gives the HRIS id as a JSON number.
            "employee_number": int(str(record["employee_id"])),
        },
        "campaign_name": "Annual secure coding",
        "enrollment_date": "2024-01-02T09:00:00.000Z",
        "start_date": "2024-01-03T09:00:00.000Z",
        "completion_date": f"{record['completed_at']}T12:00:00.000Z" if done else None,
        "status": KNOWBE4_STATUSES[str(record["status"])],
        "time_spent": 1200,
        "policy_acknowledged": False,
    }


def as_securecodewarrior(
    records: list[dict[str, object]],
) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """(users, progress by course id): each learner a user id, each record a progress row."""
    emails = sorted({str(record["user_email"]) for record in records})
    user_ids = {email: f"u-{index:03d}" for index, email in enumerate(emails, 1)}
    users = [{"id": user_ids[email], "email": email, "status": "enabled"} for email in emails]
    progress: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        done = record["status"] == "completed"
        progress.setdefault(str(record["course_id"]), []).append(
            {
                "user_id": user_ids[str(record["user_email"])],
                "status": SCW_STATUSES[str(record["status"])],
                "first_completed_date": f"{record['completed_at']}T08:15:00Z" if done else None,
            }
        )
    return users, progress
