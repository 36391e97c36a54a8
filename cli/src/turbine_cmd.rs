//! `knowbe4 turbine ACTION`: Turbine's runtime protocol on this process's
//! standard streams and environment.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::ExitCode;

use knowbe4_connector::turbine::{self, Invocation};
use knowbe4_connector::{Error, ErrorKind};

pub fn run(action: String) -> ExitCode {
    // stderr carries the protocol: a panic must become a ::set-error line,
    // not Rust's panic message.
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        match Invocation::from_process(action) {
            Ok(invocation) => crate::runtime().block_on(turbine::run(&invocation)),
            Err(err) => turbine::render(&Err(err)),
        }
    }))
    .unwrap_or_else(|payload| {
        let detail = payload
            .downcast_ref::<&str>()
            .map(|text| (*text).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        turbine::render(&Err(Error::new(
            ErrorKind::Internal,
            format!("internal error in the connector: {detail}"),
        )))
    });
    outcome.write_to_process();
    ExitCode::from(u8::try_from(outcome.exit_code).unwrap_or(1))
}
