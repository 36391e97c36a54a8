//! Every action over real HTTP to the simulator, checked against the
//! simulator's own data: nothing dropped, repeated or reordered.

mod common;

use common::{client, records, run, simulator, simulator_with};
use knowbe4_connector::{EnrollmentsQuery, PageQuery, TrainingCampaignsQuery};
use knowbe4_simulator::SimulatorConfig;
use serde_json::{json, Value};

#[test]
fn get_a_specific_policy_returns_the_record() {
    let sim = simulator();
    let client = client(&sim);
    for policy in sim.dataset().policies() {
        let id = policy["policy_id"].as_u64().unwrap();
        let envelope = run(
            &client,
            "get_a_specific_policy",
            json!({"path_parameters": {"policy_id": id}}),
        )
        .unwrap();
        assert_eq!(envelope.status_code, 200);
        assert_eq!(envelope.reason, "OK");
        assert_eq!(envelope.json_body(), Some(policy));
    }
    let queries = common::queries(&sim);
    assert!(
        queries.iter().all(String::is_empty),
        "single gets send no query: {queries:?}"
    );
}

#[test]
fn get_a_specific_training_campaign_has_percentages_and_both_content_shapes() {
    let sim = simulator();
    let client = client(&sim);
    let mut nested = 0;
    let mut flat = 0;
    for campaign in sim.dataset().campaigns() {
        let id = campaign["campaign_id"].clone();
        let envelope = run(
            &client,
            "get_a_specific_training_campaign",
            json!({"path_parameters": {"campaign_id": id}}),
        )
        .unwrap();
        assert_eq!(envelope.json_body(), Some(campaign));
        let body = envelope.json_body().unwrap();
        assert!(body.get("completion_percentage").is_some());
        match body["content"].as_array().and_then(|c| c.first()) {
            Some(Value::Array(_)) => nested += 1,
            Some(Value::Object(_)) => flat += 1,
            _ => {}
        }
    }
    assert!(
        nested > 0 && flat > 0,
        "both content shapes pass through ({nested} nested, {flat} flat)"
    );
}

#[test]
fn get_a_specific_training_enrollment_with_and_without_campaign_id() {
    let sim = simulator();
    let client = client(&sim);
    let enrollment = &sim.dataset().enrollments()[5];
    let id = enrollment["enrollment_id"].as_u64().unwrap();
    let rt = common::runtime();
    let plain = rt
        .block_on(client.get_a_specific_training_enrollment(id, None))
        .unwrap();
    assert_eq!(plain.json_body(), Some(enrollment));
    let with = rt
        .block_on(client.get_a_specific_training_enrollment(id, Some(true)))
        .unwrap();
    assert!(with.json_body().unwrap().get("campaign_id").is_some());
    let without = rt
        .block_on(client.get_a_specific_training_enrollment(id, Some(false)))
        .unwrap();
    assert!(without.json_body().unwrap().get("campaign_id").is_none());
    assert_eq!(
        common::queries(&sim),
        ["", "include_campaign_id=true", "include_campaign_id=false"],
        "booleans go on the wire as true/false"
    );
}

#[test]
fn get_account_risk_score_history_six_months_or_full() {
    let sim = simulator();
    let client = client(&sim);
    let rt = common::runtime();
    let recent = rt
        .block_on(client.get_account_risk_score_history(None))
        .unwrap();
    assert_eq!(
        records(&recent),
        sim.dataset().account_risk_score_history(false)
    );
    let full = rt
        .block_on(client.get_account_risk_score_history(Some(true)))
        .unwrap();
    assert_eq!(
        records(&full),
        sim.dataset().account_risk_score_history(true)
    );
    assert!(records(&full).len() > records(&recent).len());
}

#[test]
fn get_all_policies_returns_every_policy_in_order() {
    let sim = simulator_with(SimulatorConfig {
        policies: 1203,
        ..SimulatorConfig::default()
    });
    let client = client(&sim);
    let envelope = common::runtime()
        .block_on(client.get_all_policies(&PageQuery::all()))
        .unwrap();
    assert_eq!(records(&envelope), sim.dataset().policies());
    assert_eq!(
        common::queries(&sim),
        [
            "page=1&per_page=500",
            "page=2&per_page=500",
            "page=3&per_page=500"
        ]
    );
}

#[test]
fn get_all_training_campaigns_returns_all_not_ten() {
    let sim = simulator_with(SimulatorConfig {
        campaigns: 37,
        ..SimulatorConfig::default()
    });
    let client = client(&sim);
    let rt = common::runtime();
    let all = rt
        .block_on(client.get_all_training_campaigns(&TrainingCampaignsQuery::default()))
        .unwrap();
    let got = records(&all);
    assert_eq!(got.len(), 37, "every campaign, past the API's cap of 10");
    for (got, expected) in got.iter().zip(sim.dataset().campaigns()) {
        let mut expected = expected.clone();
        expected
            .as_object_mut()
            .unwrap()
            .shift_remove("completion_percentage");
        assert_eq!(got, &expected, "the same record, without the percentage");
    }
    assert_eq!(
        common::queries(&sim),
        ["exclude_percentages=true&page=1&per_page=500"]
    );

    sim.clear_requests();
    let capped = rt
        .block_on(client.get_all_training_campaigns(&TrainingCampaignsQuery {
            exclude_percentages: Some(false),
            ..TrainingCampaignsQuery::default()
        }))
        .unwrap();
    assert_eq!(
        records(&capped).as_slice(),
        &sim.dataset().campaigns()[..10],
        "the API's own cap, with percentages"
    );
}

#[test]
fn get_all_training_enrollments_every_record_exactly_once() {
    let sim = simulator_with(SimulatorConfig {
        users: 1100,
        enrollments_per_user: 3,
        ..SimulatorConfig::default()
    });
    let client = client(&sim);
    let envelope = common::runtime()
        .block_on(client.get_all_training_enrollments(&EnrollmentsQuery::default()))
        .unwrap();
    let got = records(&envelope);
    assert_eq!(got.len(), 3300);
    assert_eq!(got, sim.dataset().enrollments());
    assert_eq!(
        sim.requests().len(),
        7,
        "3300 records are 6 full pages and one short one"
    );
}

#[test]
fn enrollment_filters_and_include_flags_reach_the_api() {
    let sim = simulator();
    let client = client(&sim);
    let campaign_id = sim.dataset().campaigns()[2]["campaign_id"]
        .as_u64()
        .unwrap();
    let query = EnrollmentsQuery {
        campaign_id: Some(campaign_id),
        exclude_archived_users: Some(true),
        include_campaign_id: Some(true),
        include_store_purchase_id: Some(true),
        include_employee_number: Some(true),
        ..EnrollmentsQuery::default()
    };
    let envelope = common::runtime()
        .block_on(client.get_all_training_enrollments(&query))
        .unwrap();
    let got = records(&envelope);
    assert!(!got.is_empty());
    for record in got {
        assert_eq!(record["campaign_id"], campaign_id);
        assert!(record.get("store_purchase_id").is_some());
        assert!(record["user"]["employee_number"].is_u64());
    }
    assert_eq!(
        common::queries(&sim),
        [format!(
            "campaign_id={campaign_id}&exclude_archived_users=true&include_campaign_id=true\
             &include_store_purchase_id=true&include_employee_number=true&page=1&per_page=500"
        )]
    );
}

#[test]
fn unknown_fields_and_spellings_pass_through_untouched() {
    let sim = simulator();
    let client = client(&sim);
    let envelope = run(&client, "get_all_training_enrollments", json!({})).unwrap();
    assert!(records(&envelope)
        .iter()
        .any(|r| r.get("custom_fields").is_some()));
    let campaigns = run(&client, "get_all_training_campaigns", json!({})).unwrap();
    let text = serde_json::to_string(campaigns.json_body().unwrap()).unwrap();
    assert!(
        text.contains("\"store_purchased_id\""),
        "the reference's own spelling is kept"
    );
    assert!(text.contains("\"store_purchase_id\""));
}
