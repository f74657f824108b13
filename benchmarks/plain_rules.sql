-- The benchmark's floor: rules §1-§6 of docs/rules.md as one DuckDB
-- script over the day's raw CSV exports, written apart from the dbt models. No data
-- contract checks, no audit tables, no tests: only what the statuses and coverage need.
-- Placeholders ($$name) are filled in by plain_sql.py (string.Template).

create table hr as
select
    trim(employee_id) as employee_id,
    lower(trim(work_email)) as email,
    lower(trim(job_family)) as job_family,
    lower(trim(employment_type)) as employment_type,
    lower(trim(employment_status)) as employment_status,
    cast(nullif(trim(hire_date), '') as date) as hire_date,
    cast(nullif(trim(termination_date), '') as date) as termination_date
from read_csv($hr_csv, header = true, all_varchar = true);

create table exceptions_in_force as
select distinct trim(employee_id) as employee_id
from read_csv($exceptions_csv, header = true, all_varchar = true)
where cast(trim(approved_on) as date) <= $as_of
    and (nullif(trim(expires_on), '') is null or $as_of <= cast(trim(expires_on) as date));

-- §3: one pass over the LMS export: identity (id first, then email), then per person the
-- latest qualifying completion; the row of nobody counts the unmatched records.
create table lms_per_person as
with lms as (
    select
        nullif(trim(employee_id), '') as employee_id,
        lower(trim(user_email)) as email,
        trim(course_id) as course_id,
        lower(trim(status)) as status,
        cast(substring(trim(completed_at), 1, 10) as date) as completed_on
    from read_csv($lms_csv, header = true, all_varchar = true)
),

courses as (
    select trim(course_id) as course_id from read_csv($courses_csv, header = true)
)

select
    coalesce(by_id.employee_id, by_email.employee_id) as employee_id,
    max(lms.completed_on) filter (
        where lms.status = 'completed'
            and lms.completed_on <= $as_of
            and courses.course_id is not null
    ) as last_completed_on,
    count(*) as record_count
from lms
left join courses on lms.course_id = courses.course_id
left join hr as by_id on lms.employee_id = by_id.employee_id
left join hr as by_email on lms.email = by_email.email
group by all;

-- §1, §2, §4: the in-scope population and the first status that applies.
create table fct as
with in_scope as (
    select hr.*
    from hr
    join read_csv($families_csv, header = true) as families
        on hr.job_family = lower(trim(families.job_family))
    join read_csv($employment_types_csv, header = true) as types
        on hr.employment_type = types.employment_type and types.is_in_scope
    where hr.hire_date <= $as_of
        and hr.employment_status <> 'terminated'
        and (hr.termination_date is null or hr.termination_date > $as_of)
),

dated as (
    select
        in_scope.employee_id,
        in_scope.employment_status,
        in_scope.hire_date,
        lms_per_person.last_completed_on,
        lms_per_person.last_completed_on + $validity_days as due_on,
        exceptions_in_force.employee_id is not null as has_exception
    from in_scope
    left join lms_per_person using (employee_id)
    left join exceptions_in_force using (employee_id)
)
select
    *,
    due_on - $as_of as days_until_due,
    case
        when $as_of <= due_on then 'compliant'
        when has_exception then 'exempt'
        when employment_status = 'leave' then 'on_leave'
        when $as_of <= hire_date + $grace_days then 'in_grace_period'
        when last_completed_on is not null then 'overdue'
        else 'never_completed'
    end as status
from dated;

-- §6: coverage of the day.
create table coverage as
select
    count(*) as in_scope_count,
    count(*) filter (where status = 'compliant') as compliant_count,
    count(*) filter (where status = 'exempt') as exempt_count,
    count(*) filter (where status = 'on_leave') as on_leave_count,
    count(*) filter (where status = 'in_grace_period') as in_grace_period_count,
    count(*) filter (where status = 'overdue') as overdue_count,
    count(*) filter (where status = 'never_completed') as never_completed_count,
    count(*) filter (where status = 'compliant' and days_until_due <= $due_soon_days)
        as due_soon_count,
    (select coalesce(sum(record_count), 0) from lms_per_person where employee_id is null)
        as unmatched_lms_record_count,
    round(100 * count(*) filter (where status not in ('overdue', 'never_completed'))
        / nullif(count(*), 0), 4) as coverage_pct,
    round(100 * count(*) filter (where status = 'compliant') / nullif(count(*), 0), 4)
        as completion_pct
from fct;
