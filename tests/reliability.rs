//! The fault matrix: each fault the simulator can inject, and what the
//! connector does about it. Plus the rate limiter against a simulator that
//! enforces KnowBe4's real limits (time-scaled so a minute lasts a second).

mod common;

use std::time::{Duration, Instant};

use common::{fast_retries, records, run, simulator_with};
use knowbe4_connector::{Client, ClientConfig, ErrorKind, RateLimits, RetryPolicy};
use knowbe4_simulator::{Fault, FaultRule, Simulator, SimulatorConfig};
use serde_json::json;

fn rule(path: &str, after: u64, times: Option<u64>, fault: Fault) -> FaultRule {
    FaultRule {
        path: Some(path.into()),
        after,
        times,
        fault,
    }
}

fn client_with(
    sim: &Simulator,
    build: impl FnOnce(knowbe4_connector::ClientConfigBuilder) -> knowbe4_connector::ClientConfigBuilder,
) -> Client {
    let builder = ClientConfig::builder()
        .url(sim.url())
        .token(sim.token())
        .retry(fast_retries());
    Client::new(build(builder).build().unwrap()).unwrap()
}

fn policies_sim() -> Simulator {
    simulator_with(SimulatorConfig {
        policies: 1300,
        ..SimulatorConfig::default()
    })
}

const POLICIES: &str = "/v1/training/policies";

#[test]
fn transient_faults_are_retried_and_every_record_arrives_once() {
    let transient = [
        Fault::Status {
            status: 429,
            retry_after: None,
        },
        Fault::Status {
            status: 500,
            retry_after: None,
        },
        Fault::Status {
            status: 502,
            retry_after: None,
        },
        Fault::Status {
            status: 503,
            retry_after: None,
        },
        Fault::Status {
            status: 504,
            retry_after: None,
        },
        Fault::Html503,
        Fault::Reset,
        Fault::Stall {
            after_bytes: 10,
            ms: 2_000,
        },
    ];
    let sim = policies_sim();
    let client = client_with(&sim, |b| b.request_timeout(Duration::from_millis(500)));
    for fault in transient {
        sim.clear_requests();
        sim.set_faults(vec![rule(POLICIES, 1, Some(2), fault.clone())]);
        let envelope = run(&client, "get_all_policies", json!({}))
            .unwrap_or_else(|err| panic!("{fault:?}: {err}"));
        assert_eq!(envelope.status_code, 200, "{fault:?}");
        assert_eq!(
            records(&envelope),
            sim.dataset().policies(),
            "{fault:?}: every record once, in order"
        );
        assert_eq!(envelope.requests, 5, "{fault:?}: 3 pages + 2 retries");
    }
}

#[test]
fn persistent_faults_end_as_the_last_answer_with_its_attempts() {
    let sim = policies_sim();
    let client = client_with(&sim, |b| b.request_timeout(Duration::from_millis(400)));
    for (fault, status) in [
        (
            Fault::Status {
                status: 429,
                retry_after: None,
            },
            429,
        ),
        (
            Fault::Status {
                status: 500,
                retry_after: None,
            },
            500,
        ),
        (Fault::Html503, 503),
    ] {
        sim.set_faults(vec![FaultRule::always(fault.clone())]);
        let envelope = run(&client, "get_all_policies", json!({})).unwrap();
        assert_eq!(
            (envelope.status_code, envelope.attempts),
            (status, 4),
            "{fault:?}"
        );
    }
    for (fault, kind) in [
        (Fault::Reset, ErrorKind::Transport),
        (
            Fault::Stall {
                after_bytes: 5,
                ms: 5_000,
            },
            ErrorKind::Timeout,
        ),
    ] {
        sim.set_faults(vec![FaultRule::always(fault.clone())]);
        let err = run(&client, "get_all_policies", json!({})).unwrap_err();
        assert_eq!(
            (err.kind(), err.attempts()),
            (kind, Some(4)),
            "{fault:?}: {err}"
        );
        assert!(err.to_string().contains("after 4 attempts"), "{err}");
    }
}

#[test]
fn what_is_not_retried() {
    let sim = policies_sim();
    let client = client_with(&sim, |b| b);
    for status in [400_u16, 401, 403, 404] {
        sim.clear_requests();
        sim.set_faults(vec![FaultRule::always(Fault::Status {
            status,
            retry_after: None,
        })]);
        let envelope = run(&client, "get_all_policies", json!({})).unwrap();
        assert_eq!((envelope.status_code, envelope.attempts), (status, 1));
        assert_eq!(sim.requests().len(), 1, "{status} is not retried");
    }
}

#[test]
fn retry_after_is_honoured_and_an_unreasonable_one_is_not_waited() {
    let sim = policies_sim();
    let client = client_with(&sim, |b| {
        b.retry(RetryPolicy {
            max_delay: Duration::from_secs(5),
            ..RetryPolicy::default()
        })
    });
    sim.set_faults(vec![rule(
        POLICIES,
        0,
        Some(1),
        Fault::Status {
            status: 429,
            retry_after: Some("1".into()),
        },
    )]);
    let started = Instant::now();
    let envelope =
        run(&client, "get_account_risk_score_history", json!({})).unwrap_or_else(|e| panic!("{e}"));
    let _ = envelope;
    let envelope = run(&client, "get_all_policies", json!({})).unwrap();
    assert_eq!((envelope.status_code, envelope.requests), (200, 4));
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited as Retry-After asked"
    );

    sim.set_faults(vec![FaultRule::always(Fault::Status {
        status: 503,
        retry_after: Some("3600".into()),
    })]);
    let started = Instant::now();
    let envelope = run(&client, "get_all_policies", json!({})).unwrap();
    assert_eq!(
        (envelope.status_code, envelope.attempts),
        (503, 1),
        "an hour's Retry-After is handed back, not slept"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(envelope.response_headers["Retry-After"], "3600");
}

#[test]
fn decode_faults_mid_pull_are_errors_naming_the_page() {
    let sim = policies_sim();
    let client = client_with(&sim, |b| b);
    for fault in [Fault::TruncatedJson, Fault::InvalidJson] {
        sim.set_faults(vec![rule(POLICIES, 1, Some(1), fault.clone())]);
        let err = run(&client, "get_all_policies", json!({})).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{fault:?}");
        assert!(err.to_string().contains("page 2"), "{err}");
    }
    sim.set_faults(vec![FaultRule::always(Fault::WrongContentType)]);
    let envelope = run(&client, "get_all_policies", json!({})).unwrap();
    assert_eq!(
        records(&envelope).len(),
        1300,
        "JSON is JSON whatever the Content-Type, as requests reads it"
    );
}

#[test]
fn a_list_that_never_ends_is_stopped() {
    let sim = policies_sim();
    let client = client_with(&sim, |b| b);
    sim.set_faults(vec![FaultRule::always(Fault::RepeatPage)]);
    let err = run(&client, "get_all_policies", json!({})).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("same as page 1"), "{err}");
    assert_eq!(
        sim.requests().len(),
        2,
        "caught at the first repeat, no duplicates returned"
    );

    // A server that varies its pages but never ends is stopped by max_pages.
    let capped = client_with(&sim, |b| b.max_pages(2));
    sim.set_faults(vec![]);
    let err = run(&capped, "get_all_policies", json!({})).unwrap_err();
    assert!(err.to_string().contains("stopped after 2 pages"), "{err}");
}

#[test]
fn oversized_bodies_are_refused() {
    let sim = policies_sim();
    let client = client_with(&sim, |b| b.max_response_bytes(100_000));
    sim.set_faults(vec![FaultRule::always(Fault::Oversized { bytes: 400_000 })]);
    let err = run(&client, "get_all_policies", json!({})).unwrap_err();
    assert_eq!(
        (err.kind(), err.attempts()),
        (ErrorKind::ResponseTooLarge, Some(1))
    );
    assert!(err.to_string().contains("max_response_bytes"), "{err}");
}

#[test]
fn redirects_to_another_host_never_carry_the_token() {
    let sim = policies_sim();
    let other = simulator_with(SimulatorConfig::default());
    let client = client_with(&sim, |b| b);
    sim.set_faults(vec![FaultRule::always(Fault::Redirect {
        location: other.url(),
        status: 302,
    })]);
    let envelope = run(&client, "get_all_policies", json!({})).unwrap();
    assert_eq!(envelope.status_code, 401, "the other host saw no token");
    let seen = other.requests();
    assert_eq!(seen.len(), 1);
    assert!(!seen[0].authorized);
    assert!(
        seen[0]
            .headers
            .iter()
            .all(|(name, _)| !name.eq_ignore_ascii_case("authorization")),
        "{:?}",
        seen[0].headers
    );

    sim.set_faults(vec![rule(
        POLICIES,
        0,
        Some(1),
        Fault::Redirect {
            location: sim.url(),
            status: 302,
        },
    )]);
    let same_host = run(&client, "get_all_policies", json!({})).unwrap();
    assert_eq!(
        same_host.status_code, 200,
        "a same-host redirect keeps working"
    );
}

#[test]
fn timeouts_in_layers_each_have_their_own_error() {
    let sim = policies_sim();
    sim.set_faults(vec![FaultRule::always(Fault::Slow { delay_ms: 400 })]);
    let per_request = client_with(&sim, |b| {
        b.request_timeout(Duration::from_millis(100))
            .retry(RetryPolicy::none())
    });
    let err = run(&per_request, "get_all_policies", json!({})).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");

    sim.set_faults(vec![FaultRule::always(Fault::Slow { delay_ms: 150 })]);
    let deadline = client_with(&sim, |b| b.action_timeout(Duration::from_millis(400)));
    let started = Instant::now();
    let err = run(&deadline, "get_all_policies", json!({})).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Deadline, "{err}");
    assert!(err.to_string().contains("action_timeout"), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the deadline stops the pull"
    );

    // A listener whose accept queue is full never completes a handshake.
    let err = connect_timeout_error();
    assert_eq!(err.kind(), ErrorKind::ConnectTimeout, "{err}");
}

fn connect_timeout_error() -> knowbe4_connector::Error {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    socket
        .bind(
            &"127.0.0.1:0"
                .parse::<std::net::SocketAddr>()
                .unwrap()
                .into(),
        )
        .unwrap();
    socket.listen(0).unwrap();
    let addr = socket.local_addr().unwrap().as_socket().unwrap();
    // Fill the queue so the kernel drops further SYNs.
    let _held: Vec<_> = (0..8)
        .filter_map(|_| {
            let s = Socket::new(Domain::IPV4, Type::STREAM, None).ok()?;
            s.set_nonblocking(true).ok()?;
            let _ = s.connect(&addr.into());
            Some(s)
        })
        .collect();
    std::thread::sleep(Duration::from_millis(50));
    let client = Client::new(
        ClientConfig::builder()
            .url(format!("http://{addr}"))
            .token("t")
            .connect_timeout(Duration::from_millis(300))
            .retry(RetryPolicy::none())
            .build()
            .unwrap(),
    )
    .unwrap();
    run(&client, "get_all_policies", json!({})).unwrap_err()
}

#[test]
fn the_daily_budget_fails_fast_without_sending() {
    let sim = policies_sim();
    let limits = RateLimits {
        per_day: Some(3),
        ..RateLimits::knowbe4(0).scaled(1_000.0)
    };
    let limits = RateLimits {
        day: Duration::from_secs(3600),
        ..limits
    };
    let client = client_with(&sim, |b| b.rate_limits(Some(limits)));
    for _ in 0..3 {
        assert_eq!(
            run(&client, "get_account_risk_score_history", json!({}))
                .unwrap()
                .status_code,
            200
        );
    }
    let err = run(&client, "get_account_risk_score_history", json!({})).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimit, "{err}");
    assert!(err.to_string().contains("daily request budget"), "{err}");
    assert_eq!(sim.requests().len(), 3, "the fourth request was never sent");
}

#[test]
fn the_limiter_keeps_a_burst_under_the_servers_real_limits() {
    // Scale 10: a "second" of 100 ms is still longer than scheduling jitter
    // on a loaded two-core machine; 60 requests take about six seconds.
    let scale = 10.0;
    let sim = simulator_with(SimulatorConfig {
        users: 2_000,
        rate_limits: Some(knowbe4_simulator::RateLimits::scaled(scale)),
        ..SimulatorConfig::default()
    });
    let limits = RateLimits::knowbe4(0).scaled(scale);
    let client = client_with(&sim, |b| b.rate_limits(Some(limits.clone())));
    // 60 single calls from 6 tasks at once: more than a minute's 50.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let started = Instant::now();
    rt.block_on(async {
        let mut tasks = Vec::new();
        for _ in 0..6 {
            let client = client.clone();
            tasks.push(tokio::spawn(async move {
                for _ in 0..10 {
                    let envelope = client.get_account_risk_score_history(None).await.unwrap();
                    assert_eq!(envelope.status_code, 200);
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
    });
    let took = started.elapsed();
    assert_eq!(
        sim.stats().rate_limited,
        0,
        "no 429 from the server's limiter"
    );
    assert!(
        took >= limits.minimum_duration(60).mul_f64(0.95),
        "the limits were kept"
    );
    eprintln!(
        "burst of 60 from 6 tasks: {took:.2?} against a bound of {:.2?}",
        limits.minimum_duration(60)
    );
}

#[test]
fn a_hundred_thousand_enrollments_under_real_limits_and_faults_arrive_exactly_once() {
    let scale = 60.0;
    let sim = simulator_with(SimulatorConfig {
        users: 20_000,
        enrollments_per_user: 5,
        rate_limits: Some(knowbe4_simulator::RateLimits::scaled(scale)),
        ..SimulatorConfig::default()
    });
    sim.set_faults(vec![
        rule(
            "/v1/training/enrollments",
            20,
            Some(2),
            Fault::Status {
                status: 503,
                retry_after: None,
            },
        ),
        rule("/v1/training/enrollments", 60, Some(1), Fault::Reset),
        rule(
            "/v1/training/enrollments",
            120,
            Some(1),
            Fault::Status {
                status: 500,
                retry_after: None,
            },
        ),
    ]);
    let limits = RateLimits::knowbe4(0).scaled(scale);
    let client = client_with(&sim, |b| b.rate_limits(Some(limits.clone())));
    let started = Instant::now();
    let envelope = run(&client, "get_all_training_enrollments", json!({})).unwrap();
    let took = started.elapsed();
    let got = records(&envelope);
    assert_eq!(got.len(), 100_000);
    let mut ids: Vec<u64> = got
        .iter()
        .map(|r| r["enrollment_id"].as_u64().unwrap())
        .collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "in order, no duplicates"
    );
    ids.dedup();
    assert_eq!(ids.len(), 100_000);
    assert_eq!(
        got,
        sim.dataset().enrollments(),
        "every record exactly once"
    );
    let stats = sim.stats();
    assert_eq!(
        stats.rate_limited, 0,
        "zero 429s from the limiter's own traffic"
    );
    assert_eq!(envelope.requests, 205, "201 pages + 4 retries");
    let bound = limits.minimum_duration(u64::from(envelope.requests));
    eprintln!(
        "100k pull: {} requests, {} faults injected, 0 rate-limited, {took:.2?} against a bound of {bound:.2?} ({:.2}x)",
        envelope.requests,
        stats.faults_injected,
        took.as_secs_f64() / bound.as_secs_f64()
    );
}

#[test]
fn the_deadline_is_not_overshot_by_waiting_for_a_rate_limit_slot() {
    let sim = policies_sim();
    // One request per (long) minute: the second call's slot opens in 5 s.
    let limits = RateLimits {
        per_minute: 1,
        minute: Duration::from_secs(5),
        ..RateLimits::knowbe4(0)
    };
    let client = client_with(&sim, |b| {
        b.rate_limits(Some(limits))
            .action_timeout(Duration::from_millis(500))
    });
    assert_eq!(
        run(&client, "get_account_risk_score_history", json!({}))
            .unwrap()
            .status_code,
        200
    );
    let started = Instant::now();
    let err = run(&client, "get_account_risk_score_history", json!({})).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Deadline, "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "failed at once, not after the 5 s wait"
    );
    assert_eq!(sim.requests().len(), 1);
}

#[test]
fn a_cursor_that_cycles_is_stopped() {
    // The simulator's repeat-page fault ignores the cursor and serves the
    // first chunk again, whose next_cursor was already followed.
    let sim = simulator_with(SimulatorConfig {
        users: 400,
        ..SimulatorConfig::default()
    });
    sim.set_faults(vec![rule(
        "/v1/training/enrollments",
        1,
        None,
        Fault::RepeatPage,
    )]);
    let client = client_with(&sim, |b| b);
    let err = run(
        &client,
        "get_all_training_enrollments",
        json!({"parameters": {"cursor": true}}),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(err.to_string().contains("again"), "{err}");
    assert!(sim.requests().len() <= 3);
}
