//! Rate limits (exact rolling windows, time-scaled), statistics and their control endpoints.
//!
//! Assertions are on counts; the only timing assumption is that a burst of under a hundred
//! loopback requests finishes well inside a window of several seconds.

mod common;

use std::thread::sleep;
use std::time::{Duration, Instant};

use common::{Conn, Resp, Sim};
use knowbe4_simulator::{FaultRule, RateLimits, SimulatorConfig, Stats};

const ACCOUNT: &str = "/v1/account";

fn limited(limits: RateLimits) -> Sim {
    Sim::with(SimulatorConfig {
        rate_limits: Some(limits),
        ..SimulatorConfig::default()
    })
}

/// Fire `n` requests back to back on one connection; (accepted, rejected) after checking
/// every rejection is KnowBe4's bare 429.
fn burst(c: &mut Conn, n: usize, expect_retry_after: bool) -> (usize, usize, Vec<Resp>) {
    let mut rejected = Vec::new();
    let mut ok = 0;
    for _ in 0..n {
        let r = c.get(ACCOUNT);
        match r.status {
            200 => ok += 1,
            429 => {
                assert_eq!(r.reason, "Too Many Requests");
                assert_eq!(
                    r.json(),
                    serde_json::json!({"message": "Rate limit exceeded"})
                );
                assert_eq!(
                    r.header("Retry-After").is_some(),
                    expect_retry_after,
                    "{:?}",
                    r.headers
                );
                rejected.push(r);
            }
            s => panic!("unexpected status {s}: {}", r.text()),
        }
    }
    (ok, rejected.len(), rejected)
}

#[test]
fn knowbe4_defaults() {
    let l = RateLimits::knowbe4();
    assert_eq!(
        (
            l.per_second,
            l.per_minute,
            l.per_day,
            l.time_scale,
            l.retry_after
        ),
        (4, 50, None, 1.0, false)
    );
    assert_eq!(RateLimits::scaled(60.0).time_scale, 60.0);
    assert_eq!(RateLimits::scaled(60.0).per_minute, 50);
    assert!(SimulatorConfig::default().rate_limits.is_none());
}

#[test]
fn no_limits_by_default() {
    let s = Sim::start();
    let mut c = s.conn();
    assert_eq!(burst(&mut c, 80, false).0, 80);
    assert_eq!(s.sim.stats().rate_limited, 0);
}

#[test]
fn rolling_minute_accepts_exactly_50_then_recovers() {
    // A "minute" lasts 3 s; the per-second limit is out of the way.
    let window = Duration::from_secs(3);
    let s = limited(RateLimits {
        per_second: 1000,
        ..RateLimits::scaled(20.0)
    });
    let mut c = s.conn();
    let t = Instant::now();
    let (ok, rejected, _) = burst(&mut c, 80, false);
    let took = t.elapsed();
    assert!(
        took < window,
        "burst took {took:?}; the test needs it faster"
    );
    assert_eq!((ok, rejected), (50, 30));
    assert_eq!(
        s.sim.stats(),
        Stats {
            requests: 80,
            rate_limited: 30,
            faults_injected: 0
        }
    );
    // Rejections did not count: once the first acceptances leave the window, a full
    // minute's worth is accepted again.
    sleep(window + Duration::from_millis(300));
    let (ok, rejected, _) = burst(&mut c, 60, false);
    assert_eq!((ok, rejected), (50, 10));
}

#[test]
fn per_second_limit() {
    let s = limited(RateLimits {
        per_minute: 10_000,
        ..RateLimits::knowbe4()
    });
    let mut c = s.conn();
    let (ok, rejected, _) = burst(&mut c, 10, false);
    assert_eq!((ok, rejected), (4, 6));
    sleep(Duration::from_millis(1200));
    let (ok, rejected, _) = burst(&mut c, 10, false);
    assert_eq!((ok, rejected), (4, 6));
}

#[test]
fn scaled_per_second_limit_binds_first_in_a_burst() {
    // KnowBe4's limits at 60x: a "second" is ~17 ms, a "minute" 1 s. However fast or slow the
    // burst, at least the first 4 are accepted and never more than 50 per second of real time.
    let s = limited(RateLimits::scaled(60.0));
    let mut c = s.conn();
    let t = Instant::now();
    let (ok, _, _) = burst(&mut c, 60, false);
    let took = t.elapsed().as_secs_f64();
    assert!(ok >= 4, "{ok}");
    let bound = 50.0 * (took.floor() + 1.0);
    assert!(ok as f64 <= bound, "{ok} accepted in {took}s");
}

#[test]
fn daily_cap() {
    let s = limited(RateLimits {
        per_second: 1000,
        per_minute: 1000,
        per_day: Some(7),
        time_scale: 1.0,
        retry_after: false,
    });
    let mut c = s.conn();
    let (ok, rejected, _) = burst(&mut c, 12, false);
    assert_eq!((ok, rejected), (7, 5));
}

#[test]
fn retry_after_hint_in_real_seconds() {
    let s = limited(RateLimits {
        per_second: 1,
        per_minute: 1000,
        per_day: None,
        time_scale: 1.0,
        retry_after: true,
    });
    let mut c = s.conn();
    let (ok, rejected, resps) = burst(&mut c, 3, true);
    assert_eq!((ok, rejected), (1, 2));
    for r in &resps {
        assert_eq!(r.header("Retry-After"), Some("1"));
    }
    // A daily cap that binds: the hint is the rest of the (scaled) day, in real seconds.
    s.sim.set_rate_limits(Some(RateLimits {
        per_second: 1000,
        per_minute: 1000,
        per_day: Some(2),
        time_scale: 2.0,
        retry_after: true,
    }));
    let (ok, _, resps) = burst(&mut c, 3, true);
    assert_eq!(ok, 2);
    let secs: u64 = resps[0].header("Retry-After").unwrap().parse().unwrap();
    assert!((43_000..=43_200).contains(&secs), "{secs}");
}

#[test]
fn only_authorised_api_requests_count() {
    let s = limited(RateLimits {
        per_second: 2,
        per_minute: 1000,
        ..RateLimits::knowbe4()
    });
    let mut anon = Conn::open(s.sim.addr(), None);
    for _ in 0..5 {
        assert_eq!(anon.get(ACCOUNT).status, 401);
        assert_eq!(anon.get("/_sim/health").status, 200);
    }
    let mut c = s.conn();
    assert_eq!(burst(&mut c, 3, false).0, 2);
    let st = s.sim.stats();
    assert_eq!(st.requests, 8, "{st:?}");
    assert_eq!(st.rate_limited, 1);
}

#[test]
fn limits_apply_before_faults() {
    let s = limited(RateLimits {
        per_second: 3,
        per_minute: 1000,
        ..RateLimits::knowbe4()
    });
    s.sim
        .set_faults(vec![FaultRule::parse_cli("500 x2").unwrap()]);
    let mut c = s.conn();
    let statuses: Vec<u16> = (0..5).map(|_| c.get(ACCOUNT).status).collect();
    // Rejected requests never reach the fault rules, so their budget is not spent.
    assert_eq!(statuses, [500, 500, 200, 429, 429]);
    assert_eq!(
        s.sim.stats(),
        Stats {
            requests: 5,
            rate_limited: 2,
            faults_injected: 2
        }
    );
}

#[test]
fn switching_limits_at_run_time() {
    let s = Sim::start();
    let mut c = s.conn();
    assert_eq!(burst(&mut c, 10, false).0, 10);
    s.sim.set_rate_limits(Some(RateLimits {
        per_minute: 10_000,
        ..RateLimits::knowbe4()
    }));
    assert_eq!(s.sim.rate_limits().unwrap().per_second, 4);
    assert_eq!(burst(&mut c, 10, false).0, 4);
    s.sim.set_rate_limits(None);
    assert_eq!(burst(&mut c, 10, false).0, 10);
    assert_eq!(s.sim.stats().rate_limited, 6);
}

#[test]
fn control_endpoints_for_limits_and_stats() {
    let s = Sim::start();
    let mut ctl = Conn::open(s.sim.addr(), None);
    assert_eq!(ctl.get("/_sim/rate_limits").json(), serde_json::Value::Null);
    assert_eq!(
        ctl.get("/_sim/stats").json(),
        serde_json::json!({"requests": 0, "rate_limited": 0, "faults_injected": 0})
    );
    // Missing fields take KnowBe4's values.
    let r = ctl.request(
        "PUT",
        "/_sim/rate_limits",
        &[("Content-Type", "application/json")],
        br#"{"per_second": 2, "per_minute": 1000, "retry_after": true}"#,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let got: RateLimits = serde_json::from_value(ctl.get("/_sim/rate_limits").json()).unwrap();
    assert_eq!(
        got,
        RateLimits {
            per_second: 2,
            per_minute: 1000,
            retry_after: true,
            ..RateLimits::knowbe4()
        }
    );
    assert_eq!(s.sim.rate_limits(), Some(got));
    let mut c = s.conn();
    assert_eq!(burst(&mut c, 5, true).0, 2);
    s.sim
        .set_faults(vec![FaultRule::parse_cli("wrong-content-type").unwrap()]);
    s.sim.set_rate_limits(None);
    assert_eq!(c.get(ACCOUNT).status, 200);
    let stats: Stats = serde_json::from_value(ctl.get("/_sim/stats").json()).unwrap();
    assert_eq!(
        stats,
        Stats {
            requests: 6,
            rate_limited: 3,
            faults_injected: 1
        }
    );
    assert_eq!(s.sim.stats(), stats);
    // Bad bodies are refused and leave the limits alone.
    for bad in [
        &b"nope"[..],
        br#"{"time_scale": 0}"#,
        br#"{"per_second": -1}"#,
    ] {
        let r = ctl.request("PUT", "/_sim/rate_limits", &[], bad);
        assert_eq!(r.status, 400, "{}", String::from_utf8_lossy(bad));
    }
    assert_eq!(s.sim.rate_limits(), None);
    let r = ctl.request(
        "PUT",
        "/_sim/rate_limits",
        &[],
        br#"{"per_second": 1, "per_minute": 1}"#,
    );
    assert_eq!(r.status, 200);
    assert_eq!(s.sim.rate_limits().unwrap().per_minute, 1);
    assert_eq!(
        ctl.request("PUT", "/_sim/rate_limits", &[], b"null").status,
        200
    );
    assert_eq!(s.sim.rate_limits(), None);
    assert_eq!(ctl.request("DELETE", "/_sim/stats", &[], b"").status, 200);
    assert_eq!(s.sim.stats(), Stats::default());
    s.sim.set_rate_limits(Some(RateLimits::knowbe4()));
    assert_eq!(
        ctl.request("DELETE", "/_sim/rate_limits", &[], b"").status,
        200
    );
    assert_eq!(s.sim.rate_limits(), None);
    assert_eq!(ctl.request("POST", "/_sim/stats", &[], b"").status, 405);
}
