//! The 10-campaign cap and `exclude_percentages`.

mod common;

use common::Sim;
use serde_json::Value;

#[test]
fn list_is_capped_at_ten_with_percentages() {
    let s = Sim::start();
    let all = s.sim.dataset().campaigns().to_vec();
    assert_eq!(all.len(), 24);
    let got = s.json("/v1/training/campaigns");
    let got = got.as_array().unwrap();
    assert_eq!(got.len(), 10);
    assert_eq!(got[..], all[..10]);
    assert!(got.iter().all(|c| c["completion_percentage"].is_u64()));
    // The cap applies to the requested page slice.
    let p2 = s.json("/v1/training/campaigns?page=2&per_page=12");
    assert_eq!(p2.as_array().unwrap()[..], all[12..22]);
    assert_eq!(s.count("/v1/training/campaigns?per_page=5"), 5);
    assert_eq!(
        s.count("/v1/training/campaigns?exclude_percentages=yes"),
        10
    );
}

#[test]
fn exclude_percentages_lifts_cap_and_drops_key() {
    let s = Sim::start();
    let all = s.sim.dataset().campaigns().to_vec();
    let got = s.json("/v1/training/campaigns?exclude_percentages=true");
    let got = got.as_array().unwrap();
    assert_eq!(got.len(), 24);
    for (g, full) in got.iter().zip(&all) {
        assert!(g.get("completion_percentage").is_none());
        let mut expect = full.clone();
        expect
            .as_object_mut()
            .unwrap()
            .remove("completion_percentage");
        assert_eq!(*g, expect);
    }
    assert_eq!(
        s.count("/v1/training/campaigns?exclude_percentages=true&per_page=20&page=2"),
        4
    );
}

#[test]
fn campaign_shapes_are_varied() {
    let s = Sim::start();
    let all = s.sim.dataset().campaigns();
    let nested = all.iter().filter(|c| c["content"][0].is_array()).count();
    let flat = all.iter().filter(|c| c["content"][0].is_object()).count();
    assert!(nested > 0 && flat > 0);
    let names: Vec<&str> = all.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert!(names.iter().any(|n| !n.is_ascii()));
    assert!(names.contains(&"安全培训"));
    let types: Vec<&Value> = all.iter().map(|c| &c["duration_type"]).collect();
    assert!(types.contains(&&Value::from("Specific End Date")));
    assert!(types.contains(&&Value::from("Relative Duration")));
    for c in all {
        match c["duration_type"].as_str().unwrap() {
            "Specific End Date" => {
                assert!(c["end_date"].is_string() && c["relative_duration"].is_null())
            }
            _ => assert!(c["end_date"].is_null() && c["relative_duration"].is_string()),
        }
        assert!(c["start_date"].as_str().unwrap().ends_with(".000Z"));
    }
}
