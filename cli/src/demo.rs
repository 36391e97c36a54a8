//! `knowbe4 demo`: the simulator in-process and every action against it,
//! with a readable summary. The README's first command.

use std::process::ExitCode;
use std::time::Instant;

use knowbe4_connector::{ActionInput, Body, Client, ClientConfig, Envelope};
use knowbe4_simulator::{Simulator, SimulatorConfig};
use serde_json::{json, Value};

#[derive(clap::Args)]
pub struct Args {
    /// Users in the simulated account (each has 3 enrollments).
    #[arg(long, default_value_t = 1000)]
    users: usize,
    /// Print every envelope in full instead of a summary.
    #[arg(long)]
    full: bool,
}

pub fn run(args: &Args) -> ExitCode {
    let started = Instant::now();
    let simulator = match Simulator::start(SimulatorConfig {
        users: args.users,
        ..SimulatorConfig::default()
    }) {
        Ok(simulator) => simulator,
        Err(err) => {
            eprintln!("error: cannot start the simulator: {err}");
            return ExitCode::from(2);
        }
    };
    let data = simulator.dataset();
    println!(
        "KnowBe4 simulator on {} ({} users, {} enrollments, {} campaigns, {} policies), ready in {:.0?}\n",
        simulator.url(),
        data.users().len(),
        data.enrollments().len(),
        data.campaigns().len(),
        data.policies().len(),
        started.elapsed()
    );
    let first_id = |records: &[Value], key: &str| {
        records
            .first()
            .and_then(|r| r.get(key))
            .cloned()
            .unwrap_or(json!(1))
    };
    // KnowBe4's own sample spells this key store_purchased_id; take either.
    let store_purchase_id = data
        .store_purchases()
        .first()
        .and_then(|r| {
            r.get("store_purchase_id")
                .or_else(|| r.get("store_purchased_id"))
        })
        .cloned()
        .unwrap_or(json!(1));
    let runs: Vec<(&str, Value)> = vec![
        (
            "get_a_specific_policy",
            json!({"path_parameters": {"policy_id": first_id(data.policies(), "policy_id")}}),
        ),
        (
            "get_a_specific_training_campaign",
            json!({"path_parameters": {"campaign_id": first_id(data.campaigns(), "campaign_id")}}),
        ),
        (
            "get_a_specific_training_enrollment",
            json!({"path_parameters": {"enrollment_id": first_id(data.enrollments(), "enrollment_id")},
                   "parameters": {"include_campaign_id": true}}),
        ),
        (
            "get_account_risk_score_history",
            json!({"parameters": {"full": true}}),
        ),
        ("get_all_policies", json!({})),
        ("get_all_training_campaigns", json!({})),
        (
            "get_all_training_enrollments",
            json!({"parameters": {"include_campaign_id": true}}),
        ),
        ("get_all_store_purchases", json!({})),
        (
            "get_a_specific_store_purchase",
            json!({"path_parameters": {"store_purchase_id": store_purchase_id}}),
        ),
        ("get_all_modules", json!({"parameters": {"type": "video"}})),
        (
            "get_a_specific_module",
            json!({"path_parameters": {"module_id": first_id(data.policies(), "policy_id")},
                   "parameters": {"source": "policy"}}),
        ),
        (
            "get_training_compliance_report",
            json!({"parameters": {"as_of": "2025-01-01"}}),
        ),
    ];
    let config = ClientConfig::builder()
        .url(simulator.url())
        .token(simulator.token())
        .build();
    let client = match config.and_then(Client::new) {
        Ok(client) => client,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    let runtime = crate::runtime();
    let mut failed = false;
    for (action, input) in runs {
        let shown_input = serde_json::to_string(&input).expect("JSON values serialise");
        let input = ActionInput::from_value(input).expect("demo inputs are valid");
        let call = Instant::now();
        match runtime.block_on(client.run_action(action, &input)) {
            Ok(envelope) => {
                failed |= envelope.status_code >= 400;
                println!("{action}  {shown_input}");
                if args.full {
                    println!(
                        "{}\n",
                        serde_json::to_string_pretty(&envelope).expect("envelopes serialise")
                    );
                } else {
                    println!("  {}\n", summary(&envelope, call.elapsed()));
                }
            }
            Err(err) => {
                failed = true;
                println!("{action}  {shown_input}\n  error: {err}\n");
            }
        }
    }
    println!(
        "done in {:.2?}; `knowbe4 demo --full` prints every envelope",
        started.elapsed()
    );
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn summary(envelope: &Envelope, elapsed: std::time::Duration) -> String {
    let request_id = envelope
        .response_headers
        .get("X-Request-Id")
        .map_or("-", String::as_str);
    let body = match &envelope.body {
        Body::Json(Value::Array(items)) => {
            let first = items.first().map(preview).unwrap_or_default();
            format!("json_body: {} records; first: {first}", items.len())
        }
        Body::Json(value) if value.get("completion_rate").is_some() => format!(
            "json_body: {} enrollments, completion rate {}, {} need a reminder, {} past due but completed",
            value["total_enrollments"], value["completion_rate"], value["needs_reminder"]["count"],
            value["past_due_but_completed"]["count"]
        ),
        Body::Json(value) => format!("json_body: {}", preview(value)),
        Body::Text(text) => format!("response_text: {} bytes", text.len()),
    };
    format!(
        "{} {}  X-Request-Id {request_id}  {:.1?}\n  {body}",
        envelope.status_code, envelope.reason, elapsed
    )
}

fn preview(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 110 {
        format!("{}...", text.chars().take(110).collect::<String>())
    } else {
        text
    }
}
