//! The token never shows: every action, with retries and failures, logged at
//! TRACE (the connector's records and reqwest's and hyper's), and every
//! error, `Debug` and envelope searched for it.

mod common;

use std::sync::Mutex;

use knowbe4_connector::{Client, ClientConfig, ACTIONS};
use knowbe4_simulator::{Fault, FaultRule, Simulator, SimulatorConfig};
use serde_json::json;

const TOKEN: &str = "kb4-SECRET-token-0123456789";

static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        LINES.lock().unwrap().push(format!(
            "{} {} {}",
            record.level(),
            record.target(),
            record.args()
        ));
    }
    fn flush(&self) {}
}

static CAPTURE: Capture = Capture;

fn inputs_for(sim: &Simulator, action: &str) -> serde_json::Value {
    let data = sim.dataset();
    let id = |records: &[serde_json::Value], key: &str| records[0][key].clone();
    match action {
        "get_a_specific_policy" => {
            json!({"path_parameters": {"policy_id": id(data.policies(), "policy_id")}})
        }
        "get_a_specific_training_campaign" => {
            json!({"path_parameters": {"campaign_id": id(data.campaigns(), "campaign_id")}})
        }
        "get_a_specific_training_enrollment" => {
            json!({"path_parameters": {"enrollment_id": id(data.enrollments(), "enrollment_id")}})
        }
        "get_a_specific_store_purchase" => json!({"path_parameters": {"store_purchase_id": 1}}),
        "get_a_specific_module" => {
            json!({"path_parameters": {"module_id": 1}, "parameters": {"source": "policy"}})
        }
        "get_training_compliance_report" => json!({"parameters": {"as_of": "2024-06-01"}}),
        _ => json!({}),
    }
}

#[test]
fn the_token_appears_nowhere() {
    log::set_logger(&CAPTURE).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    let sim = Simulator::start(SimulatorConfig {
        token: TOKEN.into(),
        ..SimulatorConfig::default()
    })
    .unwrap();
    let config = ClientConfig::builder()
        .url(sim.url())
        .token(TOKEN)
        .retry(common::fast_retries())
        .build()
        .unwrap();
    let mut shown = vec![format!("{config:?}")];
    let client = Client::new(config).unwrap();
    shown.push(format!("{client:?}"));
    let rt = common::runtime();
    // Each action three ways: clean, through retried faults, and refused.
    for faults in [
        vec![],
        vec![FaultRule {
            path: None,
            after: 0,
            times: Some(2),
            fault: Fault::Status {
                status: 503,
                retry_after: None,
            },
        }],
    ] {
        for action in ACTIONS {
            sim.set_faults(faults.clone());
            match rt.block_on(client.run_action_json(action.name, inputs_for(&sim, action.name))) {
                Ok(envelope) => {
                    shown.push(serde_json::to_string(&envelope).unwrap() + &format!("{envelope:?}"))
                }
                Err(err) => shown.push(format!("{err} {err:?}")),
            }
        }
    }
    for action in ACTIONS {
        let err = rt
            .block_on(client.run_action_json(action.name, json!({"parameters": {"nope": TOKEN}})))
            .unwrap_err();
        shown.push(format!("{err} {err:?}"));
    }
    let refused = Client::new(
        ClientConfig::builder()
            .url("http://127.0.0.1:9")
            .token(TOKEN)
            .build()
            .unwrap(),
    )
    .unwrap();
    let err = rt
        .block_on(refused.run_action_json("get_all_policies", json!({})))
        .unwrap_err();
    shown.push(format!("{err} {err:?}"));
    for request in sim.requests() {
        shown.push(format!("{request:?}"));
    }

    let lines = LINES.lock().unwrap();
    assert!(
        lines.iter().any(|line| line.contains("retrying")),
        "retries were logged"
    );
    assert!(
        lines.len() > 50,
        "TRACE logging captured the HTTP stack too ({} lines)",
        lines.len()
    );
    for text in lines.iter().chain(&shown) {
        assert!(!text.contains(TOKEN), "the token leaked: {text}");
    }
}
