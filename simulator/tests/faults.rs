//! Every fault kind, rule budgets, and the control endpoints.

mod common;

use std::time::{Duration, Instant};

use common::{Conn, Sim};
use knowbe4_simulator::{Fault, FaultRule, SimulatorConfig};

const ENR: &str = "/v1/training/enrollments";

#[test]
fn status_faults_with_budget_and_retry_after() {
    let s = Sim::start();
    s.sim.set_faults(vec![FaultRule::parse_cli(
        "429:3@/v1/training/enrollments x2 +1",
    )
    .unwrap()]);
    let mut c = s.conn();
    assert_eq!(c.get(ENR).status, 200);
    assert_eq!(c.get("/v1/account").status, 200, "other paths unaffected");
    for _ in 0..2 {
        let r = c.get(ENR);
        assert_eq!(r.status, 429);
        assert_eq!(r.reason, "Too Many Requests");
        assert_eq!(r.header("Retry-After"), Some("3"));
        assert!(r.header("X-Request-Id").is_some());
        assert!(r.json()["message"].is_string());
    }
    assert_eq!(c.get(ENR).status, 200);
    for code in [500u16, 502, 503, 504] {
        s.sim.set_faults(vec![FaultRule {
            path: None,
            after: 0,
            times: Some(1),
            fault: Fault::Status {
                status: code,
                retry_after: None,
            },
        }]);
        let r = c.get("/v1/account");
        assert_eq!(r.status, code);
        assert!(r.header("Retry-After").is_none());
        assert_eq!(c.get("/v1/account").status, 200);
    }
}

#[test]
fn html_503_and_invalid_json() {
    let s = Sim::start();
    s.sim
        .set_faults(vec![FaultRule::parse_cli("html503 x1").unwrap()]);
    let r = s.get(ENR);
    assert_eq!(r.status, 503);
    assert_eq!(r.reason, "Service Unavailable");
    assert!(r.header("Content-Type").unwrap().starts_with("text/html"));
    assert!(r.text().contains("<html>"));
    s.sim
        .set_faults(vec![FaultRule::parse_cli("invalid-json").unwrap()]);
    let r = s.get(ENR);
    assert_eq!(r.status, 200);
    assert!(r
        .header("Content-Type")
        .unwrap()
        .starts_with("application/json"));
    assert!(serde_json::from_slice::<serde_json::Value>(&r.body).is_err());
    s.sim.clear_faults();
    assert_eq!(s.get(ENR).json().as_array().unwrap().len(), 100);
}

#[test]
fn truncated_json_is_a_complete_message_with_half_the_body() {
    let s = Sim::start();
    let full = s.get(ENR).body;
    s.sim
        .set_faults(vec![FaultRule::parse_cli("truncated x1").unwrap()]);
    let mut c = s.conn();
    let r = c.get(ENR);
    assert_eq!(r.status, 200);
    assert_eq!(r.body.len(), full.len() / 2);
    assert_eq!(r.body[..], full[..full.len() / 2]);
    assert!(serde_json::from_slice::<serde_json::Value>(&r.body).is_err());
    // The connection is still usable afterwards.
    assert_eq!(c.get(ENR).body, full);
}

#[test]
fn slow_delays_then_serves() {
    let s = Sim::start();
    s.sim
        .set_faults(vec![FaultRule::parse_cli("slow:300 x1").unwrap()]);
    let t = Instant::now();
    let r = s.get("/v1/account");
    assert!(t.elapsed() >= Duration::from_millis(300));
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["number_of_seats"], 100);
}

#[test]
fn reset_closes_without_response() {
    let s = Sim::start();
    s.sim
        .set_faults(vec![FaultRule::parse_cli("reset x1").unwrap()]);
    let mut c = s.conn();
    c.send_raw(format!("GET {ENR} HTTP/1.1\r\nAuthorization: Bearer sim-token\r\n\r\n").as_bytes());
    assert!(c.read_response().is_none());
    assert_eq!(s.get(ENR).status, 200);
}

#[test]
fn faults_from_config_and_never_on_control_paths() {
    let s = Sim::with(SimulatorConfig {
        faults: vec![FaultRule::always(Fault::Status {
            status: 500,
            retry_after: None,
        })],
        ..SimulatorConfig::default()
    });
    assert_eq!(s.get("/v1/account").status, 500);
    assert_eq!(s.get("/_sim/health").status, 200);
}

#[test]
fn control_endpoints_manage_faults_over_http() {
    let s = Sim::start();
    let mut c = Conn::open(s.sim.addr(), None);
    assert_eq!(
        c.get("/_sim/health").json(),
        serde_json::json!({"ok": true})
    );
    let rules = r#"[{"path":"/v1/account","times":1,"fault":{"kind":"status","status":502}},
                    {"fault":{"kind":"slow","delay_ms":1}}]"#;
    let r = c.request(
        "PUT",
        "/_sim/faults",
        &[("Content-Type", "application/json")],
        rules.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(c.get("/_sim/faults").json().as_array().unwrap().len(), 2);
    assert_eq!(s.get("/v1/account").status, 502);
    assert_eq!(s.get("/v1/account").status, 200);
    let r = c.request("PUT", "/_sim/faults", &[], b"not json");
    assert_eq!(r.status, 400);
    assert_eq!(c.request("DELETE", "/_sim/faults", &[], b"").status, 200);
    assert_eq!(c.get("/_sim/faults").json(), serde_json::json!([]));
    assert_eq!(c.get("/_sim/nope").status, 404);
}
