//! `knowbe4 simulate`: the KnowBe4 simulator as a process, for tests and
//! demos in other languages.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use knowbe4_simulator::{FaultRule, Simulator, SimulatorConfig};

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
    /// invalid-json, optionally @PATH_PREFIX, xTIMES, +AFTER; or a JSON rule.
    #[arg(long = "fault", value_name = "SPEC")]
    faults: Vec<String>,
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
    let config = SimulatorConfig {
        seed: args.seed,
        token: args.token.clone(),
        users: args.users,
        enrollments_per_user: args.enrollments_per_user,
        policies: args.policies,
        campaigns: args.campaigns,
        faults,
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
    let _ = std::io::stdout().flush();
    simulator.wait();
    ExitCode::SUCCESS
}
