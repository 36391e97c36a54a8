//! `knowbe4_connector._native`: the Rust core behind the `knowbe4_connector`
//! Python package. Private by design: the package's `__init__.py` wraps it
//! in `Client` / `AsyncClient` and owns the public surface.

mod actions;
mod bridge;
mod client;
mod convert;
mod errors;
mod json_to_py;
mod pages;
mod runtime;
mod turbine;

use pyo3::prelude::*;

/// The number of action tasks still running on the runtime (for tests).
#[pyfunction]
fn in_flight() -> usize {
    bridge::in_flight()
}

#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("__version__", knowbe4_connector::VERSION)?;
    module.add("USER_AGENT", knowbe4_connector::USER_AGENT)?;
    module.add_class::<client::NativeClient>()?;
    module.add_function(wrap_pyfunction!(actions::actions, module)?)?;
    module.add_function(wrap_pyfunction!(turbine::turbine_main, module)?)?;
    module.add_function(wrap_pyfunction!(in_flight, module)?)?;
    module.add_function(wrap_pyfunction!(shutdown_runtime, module)?)?;
    Ok(())
}

/// Stop the connector's tokio runtime (the package registers this with
/// `atexit`, so no worker thread outlives the interpreter). A later call
/// starts a new runtime.
#[pyfunction]
fn shutdown_runtime(py: Python<'_>) {
    // Released: a task finishing during the grace period may need the GIL.
    py.detach(|| runtime::shutdown(std::time::Duration::from_secs(1)));
}
