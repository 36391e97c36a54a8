//! `knowbe4 turbine ACTION`: Turbine's runtime protocol on this process's
//! standard streams and environment.

use std::io::{Read, Write};
use std::process::ExitCode;

use knowbe4_connector::turbine::{self, Invocation};

pub fn run(action: String) -> ExitCode {
    let mut stdin = String::new();
    let outcome = match std::io::stdin().read_to_string(&mut stdin) {
        Ok(_) => {
            let invocation = Invocation {
                action,
                stdin,
                asset_keys: std::env::var("ASSET_KEYS").ok(),
                http_proxy: std::env::var("http_proxy").ok(),
            };
            crate::runtime().block_on(turbine::run(&invocation))
        }
        Err(err) => turbine::render(&Err(knowbe4_connector::Error::invalid_input(
            "stdin",
            format!("standard input could not be read as UTF-8: {err}"),
        ))),
    };
    // Write errors (a closed pipe) cannot be reported anywhere better.
    let _ = std::io::stdout()
        .lock()
        .write_all(outcome.stdout.as_bytes());
    let _ = std::io::stderr()
        .lock()
        .write_all(outcome.stderr.as_bytes());
    ExitCode::from(u8::try_from(outcome.exit_code).unwrap_or(1))
}
