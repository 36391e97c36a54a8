//! Shared set-up: a simulator on loopback and a client pointed at it.
#![allow(dead_code)]

use std::time::Duration;

use knowbe4_connector::{ActionInput, Client, ClientConfig, Envelope, Result, RetryPolicy};
use knowbe4_simulator::{Simulator, SimulatorConfig};
use serde_json::Value;

pub fn simulator() -> Simulator {
    simulator_with(SimulatorConfig::default())
}

pub fn simulator_with(config: SimulatorConfig) -> Simulator {
    Simulator::start(config).expect("the simulator starts on loopback")
}

pub fn client(simulator: &Simulator) -> Client {
    client_with_timeout(simulator, Duration::from_secs(20))
}

pub fn client_with_timeout(simulator: &Simulator, timeout: Duration) -> Client {
    let config = ClientConfig::builder()
        .url(simulator.url())
        .token(simulator.token())
        .request_timeout(timeout)
        .retry(fast_retries())
        .build()
        .expect("the simulator's URL and token are valid");
    Client::new(config).expect("the client builds")
}

/// The default retry policy with millisecond waits, so fault tests stay quick.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        base_delay: Duration::from_millis(5),
        ..RetryPolicy::default()
    }
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Run an action with Turbine-shaped JSON input on a fresh runtime.
pub fn run(client: &Client, action: &str, input: Value) -> Result<Envelope> {
    runtime().block_on(client.run_action_json(action, input))
}

pub fn records(envelope: &Envelope) -> &Vec<Value> {
    match envelope.json_body() {
        Some(Value::Array(items)) => items,
        other => panic!("expected a JSON array body, got {other:?}"),
    }
}

/// The query of each recorded request, in order.
pub fn queries(simulator: &Simulator) -> Vec<String> {
    simulator
        .requests()
        .into_iter()
        .map(|request| request.query)
        .collect()
}

pub fn input(value: Value) -> ActionInput {
    ActionInput::from_value(value).unwrap()
}
