//! The other commands: actions, run (flags and --input), manifests --check, demo.

use std::process::{Command, Output};

use knowbe4_simulator::{Simulator, SimulatorConfig};
use serde_json::Value;

fn knowbe4(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_knowbe4"));
    command.args(args);
    for var in [
        "KNOWBE4_URL",
        "KNOWBE4_REGION",
        "KNOWBE4_TOKEN",
        "KNOWBE4_HTTP_PROXY",
    ] {
        command.env_remove(var);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

fn stdout(out: &Output) -> &str {
    std::str::from_utf8(&out.stdout).unwrap()
}

#[test]
fn actions_lists_every_action_with_its_inputs() {
    let out = knowbe4(&["actions", "--json"], &[]);
    assert!(out.status.success());
    let listed: Value = serde_json::from_str(stdout(&out)).unwrap();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), knowbe4_connector::ACTIONS.len());
    for (entry, action) in listed.iter().zip(knowbe4_connector::ACTIONS) {
        assert_eq!(entry["name"], action.name);
        assert_eq!(
            entry["inputs"].as_array().unwrap().len(),
            action.inputs.len()
        );
    }
    let table = knowbe4(&["actions"], &[]);
    assert!(stdout(&table).contains("get_all_training_enrollments  GET /v1/training/enrollments"));
}

#[test]
fn run_with_flags_and_environment_configuration() {
    let sim = Simulator::start(SimulatorConfig::default()).unwrap();
    let url = sim.url();
    let env = [
        ("KNOWBE4_URL", url.as_str()),
        ("KNOWBE4_TOKEN", sim.token()),
    ];
    let id = sim.dataset().enrollments()[3]["enrollment_id"].to_string();
    let out = knowbe4(
        &[
            "run",
            "get_a_specific_training_enrollment",
            "--enrollment-id",
            &id,
            "--include-campaign-id",
            "--compact",
        ],
        &env,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let envelope: Value = serde_json::from_str(stdout(&out)).unwrap();
    assert_eq!(envelope["status_code"], 200);
    assert!(envelope["json_body"]["campaign_id"].is_u64());
    assert_eq!(sim.requests()[0].query, "include_campaign_id=true");

    let out = knowbe4(
        &[
            "run",
            "get_all_policies",
            "--input",
            r#"{"parameters": {"per_page": 3}}"#,
        ],
        &env,
    );
    let envelope: Value = serde_json::from_str(stdout(&out)).unwrap();
    assert_eq!(envelope["json_body"].as_array().unwrap().len(), 3);
}

#[test]
fn run_exit_codes() {
    let sim = Simulator::start(SimulatorConfig::default()).unwrap();
    let url = sim.url();
    let env = [
        ("KNOWBE4_URL", url.as_str()),
        ("KNOWBE4_TOKEN", sim.token()),
    ];
    let missing = knowbe4(
        &["run", "get_a_specific_policy", "--policy-id", "424242"],
        &env,
    );
    assert_eq!(
        missing.status.code(),
        Some(1),
        "HTTP >= 400: envelope printed, exit 1"
    );
    assert!(stdout(&missing).contains("\"status_code\": 404"));
    sim.clear_requests();
    let bad = knowbe4(&["run", "get_a_specific_policy", "--policy-id", "0"], &env);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("invalid input `policy_id`"));
    let both = knowbe4(
        &[
            "run",
            "get_a_specific_policy",
            "--policy-id",
            "1",
            "--input",
            r#"{"path_parameters": {"policy_id": 2}}"#,
        ],
        &env,
    );
    assert_eq!(
        both.status.code(),
        Some(2),
        "the same input twice is refused, not silently overridden"
    );
    let no_token = knowbe4(&["run", "get_all_policies", "--url", &url], &[]);
    assert_eq!(no_token.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_token.stderr).contains("`token`"));
    assert!(sim.requests().is_empty());
}

#[test]
fn manifests_are_current() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let out = knowbe4(&["manifests", "--check", "--dir", root], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn demo_runs_every_action() {
    let out = knowbe4(&["demo", "--users", "50"], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    for action in knowbe4_connector::ACTIONS {
        assert!(text.contains(action.name), "{}", action.name);
    }
    assert_eq!(
        text.matches("200 OK").count(),
        knowbe4_connector::ACTIONS.len(),
        "{text}"
    );
}

#[test]
fn report_prints_a_table_and_writes_csv() {
    let sim = Simulator::start(SimulatorConfig::default()).unwrap();
    let url = sim.url();
    let env = [
        ("KNOWBE4_URL", url.as_str()),
        ("KNOWBE4_TOKEN", sim.token()),
    ];
    let csv_path = std::env::temp_dir().join(format!("knowbe4-report-{}.csv", std::process::id()));
    let out = knowbe4(
        &[
            "report",
            "--as-of",
            "2024-09-01",
            "--csv",
            csv_path.to_str().unwrap(),
        ],
        &env,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = stdout(&out);
    assert!(
        table.starts_with("Training compliance as of 2024-09-01"),
        "{table}"
    );
    assert!(table.contains("all enrollments") && table.contains("need a reminder:"));
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    std::fs::remove_file(&csv_path).unwrap();
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(lines[0].starts_with(
        "group_kind,group,total,passed,completed,in_progress,not_started,past_due,completed_total"
    ));
    let overall: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(
        overall[..3],
        [
            "overall",
            "all enrollments",
            &sim.dataset().enrollments().len().to_string()
        ]
    );
    let campaigns = lines.iter().filter(|l| l.starts_with("campaign,")).count();
    assert!(campaigns > 0 && campaigns <= sim.dataset().campaigns().len());

    let json_out = knowbe4(
        &[
            "report",
            "--json",
            "--as-of",
            "2024-09-01",
            "--campaign-id",
            "201",
        ],
        &env,
    );
    let report: Value = serde_json::from_str(stdout(&json_out)).unwrap();
    assert_eq!(report["scope"], serde_json::json!([201]));
}

#[test]
fn every_action_at_trace_verbosity_never_prints_the_token() {
    let token = "kb4-cli-SECRET-9876543210";
    let sim = Simulator::start(SimulatorConfig {
        token: token.into(),
        ..SimulatorConfig::default()
    })
    .unwrap();
    sim.set_faults(vec![knowbe4_simulator::FaultRule {
        path: None,
        after: 0,
        times: Some(3),
        fault: knowbe4_simulator::Fault::Status {
            status: 503,
            retry_after: None,
        },
    }]);
    let url = sim.url();
    let env = [("KNOWBE4_URL", url.as_str()), ("KNOWBE4_TOKEN", token)];
    let mut seen = 0;
    for action in knowbe4_connector::ACTIONS {
        let mut args = vec!["-vv", "run", action.name];
        let id = "1";
        for input in action.inputs.iter().filter(|input| input.required) {
            match input.name {
                "source" => args.extend(["--source", "policy"]),
                "policy_id" => args.extend(["--policy-id", id]),
                "campaign_id" => args.extend(["--campaign-id", id]),
                "enrollment_id" => args.extend(["--enrollment-id", id]),
                "store_purchase_id" => args.extend(["--store-purchase-id", id]),
                "module_id" => args.extend(["--module-id", id]),
                other => panic!("no test value for {other}"),
            }
        }
        if action.name == "get_training_compliance_report" {
            args.extend(["--as-of", "2024-01-01"]);
        }
        let out = knowbe4(&args, &env);
        let all = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
        assert!(!all.contains(token), "{}: {all}", action.name);
        seen += all
            .lines()
            .filter(|line| line.starts_with("[DEBUG knowbe4_connector]"))
            .count();
    }
    assert!(
        seen >= knowbe4_connector::ACTIONS.len(),
        "requests were logged ({seen} lines)"
    );
    // A bad input that echoes values, and a Turbine run at -vv.
    let out = knowbe4(
        &[
            "-vv",
            "run",
            "get_a_specific_policy",
            "--policy-id",
            "x/../y",
        ],
        &env,
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains(token));
}
