//! The training-program tools: store purchases, modules, status filters and
//! the compliance report, checked against the simulator's own data with an
//! independent count.

mod common;

use std::collections::HashMap;

use common::{client, records, run, simulator, simulator_with};
use knowbe4_connector::dates::{parse_relative_duration, parse_seconds};
use knowbe4_connector::ErrorKind;
use knowbe4_simulator::SimulatorConfig;
use serde_json::{json, Value};

fn store_id(record: &Value) -> u64 {
    record
        .get("store_purchase_id")
        .or_else(|| record.get("store_purchased_id"))
        .and_then(Value::as_u64)
        .unwrap()
}

#[test]
fn store_purchases_list_and_get_with_both_id_spellings() {
    let sim = simulator();
    let client = client(&sim);
    let all = run(&client, "get_all_store_purchases", json!({})).unwrap();
    assert_eq!(records(&all), sim.dataset().store_purchases());
    assert!(
        records(&all)
            .iter()
            .any(|r| r.get("store_purchased_id").is_some()),
        "the reference's spelling occurs"
    );
    for record in sim.dataset().store_purchases() {
        let id = store_id(record);
        let one = run(
            &client,
            "get_a_specific_store_purchase",
            json!({"path_parameters": {"store_purchase_id": id}}),
        )
        .unwrap();
        assert_eq!(one.json_body(), Some(record));
    }
    let page = run(
        &client,
        "get_all_store_purchases",
        json!({"parameters": {"page": 2, "per_page": 7}}),
    )
    .unwrap();
    assert_eq!(
        records(&page).as_slice(),
        &sim.dataset().store_purchases()[7..14]
    );
}

#[test]
fn modules_are_store_purchases_then_policies_with_their_source() {
    let sim = simulator();
    let client = client(&sim);
    let data = sim.dataset();
    let all = run(&client, "get_all_modules", json!({})).unwrap();
    let modules = records(&all);
    assert_eq!(
        modules.len(),
        data.store_purchases().len() + data.policies().len()
    );
    for (module, record) in modules
        .iter()
        .zip(data.store_purchases().iter().chain(data.policies()))
    {
        assert_eq!(&module["record"], record, "the record is untouched");
        let from_policy = record.get("policy_id").is_some();
        assert_eq!(
            module["source"],
            if from_policy {
                "policy"
            } else {
                "store_purchase"
            }
        );
        let id = if from_policy {
            record["policy_id"].as_u64().unwrap()
        } else {
            store_id(record)
        };
        assert_eq!(module["module_id"], id);
    }
    let page = run(
        &client,
        "get_all_modules",
        json!({"parameters": {"page": 3, "per_page": 4}}),
    )
    .unwrap();
    assert_eq!(records(&page).as_slice(), &modules[8..12]);
}

#[test]
fn module_type_filter_matches_an_independent_count() {
    let sim = simulator();
    let client = client(&sim);
    let data = sim.dataset();
    let expected = |wanted: &str| -> usize {
        let store = data
            .store_purchases()
            .iter()
            .filter(|r| {
                let kind = r["type"].as_str().unwrap();
                kind.eq_ignore_ascii_case(wanted)
                    || kind.eq_ignore_ascii_case(&format!("{wanted} Module"))
            })
            .count();
        store
            + if wanted == "Policy" {
                data.policies().len()
            } else {
                0
            }
    };
    let mut seen = 0;
    for (given, canonical) in [
        ("Training Module", "Training Module"),
        ("video", "Video"),
        ("GAME", "Game"),
        ("assessment", "Assessment"),
        ("policy", "Policy"),
        ("newsletter", "Newsletter"),
        ("Poster", "Poster"),
    ] {
        let envelope = run(
            &client,
            "get_all_modules",
            json!({"parameters": {"type": given}}),
        )
        .unwrap();
        let got = records(&envelope);
        assert_eq!(got.len(), expected(canonical), "{given}");
        assert!(got.iter().all(|m| m["type"] == canonical), "{given}");
        seen += got.len();
    }
    assert_eq!(
        seen,
        data.store_purchases().len() + data.policies().len(),
        "every module has one of the types"
    );
    sim.clear_requests();
    let err = run(
        &client,
        "get_all_modules",
        json!({"parameters": {"type": "hologram"}}),
    )
    .unwrap_err();
    assert_eq!(err.input(), Some("type"));
    assert!(err.to_string().contains("Training Module, Video"), "{err}");
    assert!(sim.requests().is_empty());
}

#[test]
fn a_specific_module_from_either_source() {
    let sim = simulator();
    let client = client(&sim);
    let policy = &sim.dataset().policies()[2];
    let got = run(
        &client,
        "get_a_specific_module",
        json!({"path_parameters": {"module_id": policy["policy_id"]}, "parameters": {"source": "policy"}}),
    )
    .unwrap();
    assert_eq!(got.json_body().unwrap()["record"], *policy);
    assert_eq!(got.json_body().unwrap()["type"], "Policy");
    let store = &sim.dataset().store_purchases()[1];
    let got = run(
        &client,
        "get_a_specific_module",
        json!({"path_parameters": {"module_id": store_id(store)}, "parameters": {"source": "Store_Purchase"}}),
    )
    .unwrap();
    assert_eq!(got.json_body().unwrap()["record"], *store);
    let missing = run(
        &client,
        "get_a_specific_module",
        json!({"path_parameters": {"module_id": 1}, "parameters": {"source": "policy"}}),
    )
    .unwrap();
    assert_eq!(missing.status_code, 404, "an HTTP answer stays an envelope");
    let err = run(
        &client,
        "get_a_specific_module",
        json!({"path_parameters": {"module_id": 1}}),
    )
    .unwrap_err();
    assert_eq!(err.input(), Some("source"));
}

#[test]
fn status_filters_are_case_insensitive_and_exact() {
    let sim = simulator_with(SimulatorConfig {
        users: 400,
        ..SimulatorConfig::default()
    });
    let client = client(&sim);
    let data = sim.dataset();
    for (given, status) in [
        ("active", "Active"),
        ("CLOSED", "Closed"),
        ("cancelled", "Canceled"),
    ] {
        let envelope = run(
            &client,
            "get_all_training_campaigns",
            json!({"parameters": {"status": given}}),
        )
        .unwrap();
        let expected: Vec<u64> = data
            .campaigns()
            .iter()
            .filter(|c| c["status"] == status)
            .map(|c| c["campaign_id"].as_u64().unwrap())
            .collect();
        let got: Vec<u64> = records(&envelope)
            .iter()
            .map(|c| c["campaign_id"].as_u64().unwrap())
            .collect();
        assert!(!expected.is_empty());
        assert_eq!(got, expected, "{given}");
    }
    let campaign_id = data.campaigns()[3]["campaign_id"].as_u64().unwrap();
    for (given, status) in [
        ("not_started", "Not Started"),
        ("Past Due", "Past Due"),
        ("passed", "Passed"),
    ] {
        let envelope = run(
            &client,
            "get_all_training_enrollments",
            json!({"parameters": {"campaign_id": campaign_id, "status": given}}),
        )
        .unwrap();
        let expected: Vec<&Value> = data
            .enrollments()
            .iter()
            .enumerate()
            .filter(|(i, e)| {
                data.enrollment_links(*i).unwrap().0 == Some(campaign_id) && e["status"] == status
            })
            .map(|(_, e)| e)
            .collect();
        let got: Vec<&Value> = records(&envelope).iter().collect();
        assert_eq!(got, expected, "{given}");
    }
    sim.clear_requests();
    for (action, bad) in [
        ("get_all_training_enrollments", "Done"),
        ("get_all_training_campaigns", "Running"),
    ] {
        let err = run(&client, action, json!({"parameters": {"status": bad}})).unwrap_err();
        assert_eq!(
            (err.kind(), err.input()),
            (ErrorKind::InvalidInput, Some("status"))
        );
    }
    assert!(sim.requests().is_empty());
}

/// The report's definitions, recomputed from the simulator's data.
struct Expected {
    total: u64,
    by_status: HashMap<String, u64>,
    completed: u64,
    reminders: Vec<u64>,
    late: Vec<u64>,
    by_type: HashMap<String, u64>,
    median: Option<u64>,
}

fn expected_report(
    sim: &knowbe4_simulator::Simulator,
    campaigns: Option<&[u64]>,
    as_of: &str,
) -> Expected {
    let data = sim.dataset();
    let as_of = parse_seconds(as_of).unwrap();
    let campaign: HashMap<u64, &Value> = data
        .campaigns()
        .iter()
        .map(|c| (c["campaign_id"].as_u64().unwrap(), c))
        .collect();
    let store_type: HashMap<u64, String> = data
        .store_purchases()
        .iter()
        .map(|r| {
            let kind = r["type"].as_str().unwrap();
            (
                store_id(r),
                if kind == "Video Module" {
                    "Video".to_owned()
                } else {
                    kind.to_owned()
                },
            )
        })
        .collect();
    let mut out = Expected {
        total: 0,
        by_status: HashMap::new(),
        completed: 0,
        reminders: vec![],
        late: vec![],
        by_type: HashMap::new(),
        median: None,
    };
    let mut times = vec![];
    let order: Vec<usize> = match campaigns {
        None => (0..data.enrollments().len()).collect(),
        Some(ids) => ids
            .iter()
            .flat_map(|id| {
                (0..data.enrollments().len())
                    .filter(move |i| data.enrollment_links(*i).unwrap().0 == Some(*id))
            })
            .collect(),
    };
    for i in order {
        let e = &data.enrollments()[i];
        let (campaign_id, store_purchase) = data.enrollment_links(i).unwrap();
        let status = e["status"].as_str().unwrap();
        let done_at = e["completion_date"].as_str().and_then(parse_seconds);
        let c = campaign_id.map(|id| campaign[&id]);
        let deadline = c.and_then(|c| match c["end_date"].as_str() {
            // A plain date lasts the whole day.
            Some(end) => {
                parse_seconds(end).map(|at| if end.len() == 10 { at + 86_399 } else { at })
            }
            None => c["relative_duration"]
                .as_str()
                .and_then(parse_relative_duration)
                .map(|d| parse_seconds(e["enrollment_date"].as_str().unwrap()).unwrap() + d),
        });
        out.total += 1;
        *out.by_status.entry(status.to_owned()).or_default() += 1;
        let finished = status == "Passed" || status == "Completed";
        let completed = finished || (status == "Past Due" && done_at.is_some());
        if completed {
            out.completed += 1;
            times.push(e["time_spent"].as_u64().unwrap());
        }
        let id = e["enrollment_id"].as_u64().unwrap();
        if (status == "Past Due" && done_at.is_some())
            || (finished && done_at > deadline && deadline.is_some())
        {
            out.late.push(id);
        }
        let overdue = deadline.is_some_and(|d| d < as_of);
        if (status == "Past Due" && done_at.is_none())
            || ((status == "Not Started" || status == "In Progress") && overdue)
        {
            out.reminders.push(id);
        }
        let kind = if e["content_type"] == "Uploaded Policy" {
            "Policy".to_owned()
        } else {
            store_purchase
                .and_then(|id| store_type.get(&id).cloned())
                .unwrap_or_else(|| "Store Purchase".to_owned())
        };
        *out.by_type.entry(kind).or_default() += 1;
    }
    times.sort_unstable();
    out.median = (!times.is_empty()).then(|| times[times.len().div_ceil(2) - 1]);
    out
}

fn check_report(report: &Value, expected: &Expected) {
    assert_eq!(report["total_enrollments"], expected.total);
    for (status, count) in &expected.by_status {
        assert_eq!(report["by_status"][status], *count, "{status}");
    }
    assert_eq!(report["completed"], expected.completed);
    let ids = |key: &str| -> Vec<u64> {
        report[key]["enrollments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["enrollment_id"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(ids("needs_reminder"), expected.reminders);
    assert_eq!(report["needs_reminder"]["count"], expected.reminders.len());
    assert_eq!(ids("past_due_but_completed"), expected.late);
    for (kind, count) in &expected.by_type {
        assert_eq!(report["by_content_type"][kind]["total"], *count, "{kind}");
    }
    assert_eq!(
        report["time_spent_seconds"]["median"],
        json!(expected.median)
    );
    #[allow(clippy::cast_precision_loss)]
    let rate = (expected.completed as f64 / expected.total as f64 * 10_000.0).round() / 10_000.0;
    assert_eq!(report["completion_rate"], json!(rate));
}

#[test]
fn compliance_report_for_all_campaigns_matches_an_independent_count() {
    let sim = simulator_with(SimulatorConfig {
        users: 700,
        ..SimulatorConfig::default()
    });
    let as_of = "2024-09-01";
    let envelope = run(
        &client(&sim),
        "get_training_compliance_report",
        json!({"parameters": {"as_of": as_of}}),
    )
    .unwrap();
    assert_eq!(envelope.status_code, 200);
    let report = envelope.json_body().unwrap();
    let expected = expected_report(&sim, None, as_of);
    assert!(expected.total > 2000 && !expected.reminders.is_empty() && !expected.late.is_empty());
    assert!(
        expected.by_status.len() == 5,
        "every status is present in the data"
    );
    check_report(report, &expected);
    assert_eq!(report["scope"], "all");
    let per_campaign: u64 = report["by_campaign"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["total"].as_u64().unwrap())
        .sum();
    assert_eq!(per_campaign, expected.total);
}

#[test]
fn compliance_report_for_one_and_several_campaigns() {
    let sim = simulator_with(SimulatorConfig {
        users: 300,
        ..SimulatorConfig::default()
    });
    let client = client(&sim);
    let ids: Vec<u64> = sim
        .dataset()
        .campaigns()
        .iter()
        .take(3)
        .map(|c| c["campaign_id"].as_u64().unwrap())
        .collect();
    let one = run(
        &client,
        "get_training_compliance_report",
        json!({"parameters": {"campaign_id": ids[1], "as_of": "2025-01-01T00:00:00Z"}}),
    )
    .unwrap();
    check_report(
        one.json_body().unwrap(),
        &expected_report(&sim, Some(&ids[1..2]), "2025-01-01"),
    );
    let several = run(
        &client,
        "get_training_compliance_report",
        json!({"parameters": {"campaign_ids": format!("{},{},{},999999", ids[0], ids[2], ids[0]), "as_of": "2024-06-01"}}),
    )
    .unwrap();
    let report = several.json_body().unwrap();
    check_report(
        report,
        &expected_report(&sim, Some(&[ids[0], ids[2], 999_999]), "2024-06-01"),
    );
    assert_eq!(report["scope"], json!([ids[0], ids[2], 999_999]));
    assert_eq!(report["campaigns_not_found"], json!([999_999]));
}

#[test]
fn compliance_report_bad_input_and_http_errors() {
    let sim = simulator();
    let client = client(&sim);
    for (input, name) in [
        (json!({"parameters": {"as_of": "yesterday"}}), "as_of"),
        (
            json!({"parameters": {"campaign_ids": "1,x"}}),
            "campaign_ids",
        ),
        (json!({"parameters": {"campaign_id": 0}}), "campaign_id"),
        (json!({"parameters": {"scope": "all"}}), "scope"),
    ] {
        let err = run(&client, "get_training_compliance_report", input).unwrap_err();
        assert_eq!(err.input(), Some(name));
    }
    assert!(sim.requests().is_empty());
    sim.set_faults(vec![knowbe4_simulator::FaultRule {
        path: Some("/v1/training/enrollments".into()),
        after: 0,
        times: None,
        fault: knowbe4_simulator::Fault::Status {
            status: 403,
            retry_after: None,
        },
    }]);
    let denied = run(
        &client,
        "get_training_compliance_report",
        json!({"parameters": {"as_of": "2024-01-01"}}),
    )
    .unwrap();
    assert_eq!(
        denied.status_code, 403,
        "the failing request's envelope, not a report of nothing"
    );
}
