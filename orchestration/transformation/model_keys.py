"""Asset keys of the dbt models that other steps read, looked up by dagster-dbt itself.

The translator decides every dbt asset key; asking dagster-dbt for a model's key
keeps the checks, the evidence and the sensors in step with it.
"""

from dagster import AssetKey
from dagster_dbt import get_asset_key_for_model

from orchestration.transformation.assets import compliance_dbt_models


def model_key(model_name: str) -> AssetKey:
    return get_asset_key_for_model([compliance_dbt_models], model_name)


FACT_KEY = model_key("fct_training_compliance")
COVERAGE_KEY = model_key("compliance_coverage")
UNMATCHED_KEY = model_key("fct_unmatched_lms_records")
SCOPE_DECISIONS_KEY = model_key("fct_population_scope_decisions")
EXCEPTIONS_IN_FORCE_KEY = model_key("fct_exceptions_in_force")
UNRESOLVED_SCOPE_KEY = model_key("fct_scope_unresolved")
CHASE_LIST_KEY = model_key("fct_chase_list")
MANAGER_FOLLOW_UP_KEY = model_key("fct_manager_follow_up")
COVERAGE_FORECAST_KEY = model_key("fct_coverage_forecast")
LAPSES_BY_DEPARTMENT_KEY = model_key("fct_lapses_ahead_by_department")
LAPSES_BY_MANAGER_KEY = model_key("fct_lapses_ahead_by_manager")
