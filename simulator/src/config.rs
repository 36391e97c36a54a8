//! Simulator configuration.

use crate::faults::FaultRule;
use crate::limits::RateLimits;

/// How the simulator generates its data and which faults and rate limits it starts with.
#[derive(Clone, Debug)]
pub struct SimulatorConfig {
    /// Seed for the deterministic data generator (default 42).
    pub seed: u64,
    /// The bearer token the API accepts (default `"sim-token"`).
    pub token: String,
    /// Number of users (default 100); also the account's `number_of_seats`.
    pub users: usize,
    /// Enrollments per user (default 3); the total is `users * enrollments_per_user`.
    pub enrollments_per_user: usize,
    /// Number of uploaded policies (default 12).
    pub policies: usize,
    /// Number of training campaigns (default 24, more than the API's cap of 10).
    pub campaigns: usize,
    /// Number of store purchases (default 30).
    pub store_purchases: usize,
    /// Fault rules active from the start (default none).
    pub faults: Vec<FaultRule>,
    /// Rate limits enforced from the start (default `None`: no limits).
    pub rate_limits: Option<RateLimits>,
}

impl Default for SimulatorConfig {
    fn default() -> Self {
        SimulatorConfig {
            seed: 42,
            token: "sim-token".to_string(),
            users: 100,
            enrollments_per_user: 3,
            policies: 12,
            campaigns: 24,
            store_purchases: 30,
            faults: Vec::new(),
            rate_limits: None,
        }
    }
}
