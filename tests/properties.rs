//! Property tests of input validation: every well-formed value is accepted
//! exactly as given, every malformed one is refused naming the input.

use knowbe4_connector::{check_input, ActionInput, ErrorKind};
use proptest::prelude::*;
use serde_json::{json, Value};

fn check(action: &str, input: Value) -> Result<(), knowbe4_connector::Error> {
    check_input(action, &ActionInput::from_value(input)?)
}

fn refused_as(result: Result<(), knowbe4_connector::Error>, input: &str) {
    let err = result.expect_err("refused");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(err.input(), Some(input), "{err}");
}

proptest! {
    #[test]
    fn positive_ids_are_accepted_as_numbers_or_digit_strings(id in 1u64..) {
        let as_number = check("get_a_specific_policy", json!({"path_parameters": {"policy_id": id}}));
        let as_text = check("get_a_specific_policy", json!({"path_parameters": {"policy_id": id.to_string()}}));
        prop_assert!(as_number.is_ok() && as_text.is_ok());
    }

    #[test]
    fn non_positive_ids_are_refused(id in i64::MIN..=0) {
        refused_as(check("get_a_specific_training_campaign", json!({"path_parameters": {"campaign_id": id}})), "campaign_id");
    }

    #[test]
    fn fractional_ids_are_refused(id in 0.0f64..1e15) {
        prop_assume!(id.fract() != 0.0);
        refused_as(check("get_a_specific_policy", json!({"path_parameters": {"policy_id": id}})), "policy_id");
    }

    #[test]
    fn any_string_with_a_non_digit_is_refused(text in ".*[^0-9].*") {
        refused_as(check("get_a_specific_training_enrollment", json!({"path_parameters": {"enrollment_id": text}})), "enrollment_id");
    }

    #[test]
    fn flags_are_exactly_true_or_false(text in "[a-zA-Z0-9 ]{0,8}") {
        let result = check("get_account_risk_score_history", json!({"parameters": {"full": text}}));
        if text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false") {
            prop_assert!(result.is_ok());
        } else {
            refused_as(result, "full");
        }
    }

    #[test]
    fn per_page_is_one_to_five_hundred(size in 0u64..2000) {
        let result = check("get_all_policies", json!({"parameters": {"per_page": size}}));
        prop_assert_eq!(result.is_ok(), (1..=500).contains(&size));
    }

    #[test]
    fn unknown_input_names_are_refused_by_name(name in "[a-z_]{1,20}") {
        let known = ["page", "per_page", "exclude_percentages", "status"];
        prop_assume!(!known.contains(&name.as_str()));
        refused_as(check("get_all_training_campaigns", json!({"parameters": {name.clone(): 1}})), &name);
    }

    #[test]
    fn header_values_with_line_breaks_are_refused(before in "[ -~]{0,10}", after in "[ -~]{0,10}", brk in "[\r\n]") {
        let value = format!("{before}{brk}{after}");
        refused_as(check("get_all_policies", json!({"headers": {"X-Trace": value}})), "headers.X-Trace");
    }

    #[test]
    fn statuses_match_in_any_case(index in 0usize..5, upper in any::<bool>()) {
        let status = ["Passed", "Completed", "In Progress", "Not Started", "Past Due"][index];
        let given = if upper { status.to_uppercase() } else { status.to_lowercase().replace(' ', "_") };
        let accepted = check("get_all_training_enrollments", json!({"parameters": {"status": given}})).is_ok();
        prop_assert!(accepted);
    }
}
