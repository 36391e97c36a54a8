//! Paging rules: all pages by default, one page on request, stop on a short
//! or empty page, never past an empty one, cursor paging detected from the body.

mod common;

use common::{client, records, run, simulator_with};
use knowbe4_simulator::SimulatorConfig;
use serde_json::json;

#[test]
fn exact_multiple_of_a_page_stops_at_the_empty_page() {
    let sim = simulator_with(SimulatorConfig {
        policies: 1000,
        ..SimulatorConfig::default()
    });
    let envelope = run(&client(&sim), "get_all_policies", json!({})).unwrap();
    assert_eq!(records(&envelope).len(), 1000);
    assert_eq!(
        common::queries(&sim),
        [
            "page=1&per_page=500",
            "page=2&per_page=500",
            "page=3&per_page=500"
        ],
        "two full pages, then one empty page, then nothing"
    );
}

#[test]
fn an_empty_list_is_one_request() {
    let sim = simulator_with(SimulatorConfig {
        policies: 0,
        ..SimulatorConfig::default()
    });
    let envelope = run(&client(&sim), "get_all_policies", json!({})).unwrap();
    assert_eq!(envelope.json_body(), Some(&json!([])));
    assert_eq!(sim.requests().len(), 1);
}

#[test]
fn page_or_per_page_fetch_one_page_as_asked() {
    let sim = simulator_with(SimulatorConfig {
        policies: 30,
        ..SimulatorConfig::default()
    });
    let client = client(&sim);
    let one = run(
        &client,
        "get_all_policies",
        json!({"parameters": {"page": 2, "per_page": 7}}),
    )
    .unwrap();
    assert_eq!(records(&one).as_slice(), &sim.dataset().policies()[7..14]);
    let sized = run(
        &client,
        "get_all_policies",
        json!({"parameters": {"per_page": "5"}}),
    )
    .unwrap();
    assert_eq!(records(&sized).len(), 5);
    let past = run(
        &client,
        "get_all_policies",
        json!({"parameters": {"page": 99}}),
    )
    .unwrap();
    assert_eq!(past.json_body(), Some(&json!([])));
    assert_eq!(
        common::queries(&sim),
        ["page=2&per_page=7", "per_page=5", "page=99"]
    );
}

#[test]
fn cursor_paging_follows_next_cursor_to_the_end() {
    let sim = simulator_with(SimulatorConfig {
        users: 700,
        enrollments_per_user: 2,
        ..SimulatorConfig::default()
    });
    let envelope = run(
        &client(&sim),
        "get_all_training_enrollments",
        json!({"parameters": {"cursor": true}}),
    )
    .unwrap();
    assert_eq!(
        records(&envelope),
        sim.dataset().enrollments(),
        "1400 records, each once, in order"
    );
    let queries = common::queries(&sim);
    assert_eq!(queries[0], "cursor=true&per_page=500");
    assert_eq!(queries.len(), 3);
    assert!(queries[1].starts_with("cursor=") && queries[1] != queries[0]);
}

#[test]
fn cursor_paging_respects_filters() {
    let sim = simulator_with(SimulatorConfig {
        users: 400,
        ..SimulatorConfig::default()
    });
    let user_id = sim.dataset().users()[3]["id"].as_u64().unwrap();
    let envelope = run(
        &client(&sim),
        "get_all_training_enrollments",
        json!({"parameters": {"user_id": user_id, "cursor": "true"}}),
    )
    .unwrap();
    let got = records(&envelope);
    assert!(!got.is_empty());
    assert!(got.iter().all(|r| r["user"]["id"] == user_id));
}
