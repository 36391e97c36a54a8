//! `knowbe4`: run the connector's actions, speak Turbine's runtime protocol,
//! run the KnowBe4 simulator, and demo all of it.

mod actions_cmd;
mod connection;
mod demo;
mod hints;
mod logging;
mod manifests_cmd;
mod progress;
mod report_cmd;
mod run_cmd;
mod simulate_cmd;
mod turbine_cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// KnowBe4 reporting API connector.
#[derive(Parser)]
#[command(name = "knowbe4", version, about, propagate_version = true)]
struct Cli {
    /// Log every request on stderr (-v), or everything (-vv). Never shows the token.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the actions and their inputs.
    Actions(actions_cmd::Args),
    /// Run one action and print its envelope as JSON.
    ///
    /// Inputs as flags (`knowbe4 run get_a_specific_policy --policy-id 7`;
    /// see `knowbe4 run ACTION --help`) or as Turbine-shaped JSON with
    /// `--input`. Exit status: 0 for HTTP < 400, 1 for HTTP >= 400 (the
    /// envelope is still printed), 2 when there was no HTTP answer or the
    /// input was refused.
    #[command(disable_help_flag = true)]
    Run {
        /// The action and its flags.
        #[arg(
            trailing_var_arg = true,
            allow_hyphen_values = true,
            required = true,
            value_name = "ACTION [FLAGS]"
        )]
        args: Vec<String>,
    },
    /// Run the KnowBe4 simulator on loopback until interrupted.
    Simulate(simulate_cmd::Args),
    /// Start the simulator in-process and run every action against it.
    Demo(demo::Args),
    /// Speak Turbine's runtime protocol: JSON on stdin, ASSET_KEYS and
    /// http_proxy from the environment, `::set-output`/`::set-error`.
    Turbine {
        /// The action to run.
        action: String,
    },
    /// Write the Turbine manifests generated from the action table, or check them.
    Manifests(manifests_cmd::Args),
    /// Training compliance for one campaign, several or all: a table, CSV or JSON.
    Report(report_cmd::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Turbine reads stderr for its ::set-error line: log there only when asked.
    if cli.verbose > 0 || !matches!(cli.command, Command::Turbine { .. }) {
        logging::init(cli.verbose);
    }
    match cli.command {
        Command::Actions(args) => actions_cmd::run(&args),
        Command::Run { args } => run_cmd::run(&args),
        Command::Simulate(args) => simulate_cmd::run(&args),
        Command::Demo(args) => demo::run(&args),
        Command::Turbine { action } => turbine_cmd::run(action),
        Command::Manifests(args) => manifests_cmd::run(&args),
        Command::Report(args) => report_cmd::run(&args),
    }
}

/// A runtime for one command: single-threaded, since a command runs one
/// action at a time and starts faster without a thread pool.
pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread tokio runtime can be built")
}
