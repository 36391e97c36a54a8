//! `knowbe4 turbine ACTION` as Turbine runs it: a process with JSON on
//! stdin and ASSET_KEYS in the environment, answering with `::set-output`
//! on stdout (exit 0) or `::set-error` on stderr (exit 1), byte for byte.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use knowbe4_connector::python_json::to_python_json;
use knowbe4_simulator::{Fault, FaultRule, Simulator, SimulatorConfig};
use serde_json::{json, Value};

const ASSET_KEYS: &str = "url,token,verify_ssl,http_proxy";

fn turbine(action: &str, stdin: &str, asset_keys: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_knowbe4"));
    command
        .args(["turbine", action])
        .env_remove("http_proxy")
        .env_remove("ASSET_KEYS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(keys) = asset_keys {
        command.env("ASSET_KEYS", keys);
    }
    let mut child = command.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdin_for(sim: &Simulator, inputs: Value) -> String {
    let mut object = json!({"url": sim.url(), "token": sim.token(), "verify_ssl": true});
    object
        .as_object_mut()
        .unwrap()
        .extend(inputs.as_object().unwrap().clone());
    object.to_string()
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap()
}

#[test]
fn success_prints_set_output_and_exits_zero() {
    let sim = Simulator::start(SimulatorConfig::default()).unwrap();
    let policy = sim.dataset().policies()[1].clone();
    let stdin = stdin_for(
        &sim,
        json!({"path_parameters": {"policy_id": policy["policy_id"]}}),
    );
    let out = turbine("get_a_specific_policy", &stdin, Some(ASSET_KEYS));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
    let stdout = text(&out.stdout);
    let json = stdout
        .strip_prefix("::set-output ")
        .unwrap()
        .strip_suffix('\n')
        .unwrap();
    let envelope: Value = serde_json::from_str(json).unwrap();
    assert_eq!(envelope["json_body"], policy);
    assert_eq!(
        json,
        to_python_json(&envelope),
        "printed as Python's json.dumps prints it (\", \" and \": \", ASCII only)"
    );
    assert!(json.is_ascii());
}

#[test]
fn every_action_runs_through_turbine() {
    let sim = Simulator::start(SimulatorConfig::default()).unwrap();
    let data = sim.dataset();
    let cases = [
        (
            "get_a_specific_policy",
            json!({"path_parameters": {"policy_id": data.policies()[0]["policy_id"]}}),
        ),
        (
            "get_a_specific_training_campaign",
            json!({"path_parameters": {"campaign_id": data.campaigns()[0]["campaign_id"]}}),
        ),
        (
            "get_a_specific_training_enrollment",
            json!({"path_parameters": {"enrollment_id": data.enrollments()[0]["enrollment_id"]}, "parameters": {"include_campaign_id": "true"}}),
        ),
        (
            "get_account_risk_score_history",
            json!({"parameters": {"full": true}}),
        ),
        ("get_all_policies", json!({})),
        ("get_all_training_campaigns", json!({})),
        (
            "get_all_training_enrollments",
            json!({"parameters": {"exclude_archived_users": false}}),
        ),
    ];
    for (action, inputs) in cases {
        let out = turbine(action, &stdin_for(&sim, inputs), Some(ASSET_KEYS));
        assert_eq!(
            out.status.code(),
            Some(0),
            "{action}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stdout).starts_with("::set-output {\"status_code\": 200, "),
            "{action}"
        );
    }
    let out = turbine(
        "get_all_training_enrollments",
        &stdin_for(&sim, json!({})),
        Some(ASSET_KEYS),
    );
    let json = text(&out.stdout).strip_prefix("::set-output ").unwrap();
    let envelope: Value = serde_json::from_str(json).unwrap();
    assert_eq!(
        envelope["json_body"].as_array().unwrap().len(),
        sim.dataset().enrollments().len()
    );
}

#[test]
fn http_error_prints_the_whole_envelope_as_set_error() {
    let sim = Simulator::start(SimulatorConfig::default()).unwrap();
    let out = turbine(
        "get_a_specific_training_campaign",
        &stdin_for(&sim, json!({"path_parameters": {"campaign_id": 987_654}})),
        Some(ASSET_KEYS),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "");
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("::set-error {\"status_code\": 404, \"response_headers\": {"),
        "{stderr}"
    );
    assert!(stderr.contains("\"reason\": \"Not Found\""));
    assert!(stderr.ends_with("}\n"));

    sim.set_faults(vec![FaultRule::always(Fault::Html503)]);
    let out = turbine(
        "get_all_policies",
        &stdin_for(&sim, json!({})),
        Some(ASSET_KEYS),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("\"response_text\": \"<"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn bad_input_is_name_and_message_before_any_request() {
    let sim = Simulator::start(SimulatorConfig::default()).unwrap();
    let out = turbine(
        "get_a_specific_policy",
        &stdin_for(
            &sim,
            json!({"path_parameters": {"policy_id": "12/../../account"}}),
        ),
        Some(ASSET_KEYS),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "");
    let stderr = text(&out.stderr);
    let json = stderr
        .strip_prefix("::set-error ")
        .unwrap()
        .strip_suffix('\n')
        .unwrap();
    let error: Value = serde_json::from_str(json).unwrap();
    assert_eq!(error["name"], "InvalidInputError");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.starts_with("get_a_specific_policy: invalid input `policy_id`"),
        "{message}"
    );
    assert_eq!(
        error.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["name", "message"]
    );
    assert!(sim.requests().is_empty());
}

#[test]
fn protocol_errors_are_reported_the_same_way() {
    let sim = Simulator::start(SimulatorConfig::default()).unwrap();
    let cases = [
        (
            "get_all_policies",
            "not json".to_owned(),
            Some(ASSET_KEYS),
            "stdin",
        ),
        (
            "get_all_policies",
            "[1]".to_owned(),
            Some(ASSET_KEYS),
            "stdin",
        ),
        (
            "get_all_policies",
            stdin_for(&sim, json!({})),
            None,
            "ASSET_KEYS",
        ),
        ("get_all_policies", "".to_owned(), Some(ASSET_KEYS), "token"),
        (
            "get_all_policies",
            json!({"url": sim.url()}).to_string(),
            Some(ASSET_KEYS),
            "token",
        ),
        (
            "get_all_policies",
            json!({"url": "http://198.51.100.7", "token": "t"}).to_string(),
            Some(ASSET_KEYS),
            "url",
        ),
        (
            "get_all_policies",
            json!({"url": sim.url(), "token": "t", "region": "us"}).to_string(),
            Some("url,token,region"),
            "region",
        ),
        (
            "no_such_action",
            stdin_for(&sim, json!({})),
            Some(ASSET_KEYS),
            "action",
        ),
    ];
    for (action, stdin, keys, input) in cases {
        let out = turbine(action, &stdin, keys);
        assert_eq!(out.status.code(), Some(1), "{stdin}");
        let stderr = text(&out.stderr);
        assert!(
            stderr.starts_with("::set-error {\"name\": \"InvalidInputError\", \"message\": "),
            "{stderr}"
        );
        assert!(stderr.contains(&format!("`{input}`")), "{input}: {stderr}");
    }
    assert!(sim.requests().is_empty());
}

#[test]
fn the_token_never_reaches_output() {
    let sim = Simulator::start(SimulatorConfig {
        token: "tok-ZZ-secret-77".into(),
        ..SimulatorConfig::default()
    })
    .unwrap();
    for inputs in [
        json!({}),
        json!({"path_parameters": {"policy_id": 1}}),
        json!({"parameters": {"page": "x"}}),
    ] {
        for action in ["get_all_policies", "get_a_specific_policy"] {
            let out = turbine(action, &stdin_for(&sim, inputs.clone()), Some(ASSET_KEYS));
            let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
            assert!(!all.contains("tok-ZZ-secret-77"), "{all}");
        }
    }
}

#[test]
fn no_http_answer_is_a_typed_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let stdin = json!({"url": format!("http://127.0.0.1:{port}"), "token": "t"}).to_string();
    let out = turbine("get_all_policies", &stdin, Some(ASSET_KEYS));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with("::set-error {\"name\": \"ConnectError\", \"message\": "),
        "{}",
        text(&out.stderr)
    );
}
