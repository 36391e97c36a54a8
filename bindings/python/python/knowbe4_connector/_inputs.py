"""Named-method arguments to the action name and Turbine-shaped inputs.

Each typed method of ``Client`` and ``AsyncClient`` is a thin shell over
``run_action``: the functions here build the ``{"path_parameters": ...,
"parameters": ...}`` dict, and the Rust core checks every value, exactly as
it checks the inputs of ``run_action`` and of a Turbine run. ``None`` means
"not given" (the core leaves ``null`` inputs out of the request).
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Sequence, Tuple, Union

Call = Tuple[str, Dict[str, Any]]


def policy(policy_id: int) -> Call:
    return "get_a_specific_policy", {"path_parameters": {"policy_id": policy_id}}


def training_campaign(campaign_id: int) -> Call:
    return "get_a_specific_training_campaign", {
        "path_parameters": {"campaign_id": campaign_id}
    }


def training_enrollment(enrollment_id: int, include_campaign_id: Optional[bool]) -> Call:
    return "get_a_specific_training_enrollment", {
        "path_parameters": {"enrollment_id": enrollment_id},
        "parameters": {"include_campaign_id": include_campaign_id},
    }


def risk_score_history(full: Optional[bool]) -> Call:
    return "get_account_risk_score_history", {"parameters": {"full": full}}


def policies(page: Optional[int], per_page: Optional[int]) -> Call:
    return "get_all_policies", {"parameters": {"page": page, "per_page": per_page}}


def training_campaigns(
    exclude_percentages: Optional[bool],
    page: Optional[int],
    per_page: Optional[int],
    status: Optional[str] = None,
) -> Call:
    return "get_all_training_campaigns", {
        "parameters": {
            "exclude_percentages": exclude_percentages,
            "page": page,
            "per_page": per_page,
            "status": status,
        }
    }


def training_enrollments(
    *,
    store_purchase_id: Optional[int],
    campaign_id: Optional[int],
    user_id: Optional[int],
    exclude_archived_users: Optional[bool],
    include_campaign_id: Optional[bool],
    include_store_purchase_id: Optional[bool],
    include_employee_number: Optional[bool],
    page: Optional[int],
    per_page: Optional[int],
    cursor: Union[str, bool, None],
    status: Optional[str] = None,
) -> Call:
    return "get_all_training_enrollments", {
        "parameters": {
            "store_purchase_id": store_purchase_id,
            "campaign_id": campaign_id,
            "user_id": user_id,
            "exclude_archived_users": exclude_archived_users,
            "include_campaign_id": include_campaign_id,
            "include_store_purchase_id": include_store_purchase_id,
            "include_employee_number": include_employee_number,
            "page": page,
            "per_page": per_page,
            "cursor": cursor,
            "status": status,
        }
    }


def store_purchases(page: Optional[int], per_page: Optional[int]) -> Call:
    return "get_all_store_purchases", {"parameters": {"page": page, "per_page": per_page}}


def store_purchase(store_purchase_id: int) -> Call:
    return "get_a_specific_store_purchase", {
        "path_parameters": {"store_purchase_id": store_purchase_id}
    }


def modules(type: Optional[str], page: Optional[int], per_page: Optional[int]) -> Call:  # noqa: A002
    return "get_all_modules", {"parameters": {"type": type, "page": page, "per_page": per_page}}


def module(module_id: int, source: Optional[str]) -> Call:
    return "get_a_specific_module", {
        "path_parameters": {"module_id": module_id},
        "parameters": {"source": source},
    }


def compliance_report(
    campaign_id: Optional[int],
    campaign_ids: Optional[Sequence[int]],
    as_of: Optional[str],
    exclude_archived_users: Optional[bool],
) -> Call:
    return "get_training_compliance_report", {
        "parameters": {
            "campaign_id": campaign_id,
            "campaign_ids": None if campaign_ids is None else list(campaign_ids),
            "as_of": as_of,
            "exclude_archived_users": exclude_archived_users,
        }
    }
