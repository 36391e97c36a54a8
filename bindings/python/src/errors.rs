//! Core errors and Rust panics as the package's exception classes.
//!
//! The classes live in `knowbe4_connector/errors.py`: Python is the natural
//! place for a hierarchy with multiple inheritance (`InvalidInputError` is
//! also a `ValueError`, `KnowBe4TimeoutError` also a `TimeoutError`).

use std::any::Any;

use knowbe4_connector::{Error, ErrorKind};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

const ERRORS_MODULE: &str = "knowbe4_connector.errors";

/// The `kind` of errors that are bugs in the connector, not in the call.
const INTERNAL: &str = "internal";

fn class_for(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidInput => "InvalidInputError",
        ErrorKind::Connect => "ConnectError",
        ErrorKind::Tls => "TlsError",
        ErrorKind::Timeout | ErrorKind::ConnectTimeout | ErrorKind::Deadline => {
            "KnowBe4TimeoutError"
        }
        ErrorKind::RateLimit => "RateLimitError",
        ErrorKind::ResponseTooLarge => "ResponseTooLargeError",
        ErrorKind::Transport => "TransportError",
        ErrorKind::Decode => "DecodeError",
        // A kind added to the core later still reaches Python as the base class.
        _ => "KnowBe4Error",
    }
}

/// The Python exception for a core error.
pub(crate) fn to_py_err(py: Python<'_>, err: &Error) -> PyErr {
    build(
        py,
        class_for(err.kind()),
        &err.to_string(),
        err.kind().code(),
        err.action(),
        err.input(),
    )
}

/// A `KnowBe4Error` for a panic caught at the boundary, so that no
/// `PanicException` (a `BaseException`) escapes to the caller.
pub(crate) fn panic_to_py_err(
    py: Python<'_>,
    payload: &(dyn Any + Send),
    action: Option<&str>,
) -> PyErr {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    internal(
        py,
        &format!("internal error in the connector: {detail}"),
        action,
    )
}

/// A `KnowBe4Error` of kind `internal` with `message`.
pub(crate) fn internal(py: Python<'_>, message: &str, action: Option<&str>) -> PyErr {
    build(py, "KnowBe4Error", message, INTERNAL, action, None)
}

fn build(
    py: Python<'_>,
    class: &str,
    message: &str,
    kind: &str,
    action: Option<&str>,
    input: Option<&str>,
) -> PyErr {
    let made = (|| -> PyResult<PyErr> {
        let class = py.import(ERRORS_MODULE)?.getattr(class)?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("kind", kind)?;
        kwargs.set_item("action", action)?;
        kwargs.set_item("input", input)?;
        Ok(PyErr::from_value(class.call((message,), Some(&kwargs))?))
    })();
    // Only a broken installation lacks the errors module; say so rather than hide it.
    made.unwrap_or_else(|import_err| {
        PyRuntimeError::new_err(format!(
            "{message} (and {ERRORS_MODULE} failed: {import_err})"
        ))
    })
}
