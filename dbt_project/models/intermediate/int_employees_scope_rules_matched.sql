-- Rule §2, the policy's scope rules: for every active person of D, the override in force
-- or else the first rule (in policy order) all of whose fields match one of their
-- patterns. Values and patterns were normalised at load time; LIKE compares them whole.
with employees as (
    select * from {{ ref('int_employees_active') }}
    where is_active
),

rules as (
    select * from {{ ref('stg_policy__scope_rules') }}
),

patterns as (
    select * from {{ ref('stg_policy__scope_rule_patterns') }}
),

overrides as (
    select * from {{ ref('stg_policy__scope_overrides') }}
),

employee_fields as (
    select employee_id, 'job_family' as field, job_family_key as field_key from employees
    union all
    select employee_id, 'job_title' as field, job_title_key as field_key from employees
    union all
    select employee_id, 'job_code' as field, job_code_key as field_key from employees
    union all
    select employee_id, 'department' as field, department_key as field_key from employees
),

field_hits as (
    select distinct
        employee_fields.employee_id,
        patterns.rule_id,
        patterns.field
    from employee_fields
    inner join patterns
        on employee_fields.field = patterns.field
        and employee_fields.field_key like patterns.like_pattern escape '\'
),

rule_hits as (
    select employee_id, rule_id, count(*) as hit_field_count
    from field_hits
    group by employee_id, rule_id
),

matching_rules as (
    select rule_hits.employee_id, rules.rule_order, rules.rule_id, rules.decision, rules.reason
    from rule_hits
    inner join rules
        on rule_hits.rule_id = rules.rule_id
    where rule_hits.hit_field_count = rules.matched_field_count
    union all
    -- A rule matching on no field (`match: {}`) is a catch-all.
    select employees.employee_id, rules.rule_order, rules.rule_id, rules.decision, rules.reason
    from employees
    cross join rules
    where rules.matched_field_count = 0
),

first_rules as (
    select
        *,
        row_number() over (partition by employee_id order by rule_order) as match_rank
    from matching_rules
),

overrides_in_force as (
    -- At most one per person: the policy file refuses a second override for an
    -- employee_id, and stg_policy__scope_overrides tests that it is unique.
    select *
    from overrides
    where approved_on <= as_of_date
        and (expires_on is null or as_of_date <= expires_on)
)

select
    employees.employee_id,
    first_rules.rule_id as matched_rule_id,
    first_rules.decision as matched_rule_decision,
    first_rules.reason as matched_rule_reason,
    overrides_in_force.decision as override_decision,
    overrides_in_force.reason as override_reason,
    overrides_in_force.approved_by as override_approved_by,
    overrides_in_force.approved_on as override_approved_on
from employees
left join first_rules
    on employees.employee_id = first_rules.employee_id
    and first_rules.match_rank = 1
left join overrides_in_force
    on employees.employee_id = overrides_in_force.employee_id
