-- Rule §2: the scope decision of every person of the day's HR export, with the id of the
-- rule (or override) that made it and a reason an auditor can read. §2.2: a person no
-- rule matches is unclassified (scope.otherwise: unclassified), or, under
-- `otherwise: exclude`, a possible scope miss when their job family or title looks like
-- an include pattern; neither counts as in scope, and either fails the control (§6).
with employees as (
    select * from {{ ref('int_employees_active') }}
),

rule_matches as (
    select * from {{ ref('int_employees_scope_rules_matched') }}
),

policy as (
    select * from {{ ref('stg_policy__documents') }}
),

employment_types as (
    select * from {{ ref('stg_policy__employment_types') }}
),

rules as (
    select * from {{ ref('stg_policy__scope_rules') }}
),

patterns as (
    select * from {{ ref('stg_policy__scope_rule_patterns') }}
),

decided as (
    select
        employees.*,
        rule_matches.matched_rule_id,
        rule_matches.matched_rule_decision,
        rule_matches.matched_rule_reason,
        rule_matches.override_decision,
        rule_matches.override_reason,
        rule_matches.override_approved_by,
        rule_matches.override_approved_on,
        policy.scope_otherwise,
        employment_types.employment_type is not null as is_employment_type_in_scope
    from employees
    cross join policy
    left join rule_matches
        on employees.employee_id = rule_matches.employee_id
    left join employment_types
        on employees.employment_type = employment_types.employment_type
),

-- §2.2: only people no rule matched, whose type can be in scope, under otherwise: exclude.
lookalike_candidates as (
    select *
    from decided
    where is_active
        and override_decision is null
        and matched_rule_id is null
        and is_employment_type_in_scope
        and scope_otherwise = 'exclude'
),

include_patterns as (
    select
        patterns.*,
        rules.rule_order,
        ' ' || {{ word_text('patterns.pattern_text') }} || ' ' as pattern_words
    from patterns
    inner join rules
        on patterns.rule_id = rules.rule_id
    where rules.decision = 'include'
        and patterns.field in ('job_family', 'job_title')
),

-- Each candidate's job family and job title, compared one by one, so a resemblance names
-- the person's field that resembles (a title can resemble a job_family pattern).
candidate_fields as (
    select
        employee_id,
        'job_family' as field,
        job_family_key as field_key,
        job_family_skeleton as field_skeleton
    from lookalike_candidates
    union all
    select
        employee_id,
        'job_title' as field,
        job_title_key as field_key,
        job_title_skeleton as field_skeleton
    from lookalike_candidates
),

lookalike_hits as (
    select
        candidate_fields.employee_id,
        include_patterns.rule_id,
        candidate_fields.field,
        include_patterns.pattern,
        row_number() over (
            partition by candidate_fields.employee_id
            order by include_patterns.rule_order, candidate_fields.field,
                include_patterns.field, include_patterns.pattern
        ) as resemblance_rank
    from candidate_fields
    inner join include_patterns
        on candidate_fields.field_skeleton
            like include_patterns.skeleton_like_pattern escape '\'
        or (
            not include_patterns.has_wildcards
            and position(
                include_patterns.pattern_words
                in ' ' || {{ word_text('candidate_fields.field_key') }} || ' '
            ) > 0
        )
),

resemblances as (
    select * from lookalike_hits where resemblance_rank = 1
),

classified as (
    select
        decided.*,
        resemblances.rule_id as resembled_rule_id,
        resemblances.field as resembled_field,
        resemblances.pattern as resembled_pattern,
        case
            when not decided.is_active then 'not_active'
            when decided.override_decision = 'include' then 'in_scope'
            when decided.override_decision = 'exclude' then 'out_of_scope'
            when decided.matched_rule_decision = 'exclude' then 'out_of_scope'
            when decided.matched_rule_decision = 'include'
                and decided.is_employment_type_in_scope then 'in_scope'
            when decided.matched_rule_decision = 'include' then 'out_of_scope'
            when not decided.is_employment_type_in_scope then 'out_of_scope'
            when decided.scope_otherwise = 'unclassified' then 'unclassified'
            when resemblances.rule_id is not null then 'possible_scope_miss'
            else 'out_of_scope'
        end as scope_status,
        case
            when not decided.is_active then null
            when decided.override_decision is not null then 'override'
            when decided.matched_rule_id is not null then decided.matched_rule_id
            else 'otherwise'
        end as scope_rule_id
    from decided
    left join resemblances
        on decided.employee_id = resemblances.employee_id
)

select
    *,
    scope_status = 'in_scope' as is_in_scope,
    case
        when scope_status = 'not_active' then inactive_reason
        when override_decision is not null
            then (case when override_decision = 'include' then 'in scope' else 'out of scope' end)
                || ': override approved by ' || override_approved_by || ' on '
                || cast(override_approved_on as {{ dbt.type_string() }}) || ': ' || override_reason
        when matched_rule_decision = 'exclude'
            then 'out of scope: rule ' || matched_rule_id || ': ' || matched_rule_reason
        when matched_rule_decision = 'include' and scope_status = 'out_of_scope'
            then 'out of scope: employment type "' || employment_type
                || '" is not in scope.employment_types (rule ' || matched_rule_id || ' matched)'
        when matched_rule_decision = 'include'
            then 'in scope: rule ' || matched_rule_id || ': ' || matched_rule_reason
                || ' (job family "' || job_family || '")'
        when not is_employment_type_in_scope
            then 'out of scope: employment type "' || employment_type
                || '" is not in scope.employment_types'
        when scope_status = 'unclassified'
            then 'unclassified: no scope rule matches job family "' || job_family
                || '", job title "' || job_title || '"; classify with a rule or an override'
        when scope_status = 'possible_scope_miss'
            then 'possible scope miss: ' || replace(resembled_field, '_', ' ') || ' resembles "'
                || resembled_pattern || '" of include rule ' || resembled_rule_id
                || ' but no rule matches; classify with a rule or an override'
        else 'out of scope: no scope rule matches (scope.otherwise: exclude)'
    end as scope_reason
from classified
