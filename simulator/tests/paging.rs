//! Page/per_page semantics on the list endpoints.

mod common;

use common::Sim;
use knowbe4_simulator::SimulatorConfig;

#[test]
fn pages_are_slices_with_short_last_page_and_empty_past_end() {
    let s = Sim::start();
    let all = s.sim.dataset().policies().to_vec();
    assert_eq!(all.len(), 12);
    let p1 = s.json("/v1/training/policies?per_page=5");
    let p2 = s.json("/v1/training/policies?page=2&per_page=5");
    let p3 = s.json("/v1/training/policies?page=3&per_page=5");
    let p4 = s.json("/v1/training/policies?page=4&per_page=5");
    assert_eq!(p1.as_array().unwrap()[..], all[0..5]);
    assert_eq!(p2.as_array().unwrap()[..], all[5..10]);
    assert_eq!(p3.as_array().unwrap()[..], all[10..12]);
    assert_eq!(p4, serde_json::json!([]));
    assert_eq!(
        s.json("/v1/training/policies").as_array().unwrap()[..],
        all[..]
    );
    // Served bodies byte-identical on repeat (render cache).
    let a = s.get("/v1/training/policies?per_page=5&page=2").body;
    let b = s.get("/v1/training/policies?page=2&per_page=5").body;
    assert_eq!(a, b);
}

#[test]
fn default_per_page_is_100_and_cap_is_500() {
    let s = Sim::with(SimulatorConfig {
        users: 300,
        enrollments_per_user: 3,
        ..SimulatorConfig::default()
    });
    assert_eq!(s.count("/v1/training/enrollments"), 100);
    assert_eq!(s.count("/v1/training/enrollments?per_page=500"), 500);
    assert_eq!(s.count("/v1/training/enrollments?per_page=1000"), 500);
    assert_eq!(
        s.count("/v1/training/enrollments?per_page=1000&page=2"),
        400
    );
    assert_eq!(s.count("/v1/training/enrollments?per_page=1000&page=3"), 0);
    assert_eq!(s.count("/v1/training/store_purchases?per_page=7&page=5"), 2);
}

#[test]
fn bad_paging_values_are_400_json() {
    let s = Sim::start();
    for q in [
        "page=0",
        "page=-1",
        "page=abc",
        "per_page=0",
        "per_page=1.5",
        "page=",
    ] {
        let r = s.get(&format!("/v1/training/policies?{q}"));
        assert_eq!(r.status, 400, "{q}");
        assert_eq!(r.reason, "Bad Request");
        assert!(r.json()["message"].is_string());
    }
}

#[test]
fn page_far_past_end_does_not_overflow() {
    let s = Sim::start();
    assert_eq!(
        s.count("/v1/training/enrollments?page=18446744073709551615&per_page=500"),
        0
    );
}
