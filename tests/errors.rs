//! Bad input is refused before any request, naming the input; HTTP statuses
//! are envelopes; only "no HTTP answer" is an error, of the right kind.

mod common;

use std::time::Duration;

use common::{client, run, simulator};
use knowbe4_connector::{Client, ClientConfig, ErrorKind};
use knowbe4_simulator::{Fault, FaultRule};
use serde_json::{json, Value};

#[test]
fn bad_inputs_name_the_input_and_send_nothing() {
    let sim = simulator();
    let client = client(&sim);
    let cases: Vec<(&str, Value, &str)> = vec![
        ("get_a_specific_policy", json!({}), "policy_id"),
        (
            "get_a_specific_policy",
            json!({"path_parameters": {"policy_id": 0}}),
            "policy_id",
        ),
        (
            "get_a_specific_policy",
            json!({"path_parameters": {"policy_id": -4}}),
            "policy_id",
        ),
        (
            "get_a_specific_policy",
            json!({"path_parameters": {"policy_id": 2.5}}),
            "policy_id",
        ),
        (
            "get_a_specific_policy",
            json!({"path_parameters": {"policy_id": "seven"}}),
            "policy_id",
        ),
        (
            "get_a_specific_policy",
            json!({"path_parameters": {"policy_id": "1/../../account"}}),
            "policy_id",
        ),
        (
            "get_a_specific_training_campaign",
            json!({"path_parameters": {"campaign_id": "12?x=1"}}),
            "campaign_id",
        ),
        (
            "get_a_specific_training_enrollment",
            json!({"path_parameters": {"enrollment_id": null}}),
            "enrollment_id",
        ),
        (
            "get_a_specific_training_enrollment",
            json!({"path_parameters": {"enrollment_id": 1}, "parameters": {"include_campaign_id": "yes"}}),
            "include_campaign_id",
        ),
        (
            "get_account_risk_score_history",
            json!({"parameters": {"full": 1}}),
            "full",
        ),
        (
            "get_account_risk_score_history",
            json!({"parameters": {"ful": true}}),
            "ful",
        ),
        (
            "get_all_policies",
            json!({"parameters": {"per_page": 501}}),
            "per_page",
        ),
        (
            "get_all_policies",
            json!({"parameters": {"page": 0}}),
            "page",
        ),
        (
            "get_all_training_campaigns",
            json!({"parameters": {"exclude_percentages": "maybe"}}),
            "exclude_percentages",
        ),
        (
            "get_all_training_enrollments",
            json!({"parameters": {"user_id": -1}}),
            "user_id",
        ),
        (
            "get_all_training_enrollments",
            json!({"parameters": {"cursor": ""}}),
            "cursor",
        ),
        (
            "get_all_training_enrollments",
            json!({"headers": {"Authorization": "Bearer other"}}),
            "headers.Authorization",
        ),
        ("get_all_policies", json!({"data_body": "x"}), "data_body"),
        ("get_all_policies", json!({"query": {}}), "query"),
        ("get_all_the_things", json!({}), "action"),
    ];
    for (action, input, expected) in cases {
        let err = run(&client, action, input.clone()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{action} {input}");
        assert_eq!(err.input(), Some(expected), "{action} {input}: {err}");
        assert!(
            err.to_string().contains(expected),
            "the message names the input: {err}"
        );
    }
    assert!(
        sim.requests().is_empty(),
        "no request was sent for bad input"
    );
}

#[test]
fn bad_configuration_names_the_field() {
    for (builder, expected) in [
        (
            ClientConfig::builder().url("::not a url::").token("t"),
            "url",
        ),
        (
            ClientConfig::builder().url("http://203.0.113.9").token("t"),
            "url",
        ),
        (
            ClientConfig::builder().url("https://x.test").token(""),
            "token",
        ),
        (
            ClientConfig::builder()
                .url("https://x.test")
                .token("a\u{7}b"),
            "token",
        ),
        (ClientConfig::builder().url("https://x.test"), "token"),
        (
            ClientConfig::builder().region("antarctica").token("t"),
            "region",
        ),
        (
            ClientConfig::builder()
                .url("https://x.test")
                .token("t")
                .http_proxy("not a proxy"),
            "http_proxy",
        ),
    ] {
        assert_eq!(builder.build().unwrap_err().input(), Some(expected));
    }
}

#[test]
fn http_statuses_are_envelopes() {
    let sim = simulator();
    let client = client(&sim);
    let missing = run(
        &client,
        "get_a_specific_policy",
        json!({"path_parameters": {"policy_id": 999_999}}),
    )
    .unwrap();
    assert_eq!(
        (missing.status_code, missing.reason.as_str()),
        (404, "Not Found")
    );
    assert!(missing.json_body().is_some());

    let wrong_token = Client::new(
        ClientConfig::builder()
            .url(sim.url())
            .token("wrong")
            .build()
            .unwrap(),
    )
    .unwrap();
    let denied = run(&wrong_token, "get_all_policies", json!({})).unwrap();
    assert_eq!(
        (denied.status_code, denied.reason.as_str()),
        (401, "Unauthorized")
    );

    for status in [429_u16, 500, 502, 503] {
        sim.set_faults(vec![FaultRule::always(Fault::Status {
            status,
            retry_after: None,
        })]);
        let envelope = run(&client, "get_all_training_enrollments", json!({})).unwrap();
        assert_eq!(envelope.status_code, status);
        assert!(!envelope.reason.is_empty());
    }
    sim.set_faults(vec![FaultRule::always(Fault::Html503)]);
    let maintenance = run(&client, "get_all_policies", json!({})).unwrap();
    assert_eq!(maintenance.status_code, 503);
    assert!(
        maintenance.response_text().unwrap().contains("<html"),
        "HTML is response_text"
    );
}

#[test]
fn a_transient_fault_mid_pull_is_retried_and_nothing_is_lost() {
    let sim = common::simulator_with(knowbe4_simulator::SimulatorConfig {
        policies: 1300,
        ..Default::default()
    });
    sim.set_faults(vec![FaultRule {
        path: Some("/v1/training/policies".into()),
        after: 1,
        times: Some(2),
        fault: Fault::Status {
            status: 500,
            retry_after: None,
        },
    }]);
    let envelope = run(&client(&sim), "get_all_policies", json!({})).unwrap();
    assert_eq!(envelope.status_code, 200);
    assert_eq!(
        common::records(&envelope),
        sim.dataset().policies(),
        "every record once, in order"
    );
    assert_eq!(envelope.requests, 5, "3 pages + 2 retries of page 2");
    let queries = common::queries(&sim);
    assert_eq!(queries[1], queries[2], "the failed page itself is retried");
}

#[test]
fn a_persistent_fault_mid_pull_returns_that_answer_not_a_partial_list() {
    let sim = common::simulator_with(knowbe4_simulator::SimulatorConfig {
        policies: 1300,
        ..Default::default()
    });
    sim.set_faults(vec![FaultRule {
        path: Some("/v1/training/policies".into()),
        after: 1,
        times: None,
        fault: Fault::Status {
            status: 503,
            retry_after: None,
        },
    }]);
    let envelope = run(&client(&sim), "get_all_policies", json!({})).unwrap();
    assert_eq!(
        envelope.status_code, 503,
        "the failing page's envelope, never a partial list as if complete"
    );
    assert_eq!(envelope.attempts, 4, "tried as often as the policy allows");
    assert_eq!(sim.requests().len(), 5);
}

#[test]
fn broken_json_single_is_text_and_mid_pull_is_a_decode_error() {
    let sim = common::simulator_with(knowbe4_simulator::SimulatorConfig {
        policies: 1300,
        ..Default::default()
    });
    let client = client(&sim);
    sim.set_faults(vec![FaultRule::always(Fault::TruncatedJson)]);
    let id = sim.dataset().policies()[0]["policy_id"].clone();
    let single = run(
        &client,
        "get_a_specific_policy",
        json!({"path_parameters": {"policy_id": id}}),
    )
    .unwrap();
    assert_eq!(single.status_code, 200);
    assert!(
        single.response_text().is_some(),
        "what the server sent, as text"
    );

    sim.set_faults(vec![FaultRule {
        path: None,
        after: 1,
        times: Some(1),
        fault: Fault::InvalidJson,
    }]);
    let err = run(&client, "get_all_policies", json!({})).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("page 2"), "{err}");
    assert_eq!(err.action(), Some("get_all_policies"));
}

#[test]
fn no_answer_is_a_typed_error() {
    // A port that was free a moment ago: connection refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let refused = Client::new(
        ClientConfig::builder()
            .url(format!("http://127.0.0.1:{port}"))
            .token("t")
            .build()
            .unwrap(),
    )
    .unwrap();
    let err = run(&refused, "get_all_policies", json!({})).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect, "{err}");
    assert_eq!(err.action(), Some("get_all_policies"));

    let sim = simulator();
    sim.set_faults(vec![FaultRule::always(Fault::Slow { delay_ms: 3_000 })]);
    let impatient = common::client_with_timeout(&sim, Duration::from_millis(300));
    let err = run(&impatient, "get_account_risk_score_history", json!({})).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
}

#[test]
fn errors_never_show_the_token() {
    let token = "tok-SECRET-1234567890";
    let sim = simulator();
    let client = Client::new(
        ClientConfig::builder()
            .url(sim.url())
            .token(token)
            .build()
            .unwrap(),
    )
    .unwrap();
    assert!(!format!("{client:?}").contains(token));
    let err = run(
        &client,
        "get_a_specific_policy",
        json!({"path_parameters": {"policy_id": "x"}}),
    )
    .unwrap_err();
    assert!(!format!("{err} {err:?}").contains(token));
    let envelope = run(&client, "get_all_policies", json!({})).unwrap();
    assert!(!serde_json::to_string(&envelope).unwrap().contains(token));
    for request in sim.requests() {
        assert!(!format!("{request:?}").contains(token));
    }
}

#[test]
fn a_failed_tls_handshake_is_a_tls_error() {
    // The simulator speaks plain HTTP: an https:// client fails its handshake.
    let sim = simulator();
    let url = sim.url().replace("http://", "https://");
    let client = Client::new(ClientConfig::builder().url(url).token("t").build().unwrap()).unwrap();
    let err = run(&client, "get_all_policies", json!({})).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
}
