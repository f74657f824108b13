"""Asset keys of the dbt models that other steps read, looked up by dagster-dbt itself.

The translator decides every dbt asset key; asking dagster-dbt for a model's key
keeps the checks, the evidence and the sensors in step with it.
"""

from dagster_dbt import get_asset_key_for_model

from orchestration.transformation.assets import compliance_dbt_models

FACT_KEY = get_asset_key_for_model([compliance_dbt_models], "fct_training_compliance")
COVERAGE_KEY = get_asset_key_for_model([compliance_dbt_models], "compliance_coverage")
UNMATCHED_KEY = get_asset_key_for_model([compliance_dbt_models], "fct_unmatched_lms_records")
SCOPE_DECISIONS_KEY = get_asset_key_for_model(
    [compliance_dbt_models], "fct_population_scope_decisions"
)
EXCEPTIONS_IN_FORCE_KEY = get_asset_key_for_model(
    [compliance_dbt_models], "fct_exceptions_in_force"
)
UNRESOLVED_SCOPE_KEY = get_asset_key_for_model([compliance_dbt_models], "fct_scope_unresolved")
CHASE_LIST_KEY = get_asset_key_for_model([compliance_dbt_models], "fct_chase_list")
MANAGER_FOLLOW_UP_KEY = get_asset_key_for_model([compliance_dbt_models], "fct_manager_follow_up")
COVERAGE_FORECAST_KEY = get_asset_key_for_model([compliance_dbt_models], "fct_coverage_forecast")
LAPSES_BY_DEPARTMENT_KEY = get_asset_key_for_model(
    [compliance_dbt_models], "fct_lapses_ahead_by_department"
)
LAPSES_BY_MANAGER_KEY = get_asset_key_for_model(
    [compliance_dbt_models], "fct_lapses_ahead_by_manager"
)
