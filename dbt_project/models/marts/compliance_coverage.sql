-- Rule §6: one row per as-of date with the status counts, coverage and the control verdict.
with as_of as (
    select {{ as_of_date() }} as as_of_date
),

compliance as (
    select * from {{ ref('fct_training_compliance') }}
    where as_of_date = {{ as_of_date() }}
),

scope_decisions as (
    select * from {{ ref('fct_population_scope_decisions') }}
    where as_of_date = {{ as_of_date() }}
),

rejects as (
    select * from {{ ref('stg_landing__load_rejects') }}
),

unmatched_lms_records as (
    select * from {{ ref('fct_unmatched_lms_records') }}
    where as_of_date = {{ as_of_date() }}
),

status_counts as (
    select
        count(*) as in_scope_count,
        {#- One <status>_count per row of the training_statuses seed. -#}
        {% for row in training_statuses() -%}
        count(case when status = '{{ row["status"] }}' then 1 end) as {{ row["status"] }}_count,
        {% endfor -%}
        count(case when is_current then 1 end) as completed_count,
        count(case when is_compliant then 1 end) as covered_count,
        count(case when is_failing then 1 end) as failing_count,
        count(case when is_due_soon then 1 end) as due_soon_count
    from compliance
),

reject_counts as (
    select
        count(distinct case when export_source = 'hr' then line end) as hr_rejected_row_count,
        count(distinct case when export_source = 'lms' then line end) as lms_rejected_row_count,
        count(distinct case when export_source = 'exceptions' then line end)
            as exceptions_rejected_row_count
    from rejects
),

unmatched_counts as (
    select count(*) as unmatched_lms_record_count from unmatched_lms_records
),

-- §2.2: people whose scope the policy does not decide; each one fails the control.
unresolved_scope_counts as (
    select
        count(case when scope_status = 'unclassified' then 1 end) as unclassified_count,
        count(case when scope_status = 'possible_scope_miss' then 1 end)
            as possible_scope_miss_count
    from scope_decisions
),

measured as (
    select
        as_of.as_of_date,
        status_counts.*,
        reject_counts.*,
        unmatched_counts.*,
        unresolved_scope_counts.*,
        case
            when status_counts.in_scope_count > 0
                then {{ rounded_percentage(
                    'status_counts.covered_count', 'status_counts.in_scope_count'
                ) }}
        end as coverage_pct,
        case
            when status_counts.in_scope_count > 0
                then {{ rounded_percentage(
                    'status_counts.completed_count', 'status_counts.in_scope_count'
                ) }}
        end as completion_pct
    from as_of
    cross join status_counts
    cross join reject_counts
    cross join unmatched_counts
    cross join unresolved_scope_counts
)

select
    *,
    -- §6: an unevaluable HR row, or a person whose scope is undecided, means someone may
    -- be missing from the count, so the control cannot pass.
    coalesce(coverage_pct = 100, false)
    and in_scope_count > 0
    and hr_rejected_row_count = 0
    and unclassified_count = 0
    and possible_scope_miss_count = 0 as control_passed
from measured
