//! `knowbe4 simulate`: the KnowBe4 simulator as a process, for tests and
//! demos in other languages.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use knowbe4_simulator::{FaultRule, RateLimits, Simulator, SimulatorConfig};

#[derive(clap::Args)]
pub struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8765)]
    port: u16,
    /// Number of users (each gets --enrollments-per-user enrollments).
    #[arg(long, default_value_t = 100)]
    users: usize,
    /// Enrollments per user.
    #[arg(long, default_value_t = 3)]
    enrollments_per_user: usize,
    /// Number of training campaigns.
    #[arg(long, default_value_t = 24)]
    campaigns: usize,
    /// Number of uploaded policies.
    #[arg(long, default_value_t = 12)]
    policies: usize,
    /// Seed of the generated data.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// The bearer token the simulator accepts.
    #[arg(long, default_value = "sim-token")]
    token: String,
    /// A fault to inject (repeatable): 429, 503, html503, slow:MS, truncated,
    /// invalid-json, reset, stall:MS, wrong-content-type, oversized:BYTES,
    /// redirect:URL, repeat-page, optionally @PATH_PREFIX, xTIMES, +AFTER; or a
    /// JSON rule.
    #[arg(long = "fault", value_name = "SPEC")]
    faults: Vec<String>,
    /// Enforce KnowBe4's rate limits: 4 requests per second and 50 per rolling
    /// minute (429 when over). Implied by the other rate-limit flags.
    #[arg(long)]
    rate_limit: bool,
    /// Run the rate-limit clock this many times faster than real time
    /// (default 1.0; 60 makes a minute last one second).
    #[arg(long, value_name = "F")]
    time_scale: Option<f64>,
    /// Also cap requests per rolling (scaled) 24 hours, as KnowBe4 does
    /// (2,000 plus the number of licensed users).
    #[arg(long, value_name = "N")]
    daily_budget: Option<u64>,
    /// Add a Retry-After header (seconds) to rate-limit 429s; KnowBe4 documents none.
    #[arg(long)]
    retry_after_hint: bool,
}

/// The rate limits the flags ask for, if any.
fn rate_limits(args: &Args) -> Result<Option<RateLimits>, String> {
    let wanted = args.rate_limit
        || args.time_scale.is_some()
        || args.daily_budget.is_some()
        || args.retry_after_hint;
    if !wanted {
        return Ok(None);
    }
    let limits = RateLimits {
        per_day: args.daily_budget,
        retry_after: args.retry_after_hint,
        ..RateLimits::scaled(args.time_scale.unwrap_or(1.0))
    };
    limits
        .validate()
        .map_err(|e| format!("--time-scale: {e}"))?;
    Ok(Some(limits))
}

pub fn run(args: &Args) -> ExitCode {
    let mut faults = Vec::new();
    for spec in &args.faults {
        match FaultRule::parse_cli(spec) {
            Ok(rule) => faults.push(rule),
            Err(err) => {
                eprintln!("error: --fault {spec:?}: {err}");
                return ExitCode::from(2);
            }
        }
    }
    let limits = match rate_limits(args) {
        Ok(limits) => limits,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    let config = SimulatorConfig {
        seed: args.seed,
        token: args.token.clone(),
        users: args.users,
        enrollments_per_user: args.enrollments_per_user,
        policies: args.policies,
        campaigns: args.campaigns,
        faults,
        rate_limits: limits.clone(),
        ..SimulatorConfig::default()
    };
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let simulator = match Simulator::start_on(addr, config) {
        Ok(simulator) => simulator,
        Err(err) => {
            eprintln!("error: cannot listen on {addr}: {err}");
            return ExitCode::from(2);
        }
    };
    // The first line is read by test fixtures in other languages: keep its shape.
    println!("KnowBe4 simulator listening on {}", simulator.url());
    println!(
        "token: {}  users: {}  enrollments: {}  (Ctrl-C to stop)",
        simulator.token(),
        simulator.dataset().users().len(),
        simulator.dataset().enrollments().len()
    );
    if let Some(l) = &limits {
        let daily = l.per_day.map_or(String::new(), |d| format!(", {d}/day"));
        println!(
            "rate limits: {}/s, {}/min{daily}, time scale {}{}",
            l.per_second,
            l.per_minute,
            l.time_scale,
            if l.retry_after {
                ", with Retry-After"
            } else {
                ""
            }
        );
    }
    let _ = std::io::stdout().flush();
    simulator.wait();
    ExitCode::SUCCESS
}
