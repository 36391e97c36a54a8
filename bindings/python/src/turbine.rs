//! `python -m knowbe4_connector ACTION`: Turbine's runtime protocol, run by
//! the same core function as `knowbe4 turbine`, so both print the same bytes.

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
        let outcome = py.detach(|| match Invocation::from_process(action) {
            Err(err) => turbine::render(&Err(err)),
            Ok(invocation) => match runtime() {
                Ok(runtime) => runtime.block_on(turbine::run(&invocation)),
                Err(err) => turbine::render(&Err(Error::new(
                    knowbe4_connector::ErrorKind::Transport,
                    format!("could not start the async runtime: {err}"),
                ))),
            },
        });
        // Straight to the file descriptors, as the CLI writes: Python's
        // text layer would translate newlines or encodings on some platforms.
        outcome.write_to_process();
        Ok(outcome.exit_code)
    })
}
