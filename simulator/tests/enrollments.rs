//! Enrollment filters, include flags and cursor paging.

mod common;

use std::collections::HashSet;

use common::Sim;
use knowbe4_simulator::SimulatorConfig;
use serde_json::Value;

fn ids(v: &Value) -> Vec<u64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| e["enrollment_id"].as_u64().unwrap())
        .collect()
}

#[test]
fn records_cover_every_case() {
    let s = Sim::start();
    let ds = s.sim.dataset();
    let all = ds.enrollments();
    assert_eq!(all.len(), 300);
    let statuses: HashSet<&str> = all.iter().map(|e| e["status"].as_str().unwrap()).collect();
    assert_eq!(statuses.len(), 5, "{statuses:?}");
    assert!(all
        .iter()
        .any(|e| e["status"] == "Past Due" && e["completion_date"].is_string()));
    assert!(all
        .iter()
        .any(|e| e["status"] == "Past Due" && e["completion_date"].is_null()));
    for e in all {
        let st = e["status"].as_str().unwrap();
        if st == "Not Started" {
            assert!(e["start_date"].is_null());
            assert_eq!(e["time_spent"], 0);
        }
        if matches!(st, "Passed" | "Completed") {
            assert!(e["completion_date"].is_string());
        }
        if matches!(st, "In Progress" | "Not Started") {
            assert!(e["completion_date"].is_null());
        }
        assert!(e.get("campaign_id").is_none());
        assert!(e["user"].get("employee_number").is_none());
    }
    assert_eq!(
        all.iter()
            .filter(|e| e.get("custom_fields").is_some())
            .count(),
        300 / 7
    );
    let types: HashSet<&str> = all
        .iter()
        .map(|e| e["content_type"].as_str().unwrap())
        .collect();
    assert_eq!(types.len(), 2);
    let ascending = ids(&Value::Array(all.to_vec()));
    assert!(ascending.windows(2).all(|w| w[0] < w[1]));
    let archived = ds.users().iter().filter(|u| u["archived"] == true).count();
    assert!(archived > 0 && archived < 20, "{archived}");
}

#[test]
fn filters_apply_before_paging() {
    let s = Sim::start();
    let ds = s.sim.dataset();
    let n = ds.enrollments().len();
    let links: Vec<(Option<u64>, Option<u64>)> =
        (0..n).map(|i| ds.enrollment_links(i).unwrap()).collect();

    let camp = links[0].0.unwrap();
    let expect: Vec<u64> = (0..n)
        .filter(|&i| links[i].0 == Some(camp))
        .map(|i| ds.enrollments()[i]["enrollment_id"].as_u64().unwrap())
        .collect();
    let got = s.json(&format!(
        "/v1/training/enrollments?campaign_id={camp}&per_page=500"
    ));
    assert_eq!(ids(&got), expect);
    assert!(expect.len() > 3);
    let paged = s.json(&format!(
        "/v1/training/enrollments?campaign_id={camp}&per_page=2&page=2"
    ));
    assert_eq!(ids(&paged), expect[2..4]);

    let sp = links.iter().find_map(|l| l.1).unwrap();
    let got = s.json(&format!(
        "/v1/training/enrollments?store_purchase_id={sp}&per_page=500&include_store_purchase_id=true"
    ));
    assert!(!got.as_array().unwrap().is_empty());
    assert!(got
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["store_purchase_id"] == sp));

    let user = ds.users()[5]["id"].as_u64().unwrap();
    let got = s.json(&format!("/v1/training/enrollments?user_id={user}"));
    assert_eq!(got.as_array().unwrap().len(), 3);
    assert!(got
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["user"]["id"] == user));

    let archived: HashSet<u64> = ds
        .users()
        .iter()
        .filter(|u| u["archived"] == true)
        .map(|u| u["id"].as_u64().unwrap())
        .collect();
    let got = s.json("/v1/training/enrollments?exclude_archived_users=true&per_page=500");
    assert_eq!(got.as_array().unwrap().len(), n - 3 * archived.len());
    assert!(got
        .as_array()
        .unwrap()
        .iter()
        .all(|e| !archived.contains(&e["user"]["id"].as_u64().unwrap())));
    assert_eq!(
        s.count("/v1/training/enrollments?exclude_archived_users=1&per_page=500"),
        n
    );
    assert_eq!(s.count("/v1/training/enrollments?campaign_id=1"), 0);
    assert_eq!(
        s.get("/v1/training/enrollments?campaign_id=abc").status,
        400
    );
}

#[test]
fn include_flags_add_fields() {
    let s = Sim::start();
    let ds = s.sim.dataset();
    let got = s.json(
        "/v1/training/enrollments?include_campaign_id=true&include_store_purchase_id=true&include_employee_number=true",
    );
    let users: std::collections::HashMap<u64, &Value> = ds
        .users()
        .iter()
        .map(|u| (u["id"].as_u64().unwrap(), u))
        .collect();
    let mut saw_null_sp = false;
    for (i, e) in got.as_array().unwrap().iter().enumerate() {
        let (camp, sp) = ds.enrollment_links(i).unwrap();
        assert_eq!(e["campaign_id"], serde_json::json!(camp));
        assert_eq!(e["store_purchase_id"], serde_json::json!(sp));
        if e["content_type"] == "Uploaded Policy" {
            assert!(e["store_purchase_id"].is_null());
            saw_null_sp = true;
        }
        let uid = e["user"]["id"].as_u64().unwrap();
        assert!(e["user"]["employee_number"].is_u64());
        assert_eq!(e["user"]["employee_number"], users[&uid]["employee_number"]);
        // Without the added keys it is the plain record.
        let mut plain = e.clone();
        let m = plain.as_object_mut().unwrap();
        m.remove("campaign_id");
        m.remove("store_purchase_id");
        m["user"].as_object_mut().unwrap().remove("employee_number");
        assert_eq!(plain, ds.enrollments()[i]);
    }
    assert!(saw_null_sp);
    let id = &ds.enrollments()[0]["enrollment_id"];
    let one = s.json(&format!(
        "/v1/training/enrollments/{id}?include_campaign_id=true"
    ));
    assert_eq!(
        one["campaign_id"],
        serde_json::json!(ds.enrollment_links(0).unwrap().0)
    );
    let one = s.json(&format!(
        "/v1/training/enrollments/{id}?include_campaign_id=TRUE"
    ));
    assert!(one.get("campaign_id").is_none());
}

#[test]
fn cursor_paging_visits_every_enrollment_once() {
    let s = Sim::with(SimulatorConfig {
        users: 250,
        enrollments_per_user: 4,
        ..SimulatorConfig::default()
    });
    let all: Vec<u64> = s
        .sim
        .dataset()
        .enrollments()
        .iter()
        .map(|e| e["enrollment_id"].as_u64().unwrap())
        .collect();
    let mut seen = Vec::new();
    let mut target = "/v1/training/enrollments?cursor=true&per_page=300".to_string();
    let mut chunks = 0;
    loop {
        let body = s.json(&target);
        let data = &body["data"];
        seen.extend(ids(data));
        chunks += 1;
        match body["_metadata"]["next_cursor"].as_str() {
            Some(c) => target = format!("/v1/training/enrollments?cursor={c}&per_page=300"),
            None => {
                assert!(body["_metadata"]["next_cursor"].is_null());
                break;
            }
        }
        assert!(chunks < 100);
    }
    assert_eq!(chunks, 4);
    assert_eq!(seen, all);

    // Filters and include flags still apply.
    let body = s.json("/v1/training/enrollments?cursor=true&exclude_archived_users=true&include_campaign_id=true&per_page=500");
    assert!(body["data"][0]["campaign_id"].is_u64());
    assert!(body["_metadata"]["next_cursor"].is_string());
    assert_eq!(s.get("/v1/training/enrollments?cursor=garbage").status, 400);
}
