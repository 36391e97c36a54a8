//! Determinism and generation speed.

use std::time::Instant;

use knowbe4_simulator::{Dataset, SimulatorConfig};

#[test]
fn same_seed_same_data_different_seed_different_data() {
    let a = Dataset::generate(&SimulatorConfig::default());
    let b = Dataset::generate(&SimulatorConfig::default());
    assert_eq!(a.enrollments(), b.enrollments());
    assert_eq!(a.campaigns(), b.campaigns());
    let c = Dataset::generate(&SimulatorConfig {
        seed: 7,
        ..SimulatorConfig::default()
    });
    assert_ne!(a.enrollments(), c.enrollments());
}

#[test]
fn store_purchases_carry_the_typo_key_every_fifth() {
    let d = Dataset::generate(&SimulatorConfig::default());
    for (i, sp) in d.store_purchases().iter().enumerate() {
        let typo = i % 5 == 4;
        assert_eq!(sp.get("store_purchased_id").is_some(), typo);
        assert_eq!(sp.get("store_purchase_id").is_some(), !typo);
    }
}

#[test]
fn generates_100k_enrollments_quickly() {
    let config = SimulatorConfig {
        users: 20_000,
        enrollments_per_user: 5,
        ..SimulatorConfig::default()
    };
    let t = Instant::now();
    let d = Dataset::generate(&config);
    let took = t.elapsed();
    assert_eq!(d.enrollment_count(), 100_000);
    assert_eq!(d.users().len(), 20_000);
    println!("generated 20,000 users x 5 enrollments in {took:?}");
    let t = Instant::now();
    assert_eq!(d.enrollments().len(), 100_000);
    println!(
        "built the Value view of 100,000 enrollments in {:?}",
        t.elapsed()
    );
}

#[test]
fn tiny_and_empty_configs_work() {
    for (users, per, pol, camp, sp) in [
        (0, 0, 0, 0, 0),
        (1, 1, 0, 0, 0),
        (2, 3, 1, 1, 0),
        (3, 2, 0, 2, 1),
    ] {
        let d = Dataset::generate(&SimulatorConfig {
            users,
            enrollments_per_user: per,
            policies: pol,
            campaigns: camp,
            store_purchases: sp,
            ..SimulatorConfig::default()
        });
        assert_eq!(d.enrollments().len(), users * per);
    }
}
