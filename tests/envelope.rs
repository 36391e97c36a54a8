//! The envelope's exact JSON, as Swimlane's runner prints it.

mod common;

use common::{client, run, simulator};
use knowbe4_connector::python_json::to_python_json;
use serde_json::json;

#[test]
fn exact_shape_and_key_order() {
    let sim = simulator();
    let policy = sim.dataset().policies()[0].clone();
    let id = policy["policy_id"].as_u64().unwrap();
    let envelope = run(
        &client(&sim),
        "get_a_specific_policy",
        json!({"path_parameters": {"policy_id": id}}),
    )
    .unwrap();
    let value = envelope.to_value();
    let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["status_code", "response_headers", "reason", "json_body"]
    );
    let headers = &envelope.response_headers;
    assert_eq!(headers["Content-Type"], "application/json; charset=utf-8");
    assert!(headers["X-Request-Id"].starts_with("sim-"));
    assert_eq!(
        headers["Content-Length"].parse::<usize>().unwrap(),
        serde_json::to_vec(&policy).unwrap().len()
    );
    let header_json = to_python_json(&envelope.response_headers);
    let expected = format!(
        "{{\"status_code\": 200, \"response_headers\": {header_json}, \"reason\": \"OK\", \"json_body\": {}}}",
        to_python_json(&policy)
    );
    assert_eq!(to_python_json(&envelope), expected);
}

#[test]
fn non_json_bodies_are_response_text() {
    let sim = simulator();
    sim.set_faults(vec![knowbe4_simulator::FaultRule::always(
        knowbe4_simulator::Fault::Html503,
    )]);
    let envelope = run(&client(&sim), "get_all_policies", json!({})).unwrap();
    let value = envelope.to_value();
    let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["status_code", "response_headers", "reason", "response_text"]
    );
    assert_eq!(value["reason"], "Service Unavailable");
}
