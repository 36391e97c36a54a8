//! Streamed pulls (`Client::run_action_streamed`): over real HTTP against the
//! simulator, the pages a `PageSink` receives, joined, are exactly what
//! `run_action` returns; whatever is not one list comes back whole; the text
//! path never changes what the user gets (odd charsets, BOMs, broken JSON);
//! and a sink's error ends the pull at once.

mod common;

use std::time::Duration;

use common::{fast_retries, runtime, simulator_with};
use knowbe4_connector::transport::BoxFuture;
use knowbe4_connector::{
    ActionInput, Body, Client, ClientConfig, Envelope, Error, ErrorKind, Handler, PageRecords,
    PageSink, Paging, Result, RetryPolicy, Streamed, ACTIONS,
};
use knowbe4_simulator::{Fault, FaultRule, Simulator, SimulatorConfig};
use serde_json::{json, Value};

const POLICIES: &str = "/v1/training/policies";
const ENROLLMENTS: &str = "/v1/training/enrollments";

// ---------------------------------------------------------------------------
// Set-up

/// A sink that keeps every page, notes how many requests the simulator had
/// seen when each page arrived, and can fail on a given page.
struct Collect<'a> {
    sim: Option<&'a Simulator>,
    pages: Vec<PageRecords>,
    seen_requests: Vec<usize>,
    fail_on: Option<(usize, Error)>,
}

impl<'a> Collect<'a> {
    fn new() -> Collect<'a> {
        Collect {
            sim: None,
            pages: Vec::new(),
            seen_requests: Vec::new(),
            fail_on: None,
        }
    }

    fn watching(sim: &'a Simulator) -> Collect<'a> {
        Collect {
            sim: Some(sim),
            ..Collect::new()
        }
    }

    fn failing_on(page: usize, error: Error) -> Collect<'a> {
        Collect {
            fail_on: Some((page, error)),
            ..Collect::new()
        }
    }
}

impl PageSink for Collect<'_> {
    fn accept(&mut self, page: PageRecords) -> BoxFuture<'_, Result<()>> {
        Box::pin(async move {
            // A consumer that takes its time: the pull must wait for it.
            tokio::time::sleep(Duration::from_millis(2)).await;
            if let Some(sim) = self.sim {
                self.seen_requests.push(sim.requests().len());
            }
            self.pages.push(page);
            match &self.fail_on {
                Some((on, error)) if *on == self.pages.len() => Err(error.clone()),
                _ => Ok(()),
            }
        })
    }
}

fn client_with(sim: &Simulator, retry: RetryPolicy) -> Client {
    let config = ClientConfig::builder()
        .url(sim.url())
        .token(sim.token())
        .request_timeout(Duration::from_secs(20))
        .retry(retry)
        .build()
        .expect("the simulator's URL and token are valid");
    Client::new(config).expect("the client builds")
}

fn client(sim: &Simulator) -> Client {
    client_with(sim, fast_retries())
}

fn rule(path: &str, after: u64, times: Option<u64>, fault: Fault) -> FaultRule {
    FaultRule {
        path: Some(path.into()),
        after,
        times,
        fault,
    }
}

fn status_fault(status: u16) -> Fault {
    Fault::Status {
        status,
        retry_after: None,
    }
}

fn run(client: &Client, action: &str, input: &Value) -> Result<Envelope> {
    runtime().block_on(client.run_action_json(action, input.clone()))
}

fn stream_into(
    client: &Client,
    action: &str,
    input: &Value,
    sink: &mut Collect<'_>,
) -> Result<Streamed> {
    runtime().block_on(client.run_action_json_streamed(action, input.clone(), sink))
}

fn stream(client: &Client, action: &str, input: &Value) -> (Result<Streamed>, Vec<PageRecords>) {
    let mut sink = Collect::new();
    let result = stream_into(client, action, input, &mut sink);
    (result, sink.pages)
}

/// Every page's records, joined; a `Json` page must parse to `count` records.
fn joined(pages: &[PageRecords]) -> Vec<Value> {
    let mut all = Vec::new();
    for (index, page) in pages.iter().enumerate() {
        match page {
            PageRecords::Json { text, count } => {
                let items: Vec<Value> = serde_json::from_slice(text).unwrap_or_else(|err| {
                    panic!(
                        "page {}: its text must parse ({err}): {:?}",
                        index + 1,
                        String::from_utf8_lossy(&text[..text.len().min(200)])
                    )
                });
                assert_eq!(items.len(), *count, "page {}: count", index + 1);
                assert_eq!(page.len(), *count);
                assert_eq!(page.is_empty(), *count == 0);
                assert_eq!(page.clone().into_values().unwrap(), items);
                all.extend(items);
            }
            PageRecords::Values(items) => {
                assert_eq!(page.len(), items.len());
                all.extend(items.iter().cloned());
            }
        }
    }
    all
}

/// `"json"` or `"values"` per page.
fn shapes(pages: &[PageRecords]) -> Vec<&'static str> {
    pages
        .iter()
        .map(|page| match page {
            PageRecords::Json { .. } => "json",
            PageRecords::Values(_) => "values",
        })
        .collect()
}

fn counts(pages: &[PageRecords]) -> Vec<usize> {
    pages.iter().map(PageRecords::len).collect()
}

fn header_keys(envelope: &Envelope) -> Vec<&str> {
    envelope
        .response_headers
        .keys()
        .map(String::as_str)
        .collect()
}

fn array(envelope: &Envelope) -> &Vec<Value> {
    match envelope.json_body() {
        Some(Value::Array(items)) => items,
        other => panic!("expected a JSON array body, got {other:?}"),
    }
}

fn pages_of(streamed: Streamed) -> Envelope {
    match streamed {
        Streamed::Pages(envelope) => envelope,
        Streamed::Whole(envelope) => panic!(
            "expected Pages, got Whole: {} {:?}",
            envelope.status_code, envelope.body
        ),
    }
}

fn whole_of(streamed: Streamed) -> Envelope {
    match streamed {
        Streamed::Whole(envelope) => envelope,
        Streamed::Pages(envelope) => panic!("expected Whole, got Pages: {envelope:?}"),
    }
}

/// One action run both ways on the same server state.
struct Both {
    run: Result<Envelope>,
    run_requests: usize,
    streamed: Result<Streamed>,
    pages: Vec<PageRecords>,
    streamed_requests: usize,
}

/// Run `action` with `run_action`, then streamed; `arm` sets the faults up
/// again before each (their counters restart) and the log is cleared.
fn both(sim: &Simulator, client: &Client, action: &str, input: &Value, arm: &dyn Fn()) -> Both {
    arm();
    sim.clear_requests();
    let run = run(client, action, input);
    let run_requests = sim.requests().len();
    arm();
    sim.clear_requests();
    let (streamed, pages) = stream(client, action, input);
    let streamed_requests = sim.requests().len();
    Both {
        run,
        run_requests,
        streamed,
        pages,
        streamed_requests,
    }
}

fn no_faults(sim: &Simulator) -> impl Fn() + '_ {
    move || sim.clear_faults()
}

/// The streamed outcome is the same as `run_action`'s: the same records (or
/// the same whole envelope, or the same error), from the same requests.
/// Returns the streamed result for further checks.
fn assert_same(label: &str, both: Both) -> (Result<Streamed>, Vec<PageRecords>) {
    assert_eq!(
        both.run_requests, both.streamed_requests,
        "{label}: the same requests either way"
    );
    match (&both.run, &both.streamed) {
        (Ok(envelope), Ok(Streamed::Pages(head))) => {
            assert!(envelope.is_success(), "{label}: pages of a failed answer");
            assert_eq!(
                &joined(&both.pages),
                array(envelope),
                "{label}: the pages joined are run_action's body"
            );
            assert_eq!(head.status_code, envelope.status_code, "{label}");
            assert_eq!(head.reason, envelope.reason, "{label}");
            assert_eq!(header_keys(head), header_keys(envelope), "{label}");
            assert_eq!(
                head.response_headers.get("Content-Type"),
                envelope.response_headers.get("Content-Type"),
                "{label}"
            );
            assert_eq!(head.requests, envelope.requests, "{label}: requests");
            assert_eq!(head.attempts, envelope.attempts, "{label}: attempts");
            assert!(
                matches!(&head.body, Body::Json(Value::Array(items)) if items.is_empty())
                    || matches!(&head.body, Body::Text(text) if text.is_empty()),
                "{label}: the streamed envelope's own body is empty: {:?}",
                head.body
            );
        }
        (Ok(envelope), Ok(Streamed::Whole(whole))) => {
            assert_eq!(whole.status_code, envelope.status_code, "{label}");
            assert_eq!(whole.reason, envelope.reason, "{label}");
            assert_eq!(whole.body, envelope.body, "{label}: the same body");
            assert_eq!(header_keys(whole), header_keys(envelope), "{label}");
            assert_eq!(whole.requests, envelope.requests, "{label}: requests");
            assert_eq!(whole.attempts, envelope.attempts, "{label}: attempts");
        }
        (Err(expected), Err(got)) => {
            assert_eq!(got.kind(), expected.kind(), "{label}: the same error kind");
            assert_eq!(got, expected, "{label}: the same error");
        }
        (run, streamed) => panic!(
            "{label}: run_action gave {:?} but the streamed run gave {:?}",
            run.as_ref()
                .map(|envelope| (envelope.status_code, &envelope.body)),
            streamed
        ),
    }
    (both.streamed, both.pages)
}

fn enrollments_sim(users: usize, per_user: usize) -> Simulator {
    simulator_with(SimulatorConfig {
        users,
        enrollments_per_user: per_user,
        ..SimulatorConfig::default()
    })
}

// ---------------------------------------------------------------------------
// 1. A full pull, page by page

#[test]
fn a_full_pull_arrives_page_by_page_as_the_servers_text() {
    let sim = enrollments_sim(400, 3);
    assert_eq!(sim.dataset().enrollment_count(), 1200);
    let client = client(&sim);
    let action = "get_all_training_enrollments";

    let gathered = runtime()
        .block_on(client.run_action(action, &ActionInput::new()))
        .unwrap();
    sim.clear_requests();
    let mut sink = Collect::watching(&sim);
    let streamed = runtime()
        .block_on(client.run_action_streamed(action, &ActionInput::new(), &mut sink))
        .unwrap();
    let head = pages_of(streamed);

    assert_eq!(shapes(&sink.pages), ["json", "json", "json"]);
    assert_eq!(counts(&sink.pages), [500, 500, 200]);
    let records = joined(&sink.pages);
    assert_eq!(&records, array(&gathered), "same records, same order");
    assert_eq!(records.as_slice(), sim.dataset().enrollments());
    assert_eq!(
        sink.seen_requests,
        [1, 2, 3],
        "each page reaches the sink before the next is requested"
    );
    assert_eq!(
        common::queries(&sim),
        [
            "page=1&per_page=500",
            "page=2&per_page=500",
            "page=3&per_page=500"
        ]
    );

    assert_eq!((head.status_code, head.reason.as_str()), (200, "OK"));
    assert_eq!(head.requests, 3, "one request per page");
    assert_eq!(head.requests, gathered.requests);
    assert_eq!(head.attempts, 1);
    assert_eq!(header_keys(&head), header_keys(&gathered));
    for stable in ["Content-Type", "Content-Length"] {
        assert_eq!(
            head.response_headers.get(stable),
            gathered.response_headers.get(stable),
            "{stable} of the last page"
        );
    }
    assert!(head.response_headers.contains_key("X-Request-Id"));
    assert_eq!(
        head.json_body().map(|body| body == &json!([])),
        Some(true),
        "the streamed envelope's body is empty: {:?}",
        head.body
    );
    // The Turbine shape of the head is run_action's but for the body.
    let mut as_value = head.to_value();
    let mut expected = gathered.to_value();
    for envelope in [&mut as_value, &mut expected] {
        envelope["response_headers"]["X-Request-Id"] = Value::Null;
        envelope["json_body"] = Value::Null;
    }
    assert_eq!(as_value, expected);
}

#[test]
fn an_empty_list_is_one_empty_page() {
    let sim = simulator_with(SimulatorConfig {
        policies: 0,
        ..SimulatorConfig::default()
    });
    let client = client(&sim);
    let (streamed, pages) = assert_same(
        "no policies",
        both(
            &sim,
            &client,
            "get_all_policies",
            &json!({}),
            &no_faults(&sim),
        ),
    );
    let head = pages_of(streamed.unwrap());
    assert_eq!(counts(&pages), [0]);
    assert_eq!(head.requests, 1);
}

#[test]
fn an_exact_multiple_of_a_page_ends_with_an_empty_page() {
    let sim = simulator_with(SimulatorConfig {
        policies: 1000,
        ..SimulatorConfig::default()
    });
    let client = client(&sim);
    let (streamed, pages) = assert_same(
        "1000 policies",
        both(
            &sim,
            &client,
            "get_all_policies",
            &json!({}),
            &no_faults(&sim),
        ),
    );
    assert_eq!(counts(&pages), [500, 500, 0]);
    assert_eq!(pages_of(streamed.unwrap()).requests, 3);
    assert_eq!(joined(&pages).as_slice(), sim.dataset().policies());
}

// ---------------------------------------------------------------------------
// 2. Every list action that pulls every page

#[test]
fn every_multi_page_list_action_streams_what_run_action_returns() {
    let sim = simulator_with(SimulatorConfig {
        users: 400,
        enrollments_per_user: 3,
        policies: 1100,
        campaigns: 1100,
        store_purchases: 1100,
        ..SimulatorConfig::default()
    });
    let client = client(&sim);
    let listed: Vec<&str> = ACTIONS
        .iter()
        .filter(|action| action.paging != Paging::None && action.handler == Handler::Http)
        .map(|action| action.name)
        .collect();
    assert_eq!(
        listed,
        [
            "get_all_policies",
            "get_all_training_campaigns",
            "get_all_training_enrollments",
            "get_all_store_purchases"
        ]
    );
    for action in listed {
        let (streamed, pages) = assert_same(
            action,
            both(&sim, &client, action, &json!({}), &no_faults(&sim)),
        );
        let head = pages_of(streamed.unwrap());
        assert_eq!(head.status_code, 200, "{action}");
        assert!(pages.len() >= 3, "{action}: several pages");
        assert!(
            shapes(&pages).iter().all(|shape| *shape == "json"),
            "{action}: every page handed on as text"
        );
        assert_eq!(head.requests as usize, pages.len(), "{action}");
        let records = joined(&pages);
        match action {
            "get_all_policies" => assert_eq!(records.as_slice(), sim.dataset().policies()),
            "get_all_store_purchases" => {
                assert_eq!(records.as_slice(), sim.dataset().store_purchases());
            }
            "get_all_training_enrollments" => {
                assert_eq!(records.as_slice(), sim.dataset().enrollments());
            }
            _ => assert_eq!(records.len(), 1100, "{action}"),
        }
    }

    // Campaigns with percentages: the API's 10-record cap, one short page.
    let capped = json!({"parameters": {"exclude_percentages": false}});
    let (streamed, pages) = assert_same(
        "capped campaigns",
        both(
            &sim,
            &client,
            "get_all_training_campaigns",
            &capped,
            &no_faults(&sim),
        ),
    );
    assert!(matches!(streamed, Ok(Streamed::Pages(_))));
    assert_eq!(counts(&pages), [10]);
    // Enrollments with server-side filters and include flags.
    let user_id = sim.dataset().users()[5]["id"].clone();
    for input in [
        json!({"parameters": {"user_id": user_id}}),
        json!({"parameters": {"include_campaign_id": true, "include_employee_number": "true"}}),
        json!({"parameters": {"exclude_archived_users": true}}),
    ] {
        let (streamed, _) = assert_same(
            &input.to_string(),
            both(
                &sim,
                &client,
                "get_all_training_enrollments",
                &input,
                &no_faults(&sim),
            ),
        );
        assert!(matches!(streamed, Ok(Streamed::Pages(_))), "{input}");
    }
}

// ---------------------------------------------------------------------------
// 3. What is not one list comes back whole

#[test]
fn single_records_composites_and_one_page_come_back_whole_and_the_sink_gets_nothing() {
    let sim = simulator_with(SimulatorConfig {
        policies: 600,
        store_purchases: 40,
        ..SimulatorConfig::default()
    });
    let client = client(&sim);
    let data = sim.dataset();
    let store_purchase_id = data.store_purchases()[0]
        .get("store_purchase_id")
        .or_else(|| data.store_purchases()[0].get("store_purchased_id"))
        .cloned()
        .unwrap();
    let cases = [
        (
            "get_a_specific_policy",
            json!({"path_parameters": {"policy_id": data.policies()[3]["policy_id"]}}),
            200,
        ),
        (
            "get_a_specific_policy",
            json!({"path_parameters": {"policy_id": 987_654_321}}),
            404,
        ),
        (
            "get_a_specific_training_campaign",
            json!({"path_parameters": {"campaign_id": data.campaigns()[0]["campaign_id"]}}),
            200,
        ),
        (
            "get_a_specific_training_enrollment",
            json!({
                "path_parameters": {"enrollment_id": data.enrollments()[7]["enrollment_id"]},
                "parameters": {"include_campaign_id": true}
            }),
            200,
        ),
        (
            "get_a_specific_training_enrollment",
            json!({"path_parameters": {"enrollment_id": 999_999_999}}),
            404,
        ),
        (
            "get_a_specific_store_purchase",
            json!({"path_parameters": {"store_purchase_id": store_purchase_id}}),
            200,
        ),
        ("get_account_risk_score_history", json!({}), 200),
        (
            "get_account_risk_score_history",
            json!({"parameters": {"full": true}}),
            200,
        ),
        // Composite actions: several pulls combined by the core.
        ("get_all_modules", json!({}), 200),
        (
            "get_all_modules",
            json!({"parameters": {"type": "policy", "page": 2, "per_page": 50}}),
            200,
        ),
        (
            "get_a_specific_module",
            json!({"path_parameters": {"module_id": data.policies()[0]["policy_id"]},
                   "parameters": {"source": "policy"}}),
            200,
        ),
        (
            "get_training_compliance_report",
            json!({"parameters": {"as_of": "2024-06-01"}}),
            200,
        ),
        (
            "get_training_compliance_report",
            json!({"parameters": {"as_of": "2024-06-01",
                                  "campaign_id": data.campaigns()[1]["campaign_id"]}}),
            200,
        ),
        // A list action asked for one page is one request.
        (
            "get_all_policies",
            json!({"parameters": {"page": 2, "per_page": 500}}),
            200,
        ),
        (
            "get_all_training_enrollments",
            json!({"parameters": {"per_page": 20, "status": "passed"}}),
            200,
        ),
    ];
    for (action, input, status) in cases {
        let label = format!("{action} {input}");
        let (streamed, pages) = assert_same(
            &label,
            both(&sim, &client, action, &input, &no_faults(&sim)),
        );
        let whole = whole_of(streamed.unwrap());
        assert_eq!(whole.status_code, status, "{label}");
        assert!(pages.is_empty(), "{label}: the sink received nothing");
    }

    // The composites' bodies are what the core built, not a page.
    let report = stream(
        &client,
        "get_training_compliance_report",
        &json!({"parameters": {"as_of": "2024-06-01"}}),
    );
    assert!(whole_of(report.0.unwrap())
        .json_body()
        .is_some_and(Value::is_object));
    let modules = stream(&client, "get_all_modules", &json!({}));
    let modules = whole_of(modules.0.unwrap());
    assert_eq!(
        array(&modules).len(),
        640,
        "600 policies + 40 store purchases"
    );
}

#[test]
fn a_list_refused_on_page_one_is_whole_and_the_sink_gets_nothing() {
    let sim = simulator_with(SimulatorConfig {
        policies: 1300,
        ..SimulatorConfig::default()
    });
    let client = client_with(&sim, RetryPolicy::none());
    for status in [401, 403, 404, 500] {
        let arm = || sim.set_faults(vec![rule(POLICIES, 0, None, status_fault(status))]);
        let (streamed, pages) = assert_same(
            &format!("{status} on page 1"),
            both(&sim, &client, "get_all_policies", &json!({}), &arm),
        );
        let whole = whole_of(streamed.unwrap());
        assert_eq!((whole.status_code, whole.requests), (status, 1));
        assert!(whole
            .json_body()
            .is_some_and(|body| body["message"].is_string()));
        assert!(pages.is_empty(), "{status}");
    }
    // A wrong token: the simulator's own 401.
    let wrong = Client::new(
        ClientConfig::builder()
            .url(sim.url())
            .token("not-the-token")
            .retry(RetryPolicy::none())
            .build()
            .unwrap(),
    )
    .unwrap();
    sim.clear_faults();
    let (streamed, pages) = assert_same(
        "wrong token",
        both(
            &sim,
            &wrong,
            "get_all_policies",
            &json!({}),
            &no_faults(&sim),
        ),
    );
    assert_eq!(whole_of(streamed.unwrap()).status_code, 401);
    assert!(pages.is_empty());
}

#[test]
fn refused_input_is_the_same_error_and_nothing_is_sent() {
    let sim = simulator_with(SimulatorConfig::default());
    let client = client(&sim);
    for (action, input) in [
        ("no_such_action", json!({})),
        (
            "get_all_training_enrollments",
            json!({"parameters": {"cursor": true, "page": 2}}),
        ),
        (
            "get_all_training_enrollments",
            json!({"parameters": {"status": "sleeping"}}),
        ),
        ("get_all_policies", json!({"parameters": {"per_page": 501}})),
        ("get_all_policies", json!({"parameters": {"colour": "red"}})),
        ("get_a_specific_policy", json!({})),
    ] {
        let label = format!("{action} {input}");
        let (streamed, pages) = assert_same(
            &label,
            both(&sim, &client, action, &input, &no_faults(&sim)),
        );
        let err = streamed.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{label}");
        assert!(pages.is_empty(), "{label}");
        assert!(sim.requests().is_empty(), "{label}: nothing sent");
    }
}

// ---------------------------------------------------------------------------
// 4. A page that answers non-2xx mid-pull

#[test]
fn a_failed_page_mid_pull_is_the_whole_answer_though_the_sink_got_page_one() {
    let sim = simulator_with(SimulatorConfig {
        policies: 1300,
        ..SimulatorConfig::default()
    });
    let once = client_with(&sim, RetryPolicy::none());
    for (fault, status) in [
        (status_fault(500), 500),
        (status_fault(503), 503),
        (status_fault(429), 429),
        (status_fault(404), 404),
        (status_fault(401), 401),
        (Fault::Html503, 503),
    ] {
        let label = format!("{fault:?} on page 2");
        let arm = || sim.set_faults(vec![rule(POLICIES, 1, None, fault.clone())]);
        let (streamed, pages) = assert_same(
            &label,
            both(&sim, &once, "get_all_policies", &json!({}), &arm),
        );
        let whole = whole_of(streamed.unwrap());
        assert_eq!(whole.status_code, status, "{label}");
        assert_eq!((whole.requests, whole.attempts), (2, 1), "{label}");
        assert_eq!(shapes(&pages), ["json"], "{label}: page 1 reached the sink");
        assert_eq!(
            joined(&pages).as_slice(),
            &sim.dataset().policies()[..500],
            "{label}"
        );
        assert_eq!(
            common::queries(&sim),
            ["page=1&per_page=500", "page=2&per_page=500"],
            "{label}: nothing after the failed page"
        );
    }

    // With retries: the page is tried four times, then the pull stops.
    let retrying = client(&sim);
    let arm = || sim.set_faults(vec![rule(POLICIES, 1, None, status_fault(500))]);
    let (streamed, pages) = assert_same(
        "500 on page 2, retried",
        both(&sim, &retrying, "get_all_policies", &json!({}), &arm),
    );
    let whole = whole_of(streamed.unwrap());
    assert_eq!(
        (whole.status_code, whole.attempts, whole.requests),
        (500, 4, 5)
    );
    assert_eq!(counts(&pages), [500]);

    // A transient fault that clears within the retries is invisible.
    let arm = || sim.set_faults(vec![rule(POLICIES, 1, Some(2), status_fault(503))]);
    let (streamed, pages) = assert_same(
        "503 twice on page 2, then fine",
        both(&sim, &retrying, "get_all_policies", &json!({}), &arm),
    );
    let head = pages_of(streamed.unwrap());
    assert_eq!((head.status_code, head.requests), (200, 5));
    assert_eq!(joined(&pages).as_slice(), sim.dataset().policies());

    // The third page of enrollments, under cursor paging too.
    let sim = enrollments_sim(700, 2);
    let once = client_with(&sim, RetryPolicy::none());
    for input in [json!({}), json!({"parameters": {"cursor": true}})] {
        let arm = || sim.set_faults(vec![rule(ENROLLMENTS, 2, None, status_fault(502))]);
        let (streamed, pages) = assert_same(
            &format!("502 on page 3 {input}"),
            both(&sim, &once, "get_all_training_enrollments", &input, &arm),
        );
        assert_eq!(whole_of(streamed.unwrap()).status_code, 502, "{input}");
        assert_eq!(counts(&pages), [500, 500], "{input}");
    }
}

// ---------------------------------------------------------------------------
// 5. The connector's own status filter

#[test]
fn the_status_filter_hands_on_filtered_values_and_pages_on_the_unfiltered_count() {
    let sim = simulator_with(SimulatorConfig {
        users: 400,
        enrollments_per_user: 3,
        campaigns: 1100,
        ..SimulatorConfig::default()
    });
    let client = client(&sim);
    for (action, status, wanted) in [
        ("get_all_training_enrollments", "past due", "Past Due"),
        ("get_all_training_enrollments", "In_Progress", "In Progress"),
        ("get_all_training_campaigns", "ACTIVE", "Active"),
        ("get_all_training_campaigns", "cancelled", "Canceled"),
    ] {
        let label = format!("{action} status={status}");
        // Unfiltered, for the number of requests and the records to filter.
        let (unfiltered, all_pages) = assert_same(
            &format!("{action} unfiltered"),
            both(&sim, &client, action, &json!({}), &no_faults(&sim)),
        );
        let unfiltered = pages_of(unfiltered.unwrap());
        let input = json!({"parameters": {"status": status}});
        let (streamed, pages) = assert_same(
            &label,
            both(&sim, &client, action, &input, &no_faults(&sim)),
        );
        let head = pages_of(streamed.unwrap());
        assert!(
            shapes(&pages).iter().all(|shape| *shape == "values"),
            "{label}: filtered pages are values"
        );
        assert_eq!(
            head.requests, unfiltered.requests,
            "{label}: paging follows the unfiltered pages"
        );
        assert_eq!(
            pages.len(),
            all_pages.len(),
            "{label}: one sink call a page"
        );
        let records = joined(&pages);
        assert!(!records.is_empty(), "{label}");
        assert!(
            records.iter().all(|record| record["status"] == wanted),
            "{label}"
        );
        let expected: Vec<Value> = joined(&all_pages)
            .into_iter()
            .filter(|record| record["status"] == wanted)
            .collect();
        assert_eq!(records, expected, "{label}: every match, in order");
        for (filtered, full) in pages.iter().zip(&all_pages) {
            assert!(filtered.len() <= full.len(), "{label}");
        }
    }

    // Filtered under cursor paging too.
    let input = json!({"parameters": {"status": "passed", "cursor": "true"}});
    let (streamed, pages) = assert_same(
        "cursor + status",
        both(
            &sim,
            &client,
            "get_all_training_enrollments",
            &input,
            &no_faults(&sim),
        ),
    );
    assert_eq!(pages_of(streamed.unwrap()).requests, 3);
    assert!(shapes(&pages).iter().all(|shape| *shape == "values"));
    assert!(joined(&pages)
        .iter()
        .all(|record| record["status"] == "Passed"));
}

#[test]
fn each_status_in_turn_pulls_every_page_and_together_they_are_the_list() {
    let sim = simulator_with(SimulatorConfig {
        campaigns: 1100,
        ..SimulatorConfig::default()
    });
    let client = client(&sim);
    let mut union = Vec::new();
    for status in [
        "Created",
        "Scheduled",
        "Active",
        "Closed",
        "Archived",
        "Canceled",
    ] {
        let input = json!({"parameters": {"status": status}});
        let (streamed, pages) = assert_same(
            status,
            both(
                &sim,
                &client,
                "get_all_training_campaigns",
                &input,
                &no_faults(&sim),
            ),
        );
        assert_eq!(pages_of(streamed.unwrap()).requests, 3, "{status}");
        union.extend(joined(&pages));
    }
    assert_eq!(union.len(), 1100, "each campaign in exactly one status");
}

// ---------------------------------------------------------------------------
// 6. Bodies the text path must refuse (or may take unchanged)

/// Policies 500.. with a non-ASCII note, as JSON bytes (UTF-8).
fn second_page_with_note(sim: &Simulator, note: &str) -> Vec<u8> {
    let records: Vec<Value> = sim.dataset().policies()[500..]
        .iter()
        .map(|record| {
            let mut record = record.clone();
            record["note"] = Value::String(note.to_owned());
            record
        })
        .collect();
    serde_json::to_vec(&records).unwrap()
}

fn custom(content_type: Option<&str>, body: Vec<u8>) -> Fault {
    Fault::Custom {
        status: 200,
        content_type: content_type.map(str::to_owned),
        body,
    }
}

/// JSON text with every non-ASCII character written as `\uXXXX` escapes:
/// the same JSON, in bytes any charset reads alike.
fn ascii_escaped(json: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(json).unwrap();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    assert!(out.is_ascii());
    out.into_bytes()
}

/// What page 2 should be once decoded, or that the action fails.
enum Expect {
    /// Handed on as the server's text.
    Text,
    /// Handed on parsed; the records' notes are this.
    Values(&'static str),
    /// A decode error, as run_action's.
    Decode,
}

#[test]
fn the_text_path_never_changes_what_the_user_gets() {
    let sim = simulator_with(SimulatorConfig {
        policies: 700,
        ..SimulatorConfig::default()
    });
    let client = client(&sim);
    let utf8 = |note: &str| second_page_with_note(&sim, note);
    let with_bom = |mut body: Vec<u8>| {
        body.splice(0..0, *b"\xEF\xBB\xBF");
        body
    };
    // `café` as Latin-1 / Windows-1252 bytes inside UTF-8 JSON text.
    let raw_byte = |byte: u8| {
        let body = utf8("caf?");
        let mut out = Vec::with_capacity(body.len());
        let mut rest = &body[..];
        while let Some(at) = rest.windows(4).position(|w| w == b"caf?") {
            out.extend_from_slice(&rest[..at + 3]);
            out.push(byte);
            rest = &rest[at + 4..];
        }
        out.extend_from_slice(rest);
        out
    };
    let cases: Vec<(&str, Option<&str>, Vec<u8>, Expect)> = vec![
        (
            "text/plain, non-ASCII: Latin-1 applies",
            Some("text/plain"),
            utf8("caf\u{e9} \u{20ac}"),
            Expect::Values("caf\u{c3}\u{a9} \u{e2}\u{82}\u{ac}"),
        ),
        (
            "text/html without charset, non-ASCII",
            Some("text/html"),
            utf8("\u{fc}ber"),
            Expect::Values("\u{c3}\u{bc}ber"),
        ),
        (
            "text/plain; charset=windows-1252",
            Some("text/plain; charset=windows-1252"),
            raw_byte(0x80),
            Expect::Values("caf\u{20ac}"),
        ),
        (
            "application/json; charset=iso-8859-1",
            Some("application/json; charset=iso-8859-1"),
            raw_byte(0xE9),
            Expect::Values("caf\u{e9}"),
        ),
        (
            "application/json; charset=us-ascii, non-ASCII",
            Some("application/json; charset=us-ascii"),
            utf8("caf\u{e9}"),
            Expect::Values("caf\u{fffd}\u{fffd}"),
        ),
        (
            "no Content-Type, invalid UTF-8",
            None,
            raw_byte(0xFF),
            Expect::Values("caf\u{fffd}"),
        ),
        (
            "application/json, invalid UTF-8",
            Some("application/json"),
            raw_byte(0xFF),
            Expect::Values("caf\u{fffd}"),
        ),
        (
            "declared UTF-8 with a BOM: requests keeps it and json refuses",
            Some("application/json; charset=utf-8"),
            with_bom(utf8("caf\u{e9}")),
            Expect::Decode,
        ),
        (
            "application/json with a BOM",
            Some("application/json"),
            with_bom(utf8("plain")),
            Expect::Decode,
        ),
        (
            "text/plain with a BOM",
            Some("text/plain"),
            with_bom(utf8("plain")),
            Expect::Decode,
        ),
        (
            "no Content-Type with a BOM: guessed away",
            None,
            with_bom(utf8("caf\u{e9}")),
            Expect::Text,
        ),
        (
            "text/plain, ASCII only (escapes)",
            Some("text/plain"),
            ascii_escaped(&utf8("caf\u{e9}")),
            Expect::Text,
        ),
        (
            "text/html; charset=utf-8, non-ASCII",
            Some("text/html; charset=utf-8"),
            utf8("caf\u{e9}"),
            Expect::Text,
        ),
        (
            "unknown charset reads as UTF-8",
            Some("application/json; charset=klingon"),
            utf8("caf\u{e9}"),
            Expect::Text,
        ),
        (
            "an empty Content-Type",
            Some(""),
            utf8("caf\u{e9}"),
            Expect::Text,
        ),
        (
            "text/plain, non-ASCII, not JSON",
            Some("text/plain"),
            "caf\u{e9} is closed".as_bytes().to_vec(),
            Expect::Decode,
        ),
        (
            "a JSON object, not an array",
            Some("application/json"),
            br#"{"data": [1, 2]}"#.to_vec(),
            Expect::Decode,
        ),
    ];
    for (label, content_type, body, expect) in cases {
        let fault = custom(content_type, body);
        let arm = || sim.set_faults(vec![rule(POLICIES, 1, Some(1), fault.clone())]);
        let (streamed, pages) = assert_same(
            label,
            both(&sim, &client, "get_all_policies", &json!({}), &arm),
        );
        match expect {
            Expect::Decode => {
                let err = streamed.unwrap_err();
                assert_eq!(err.kind(), ErrorKind::Decode, "{label}");
                assert!(err.message().contains("page 2"), "{label}: {err}");
                assert_eq!(shapes(&pages), ["json"], "{label}: page 1 only");
            }
            Expect::Text => {
                let head = pages_of(streamed.unwrap());
                assert_eq!(head.requests, 2, "{label}");
                assert_eq!(shapes(&pages), ["json", "json"], "{label}");
                let PageRecords::Json { text, .. } = &pages[1] else {
                    unreachable!()
                };
                assert!(
                    text.first() == Some(&b'['),
                    "{label}: the array's text, no BOM"
                );
                let records = joined(&pages);
                assert_eq!(records.len(), 700, "{label}");
                assert_eq!(records[600]["note"], "caf\u{e9}", "{label}");
            }
            Expect::Values(note) => {
                pages_of(streamed.unwrap());
                assert_eq!(shapes(&pages), ["json", "values"], "{label}");
                let records = joined(&pages);
                assert_eq!(records.len(), 700, "{label}");
                assert!(
                    records[500..].iter().all(|record| record["note"] == note),
                    "{label}: decoded as requests would: {}",
                    records[500]["note"]
                );
            }
        }
    }
}

#[test]
fn a_cursor_page_with_an_odd_encoding_takes_the_parsed_path() {
    let sim = enrollments_sim(300, 2);
    let client = client(&sim);
    let records = &sim.dataset().enrollments()[..5];
    let page = json!({"data": records, "_metadata": {"next_cursor": null}, "note": "caf\u{e9}"});
    let utf8 = serde_json::to_vec(&page).unwrap();
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(&utf8);
    for (label, content_type, body, shape) in [
        (
            "text/plain",
            Some("text/plain"),
            utf8.clone(),
            Some("values"),
        ),
        ("json", Some("application/json"), utf8.clone(), Some("json")),
        ("undeclared BOM", None, bom.clone(), Some("json")),
        ("declared BOM", Some("application/json"), bom, None),
    ] {
        let fault = custom(content_type, body);
        let arm = || sim.set_faults(vec![rule(ENROLLMENTS, 0, Some(1), fault.clone())]);
        let input = json!({"parameters": {"cursor": true}});
        let (streamed, pages) = assert_same(
            label,
            both(&sim, &client, "get_all_training_enrollments", &input, &arm),
        );
        match shape {
            Some(shape) => {
                pages_of(streamed.unwrap());
                assert_eq!(shapes(&pages), [shape], "{label}");
                if shape == "json" {
                    assert_eq!(joined(&pages).as_slice(), records, "{label}");
                } else {
                    // The dataset's names have accents: read as Latin-1.
                    assert_ne!(joined(&pages).as_slice(), records, "{label}");
                    assert_eq!(joined(&pages).len(), records.len(), "{label}");
                }
            }
            None => assert_eq!(streamed.unwrap_err().kind(), ErrorKind::Decode),
        }
    }
}

/// Text that a syntax check accepts but `serde_json::Value` refuses: a lone
/// surrogate escape, a number out of `f64`'s range. `run_action` cannot
/// parse such a page (a decode error naming the page); the streamed run
/// must give the same error, not hand the text on.
#[test]
fn json_the_value_parser_refuses_is_refused_streamed_too() {
    let sim = simulator_with(SimulatorConfig {
        policies: 700,
        ..SimulatorConfig::default()
    });
    let client = client(&sim);
    let mut differences = Vec::new();
    for (label, body) in [
        ("a lone surrogate", br#"[{"name": "\ud800"}]"#.to_vec()),
        ("a number out of range", br#"[{"size": 1e400}]"#.to_vec()),
    ] {
        let fault = custom(Some("application/json"), body);
        let arm = || sim.set_faults(vec![rule(POLICIES, 1, Some(1), fault.clone())]);
        let both = both(&sim, &client, "get_all_policies", &json!({}), &arm);
        let run_error = both.run.as_ref().map(|_| ()).unwrap_err().clone();
        assert_eq!(run_error.kind(), ErrorKind::Decode, "{label}: {run_error}");
        assert_eq!(both.run_requests, both.streamed_requests, "{label}");
        match &both.streamed {
            Err(err) if *err == run_error => assert_eq!(counts(&both.pages), [500], "{label}"),
            other => differences.push(format!(
                "{label}: run_action gave the error {run_error:?}; the streamed run gave \
                 {other:?} with pages of {:?} records, shapes {:?}, page 2 parsing as {:?}",
                counts(&both.pages),
                shapes(&both.pages),
                both.pages
                    .get(1)
                    .cloned()
                    .map(PageRecords::into_values)
                    .map(|parsed| parsed.map_err(|err| err.to_string())),
            )),
        }
    }
    assert!(
        differences.is_empty(),
        "the streamed run differs from run_action:\n{}",
        differences.join("\n")
    );
}

// ---------------------------------------------------------------------------
// 7. Cursor paging

#[test]
fn cursor_paging_streams_what_run_action_returns() {
    let sim = enrollments_sim(700, 2);
    let client = client(&sim);
    let input = json!({"parameters": {"cursor": true}});
    let (streamed, pages) = assert_same(
        "cursor",
        both(
            &sim,
            &client,
            "get_all_training_enrollments",
            &input,
            &no_faults(&sim),
        ),
    );
    let head = pages_of(streamed.unwrap());
    assert_eq!(head.requests, 3);
    assert_eq!(shapes(&pages), ["json", "json", "json"]);
    assert_eq!(counts(&pages), [500, 500, 400]);
    assert_eq!(joined(&pages).as_slice(), sim.dataset().enrollments());
    let queries = common::queries(&sim);
    assert_eq!(queries[0], "cursor=true&per_page=500");
    assert!(queries[1].starts_with("cursor=") && queries[2].starts_with("cursor="));
    // The `data` array's text alone, not the envelope object around it.
    for page in &pages {
        let PageRecords::Json { text, .. } = page else {
            unreachable!()
        };
        assert_eq!(text.first(), Some(&b'['));
        assert_eq!(text.last(), Some(&b']'));
    }

    // Resuming from a cursor the server gave.
    let next = queries[1].trim_start_matches("cursor=").split('&').next();
    let resume = json!({"parameters": {"cursor": next.unwrap()}});
    let (streamed, pages) = assert_same(
        "resumed cursor",
        both(
            &sim,
            &client,
            "get_all_training_enrollments",
            &resume,
            &no_faults(&sim),
        ),
    );
    pages_of(streamed.unwrap());
    assert_eq!(
        joined(&pages).as_slice(),
        &sim.dataset().enrollments()[500..]
    );

    // A server that answers the cursor with a plain full page: page numbers
    // from page 2 on.
    let plain = serde_json::to_vec(&sim.dataset().enrollments()[..500]).unwrap();
    let fault = custom(Some("application/json"), plain);
    let arm = || sim.set_faults(vec![rule(ENROLLMENTS, 0, Some(1), fault.clone())]);
    let (streamed, pages) = assert_same(
        "cursor answered by a plain page",
        both(&sim, &client, "get_all_training_enrollments", &input, &arm),
    );
    assert_eq!(pages_of(streamed.unwrap()).requests, 3);
    assert_eq!(counts(&pages), [500, 500, 400]);
    assert_eq!(joined(&pages).as_slice(), sim.dataset().enrollments());
    assert_eq!(
        common::queries(&sim)[1..],
        ["page=2&per_page=500", "page=3&per_page=500"]
    );

    // A cursor that comes back again is an error either way.
    let looping = format!(
        r#"{{"data": {}, "_metadata": {{"next_cursor": "{}"}}}}"#,
        serde_json::to_string(&sim.dataset().enrollments()[..3]).unwrap(),
        next.unwrap()
    );
    let fault = custom(Some("application/json"), looping.into_bytes());
    let arm = || sim.set_faults(vec![rule(ENROLLMENTS, 0, None, fault.clone())]);
    let (streamed, _) = assert_same(
        "a cursor loop",
        both(&sim, &client, "get_all_training_enrollments", &input, &arm),
    );
    assert_eq!(streamed.unwrap_err().kind(), ErrorKind::Decode);
}

// ---------------------------------------------------------------------------
// 8. A sink that fails

#[test]
fn a_sink_error_ends_the_action_with_that_error_and_nothing_more_is_requested() {
    let sim = enrollments_sim(500, 4);
    let client = client(&sim);
    let refusal = Error::new(ErrorKind::Internal, "the host's queue was closed");
    for input in [
        json!({}),
        json!({"parameters": {"cursor": true}}),
        json!({"parameters": {"status": "completed"}}),
    ] {
        sim.clear_requests();
        let mut sink = Collect::failing_on(2, refusal.clone());
        let err = stream_into(&client, "get_all_training_enrollments", &input, &mut sink)
            .expect_err("the sink's error ends the action");
        assert_eq!(err.kind(), ErrorKind::Internal, "{input}: kind preserved");
        assert_eq!(err.message(), refusal.message(), "{input}");
        assert_eq!(
            err.action(),
            Some("get_all_training_enrollments"),
            "{input}"
        );
        assert_eq!(sink.pages.len(), 2, "{input}");
        assert_eq!(
            sim.requests().len(),
            2,
            "{input}: no page after the refused one (of 4 full pages)"
        );
    }

    // Another kind, on page 1.
    sim.clear_requests();
    let timeout = Error::new(ErrorKind::Deadline, "the host gave up");
    let mut sink = Collect::failing_on(1, timeout.clone());
    let err = stream_into(&client, "get_all_policies", &json!({}), &mut sink).unwrap_err();
    assert_eq!(
        (err.kind(), err.message()),
        (ErrorKind::Deadline, "the host gave up")
    );
    assert_eq!(sim.requests().len(), 1);
}

// ---------------------------------------------------------------------------
// 9. Broken pages

#[test]
fn broken_pages_are_the_same_error_as_run_action() {
    let sim = simulator_with(SimulatorConfig {
        policies: 1300,
        ..SimulatorConfig::default()
    });
    let policies_client = client(&sim);
    for fault in [Fault::TruncatedJson, Fault::InvalidJson] {
        for after in [0, 1] {
            let label = format!("{fault:?} on page {}", after + 1);
            let arm = || sim.set_faults(vec![rule(POLICIES, after, Some(1), fault.clone())]);
            let (streamed, pages) = assert_same(
                &label,
                both(&sim, &policies_client, "get_all_policies", &json!({}), &arm),
            );
            let err = streamed.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Decode, "{label}");
            assert!(
                err.message().contains(&format!("page {}", after + 1)),
                "{label}: {err}"
            );
            assert_eq!(pages.len() as u64, after, "{label}");
            assert_eq!(sim.requests().len() as u64, after + 1, "{label}");
        }
    }

    // A truncated cursor page.
    let sim = enrollments_sim(700, 2);
    let cursor_client = client(&sim);
    let arm = || sim.set_faults(vec![rule(ENROLLMENTS, 1, Some(1), Fault::TruncatedJson)]);
    let input = json!({"parameters": {"cursor": true}});
    let (streamed, pages) = assert_same(
        "truncated cursor page",
        both(
            &sim,
            &cursor_client,
            "get_all_training_enrollments",
            &input,
            &arm,
        ),
    );
    assert_eq!(streamed.unwrap_err().kind(), ErrorKind::Decode);
    assert_eq!(counts(&pages), [500]);
}

#[test]
fn a_server_that_repeats_a_page_is_the_same_error() {
    let sim = simulator_with(SimulatorConfig {
        policies: 1300,
        ..SimulatorConfig::default()
    });
    let client = client(&sim);
    let arm = || sim.set_faults(vec![FaultRule::always(Fault::RepeatPage)]);
    let (streamed, pages) = assert_same(
        "repeat page",
        both(&sim, &client, "get_all_policies", &json!({}), &arm),
    );
    let err = streamed.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(
        counts(&pages),
        [500],
        "the repeat is caught before the sink"
    );
    assert_eq!(sim.requests().len(), 2);
}

#[test]
fn a_mislabelled_page_is_still_text_when_the_bytes_read_the_same() {
    let sim = simulator_with(SimulatorConfig {
        policies: 1300,
        ..SimulatorConfig::default()
    });
    let client = client(&sim);
    let arm = || sim.set_faults(vec![FaultRule::always(Fault::WrongContentType)]);
    let (streamed, pages) = assert_same(
        "text/html; charset=utf-8",
        both(&sim, &client, "get_all_policies", &json!({}), &arm),
    );
    let head = pages_of(streamed.unwrap());
    assert_eq!(
        head.response_headers
            .get("Content-Type")
            .map(String::as_str),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(shapes(&pages), ["json", "json", "json"]);
    assert_eq!(joined(&pages).as_slice(), sim.dataset().policies());
}
