//! Auth, 404s, 405, response headers.

mod common;

use common::{Conn, Sim};

#[test]
fn missing_or_wrong_token_is_401() {
    let s = Sim::start();
    let mut c = Conn::open(s.sim.addr(), None);
    let r = c.get("/v1/training/policies");
    assert_eq!(r.status, 401);
    assert_eq!(r.reason, "Unauthorized");
    assert_eq!(r.json(), serde_json::json!({"message": "Unauthorized"}));
    let mut c = Conn::open(s.sim.addr(), Some("wrong"));
    assert_eq!(c.get("/v1/account").status, 401);
    let r = c.request(
        "GET",
        "/v1/account",
        &[("Authorization", "Basic sim-token")],
        b"",
    );
    assert_eq!(r.status, 401);
}

#[test]
fn unknown_paths_and_ids_are_404_json() {
    let s = Sim::start();
    for p in [
        "/v1/nope",
        "/",
        "/v1/training/modules",
        "/v1/training/policies/999999",
        "/v1/training/policies/abc",
        "/v1/training/campaigns/1",
        "/v1/training/enrollments/-3",
        "/v1/training/store_purchases/0",
    ] {
        let r = s.get(p);
        assert_eq!(r.status, 404, "{p}");
        assert_eq!(r.reason, "Not Found");
        assert_eq!(r.json(), serde_json::json!({"message": "Not Found"}), "{p}");
    }
}

#[test]
fn single_records_match_the_dataset() {
    let s = Sim::start();
    let ds = s.sim.dataset();
    let p = &ds.policies()[3];
    assert_eq!(
        s.json(&format!("/v1/training/policies/{}", p["policy_id"])),
        *p
    );
    let c = &ds.campaigns()[17];
    let got = s.json(&format!("/v1/training/campaigns/{}", c["campaign_id"]));
    assert_eq!(got, *c);
    assert!(got["completion_percentage"].is_u64());
    let e = &ds.enrollments()[42];
    assert_eq!(
        s.json(&format!("/v1/training/enrollments/{}", e["enrollment_id"])),
        *e
    );
    let sp = &ds.store_purchases()[4];
    let id = &sp["store_purchased_id"];
    assert!(id.is_u64(), "every 5th store purchase carries the typo key");
    assert_eq!(s.json(&format!("/v1/training/store_purchases/{id}")), *sp);
    let acct = s.json("/v1/account");
    assert_eq!(acct["number_of_seats"], 100);
    for k in [
        "name",
        "type",
        "domains",
        "admins",
        "subscription_level",
        "subscription_end_date",
        "current_risk_score",
    ] {
        assert!(acct.get(k).is_some(), "{k}");
    }
}

#[test]
fn other_methods_are_405() {
    let s = Sim::start();
    let r = s
        .conn()
        .request("POST", "/v1/training/policies", &[], b"{}");
    assert_eq!(r.status, 405);
    assert_eq!(r.header("Allow"), Some("GET"));
    assert!(r.json()["message"].is_string());
}

#[test]
fn headers_are_canonical_and_request_ids_distinct() {
    let s = Sim::start();
    let mut c = s.conn();
    let a = c.get("/v1/account");
    let b = c.get("/v1/nope");
    for r in [&a, &b] {
        let names: Vec<&str> = r.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert!(names.contains(&"Content-Type"), "{names:?}");
        assert!(names.contains(&"Content-Length"));
        assert!(names.contains(&"X-Request-Id"));
        assert_eq!(
            r.header("Content-Type"),
            Some("application/json; charset=utf-8")
        );
        assert!(r.header("X-Request-Id").unwrap().starts_with("sim-"));
    }
    assert_ne!(a.header("X-Request-Id"), b.header("X-Request-Id"));
}

#[test]
fn risk_score_history_six_or_all() {
    let s = Sim::start();
    let short = s.json("/v1/account/risk_score_history");
    let full = s.json("/v1/account/risk_score_history?full=true");
    assert_eq!(short.as_array().unwrap().len(), 6);
    assert_eq!(full.as_array().unwrap().len(), 24);
    assert_eq!(s.count("/v1/account/risk_score_history?full=1"), 6);
    assert_eq!(short.as_array().unwrap()[..], full.as_array().unwrap()[..6]);
    let dates: Vec<&str> = full
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["date"].as_str().unwrap())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted, "newest first");
    assert!(dates.iter().all(|d| d.len() == 10));
    // Scores are floats with one decimal, some whole (e.g. 40.0).
    let raw = s.get("/v1/account/risk_score_history?full=true").text();
    assert!(raw.contains(".0,"), "{raw}");
    assert!(full
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["risk_score"].is_f64()));
}
