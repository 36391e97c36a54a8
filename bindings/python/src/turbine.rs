//! `python -m knowbe4_connector ACTION`: Turbine's runtime protocol, run by
//! the same core function as `knowbe4 turbine`, so both print the same bytes.

use std::io::{Read, Write};

use knowbe4_connector::turbine::{self, Invocation};
use knowbe4_connector::Error;
use pyo3::prelude::*;

use crate::client::guarded;
use crate::runtime::runtime;

/// Read standard input and the environment as Turbine provides them, run
/// `action`, write the protocol lines to file descriptors 1 and 2, and
/// return the exit status.
#[pyfunction]
pub(crate) fn turbine_main(py: Python<'_>, action: String) -> PyResult<i32> {
    let name = action.clone();
    guarded(py, Some(&name), || {
        let outcome = py.detach(|| {
            let mut stdin = String::new();
            match std::io::stdin().read_to_string(&mut stdin) {
                // The same words as the CLI: parity is byte for byte.
                Err(err) => turbine::render(&Err(Error::invalid_input(
                    "stdin",
                    format!("standard input could not be read as UTF-8: {err}"),
                ))),
                Ok(_) => {
                    let invocation = Invocation {
                        action,
                        stdin,
                        asset_keys: std::env::var("ASSET_KEYS").ok(),
                        http_proxy: std::env::var("http_proxy").ok(),
                    };
                    match runtime() {
                        Ok(runtime) => runtime.block_on(turbine::run(&invocation)),
                        Err(err) => turbine::render(&Err(Error::new(
                            knowbe4_connector::ErrorKind::Transport,
                            format!("could not start the async runtime: {err}"),
                        ))),
                    }
                }
            }
        });
        // Straight to the file descriptors, as the CLI writes: Python's
        // text layer would translate newlines or encodings on some platforms.
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(outcome.stdout.as_bytes());
        let _ = stdout.flush();
        let mut stderr = std::io::stderr().lock();
        let _ = stderr.write_all(outcome.stderr.as_bytes());
        let _ = stderr.flush();
        Ok(outcome.exit_code)
    })
}
