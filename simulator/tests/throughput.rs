//! Pulling 100,000 enrollments through the server (prints timings; no time assertions).

mod common;

use std::time::Instant;

use common::Sim;
use knowbe4_simulator::SimulatorConfig;

#[test]
fn pulls_100k_enrollments_over_one_connection() {
    let t = Instant::now();
    let s = Sim::with(SimulatorConfig {
        users: 20_000,
        enrollments_per_user: 5,
        ..SimulatorConfig::default()
    });
    println!("started in {:?}", t.elapsed());
    for pass in ["cold", "cached"] {
        let t = Instant::now();
        let mut c = s.conn();
        let (mut total, mut bytes, mut last) = (0usize, 0usize, 0u64);
        for page in 1.. {
            let r = c.get(&format!(
                "/v1/training/enrollments?page={page}&per_page=500"
            ));
            assert_eq!(r.status, 200);
            bytes += r.body.len();
            let v = r.json();
            let items = v.as_array().unwrap();
            for e in items {
                let id = e["enrollment_id"].as_u64().unwrap();
                assert!(id > last);
                last = id;
            }
            total += items.len();
            if items.len() < 500 {
                break;
            }
        }
        assert_eq!(total, 100_000);
        println!(
            "{pass}: 100,000 enrollments ({:.1} MB) in {:?}",
            bytes as f64 / 1e6,
            t.elapsed()
        );
    }
}
