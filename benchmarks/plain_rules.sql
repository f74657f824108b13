-- The benchmark's floor: rules §1-§6 of docs/rules.md as one DuckDB query over the
-- day's raw CSV exports, written apart from the dbt models. No data contract checks, no
-- audit tables, no tests, no intermediate tables: only what the statuses and coverage need.
-- Placeholders ($$name) are filled in by plain_sql.py (string.Template): file paths,
-- policy numbers, the §2.1 normalisation of the compared text columns, and the SQL the
-- policy's scope rules, overrides and cycle turn into.
with hr as (
    select
        nullif(trim(employee_id), '') as employee_id,
        $work_email_key as email_key,
        $job_family_key as job_family_key,
        $job_title_key as job_title_key,
        $job_code_key as job_code_key,
        $department_key as department_key,
        lower(trim(employment_type)) as employment_type,
        lower(trim(employment_status)) as employment_status,
        try_cast(nullif(trim(hire_date), '') as date) as hire_date,
        try_cast(nullif(trim(termination_date), '') as date) as termination_date,
        nullif(trim(termination_date), '') as termination_date_text,
        nullif(trim(job_title), '') as job_title,
        nullif(trim(job_family), '') as job_family,
        nullif(trim(department), '') as department
    from read_csv($hr_csv, header = true, all_varchar = true)
),

-- The rows ingestion would load: required values present, dates and enumerations valid
-- (rejected rows never reach the rules, not even identity).
hr_loaded as (
    select *
    from hr
    where employee_id is not null and email_key is not null and job_title is not null
        and job_family is not null and department is not null
        and employment_type in ('employee', 'contractor', 'intern')
        and employment_status in ('active', 'leave', 'terminated')
        and hire_date is not null
        and (termination_date_text is null or termination_date is not null)
),

-- §1 and §2: active on D, then the override in force, else the first matching rule,
-- which includes only people of a listed employment type.
scoped as (
    select
        employee_id,
        employment_status,
        hire_date,
        coalesce(
            $override_decision,
            case when $rule_decision = 'include' and employment_type in ($employment_types)
                then 'include' end
        ) = 'include' as is_in_scope
    from hr_loaded
    where hire_date <= $as_of
        and employment_status <> 'terminated'
        and (termination_date is null or termination_date > $as_of)
),

in_scope as (
    select employee_id, employment_status, hire_date from scoped where is_in_scope
),

-- §5: exceptions in force on D; rows ingestion rejects (no reason or approver, expiring
-- before approval) are never in force.
exceptions_in_force as (
    select distinct employee_id
    from (
        select
            nullif(trim(employee_id), '') as employee_id,
            try_cast(nullif(trim(approved_on), '') as date) as approved_on,
            try_cast(nullif(trim(expires_on), '') as date) as expires_on,
            nullif(trim(expires_on), '') as expires_on_text,
            nullif(trim(reason), '') as reason,
            nullif(trim(approved_by), '') as approved_by
        from read_csv($exceptions_csv, header = true, all_varchar = true)
    )
    where employee_id is not null and reason is not null and approved_by is not null
        and approved_on <= $as_of
        and (expires_on_text is null or (expires_on >= approved_on and $as_of <= expires_on))
),

-- §3: one scan of the LMS export. Only the records that qualify (completed, a qualifying
-- course, dated on or before D) or whose employee_id is not in the HR export (candidates
-- for the unmatched count) go past the id probe; the email key is computed for those only.
lms as (
    select
        nullif(trim(lms.employee_id), '') as lms_employee_id,
        lms.user_email,
        trim(lms.course_id) as course_id,
        lower(trim(lms.status)) = 'completed'
            and trim(lms.course_id) in ($qualifying_courses)
            and try_cast(substring(trim(lms.completed_at), 1, 10) as date) <= $as_of
            as qualifies,
        try_cast(substring(trim(lms.completed_at), 1, 10) as date) as completed_on,
        hr_ids.employee_id as employee_id_by_id
    from read_csv($lms_csv, header = true, all_varchar = true) as lms
    left join hr_loaded as hr_ids
        on nullif(trim(lms.employee_id), '') = hr_ids.employee_id
    -- Records ingestion would reject never reach the rules.
    where nullif(trim(lms.record_id), '') is not null
        and nullif(trim(lms.user_email), '') is not null
        and nullif(trim(lms.course_id), '') is not null
        and lower(trim(lms.status)) in ('completed', 'in_progress', 'not_started')
        and (
            lower(trim(lms.status)) <> 'completed'
            or try_cast(substring(trim(lms.completed_at), 1, 10) as date) is not null
        )
),

lms_relevant as (
    select
        *,
        case when employee_id_by_id is null then $user_email_key end as email_key
    from lms
    where qualifies or employee_id_by_id is null
),

lms_matched as (
    select
        coalesce(lms_relevant.employee_id_by_id, by_email.employee_id) as employee_id,
        lms_relevant.qualifies,
        lms_relevant.completed_on,
        lms_relevant.course_id
    from lms_relevant
    left join hr_loaded as by_email
        on lms_relevant.email_key = by_email.email_key
),

-- §3.2 and §3.3 per person (due_on: the latest day any qualifying completion covers),
-- and the row of nobody counting the unmatched records.
lms_per_person as (
    select
        employee_id,
        max($covered_until) filter (where qualifies) as due_on,
        count(*) filter (where employee_id is null) as unmatched_record_count
    from lms_matched
    group by employee_id
),

leave_returns as (
    $leave_returns
),

-- §4: the first status that applies.
statused as (
    select
        in_scope.employee_id,
        lms_per_person.due_on,
        lms_per_person.due_on - $as_of as days_until_due,
        case
            when $as_of <= lms_per_person.due_on then 'compliant'
            when exceptions_in_force.employee_id is not null then 'exempt'
            when in_scope.employment_status = 'leave' then 'on_leave'
            when $as_of <= greatest(
                in_scope.hire_date + $grace_days,
                leave_returns.last_on_leave + $return_from_leave_grace_days
            ) then 'in_grace_period'
            when lms_per_person.due_on is not null then 'overdue'
            else 'never_completed'
        end as status
    from in_scope
    left join lms_per_person
        on in_scope.employee_id = lms_per_person.employee_id
    left join exceptions_in_force
        on in_scope.employee_id = exceptions_in_force.employee_id
    left join leave_returns
        on in_scope.employee_id = leave_returns.employee_id
)

-- §6: coverage of the day.
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
    (select coalesce(sum(unmatched_record_count), 0) from lms_per_person where employee_id is null)
        as unmatched_lms_record_count,
    round(100 * count(*) filter (where status not in ('overdue', 'never_completed'))
        / nullif(count(*), 0), 4) as coverage_pct,
    round(100 * count(*) filter (where status = 'compliant') / nullif(count(*), 0), 4)
        as completion_pct
from statused
