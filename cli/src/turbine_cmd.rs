//! `knowbe4 turbine ACTION`: Turbine's runtime protocol on this process's
//! standard streams and environment.

use std::process::ExitCode;

use knowbe4_connector::turbine::{self, Invocation};

pub fn run(action: String) -> ExitCode {
    let outcome = match Invocation::from_process(action) {
        Ok(invocation) => crate::runtime().block_on(turbine::run(&invocation)),
        Err(err) => turbine::render(&Err(err)),
    };
    outcome.write_to_process();
    ExitCode::from(u8::try_from(outcome.exit_code).unwrap_or(1))
}
