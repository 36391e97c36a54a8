//! Values across the edge: Python inputs to `serde_json::Value` (so the
//! core's one validation path sees them), and envelopes straight to Python
//! objects (no JSON text in between).

use knowbe4_connector::{Body, Envelope, Error};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Value};

use crate::json_to_py::{Builder, StrCache};

/// Deeper nesting than any Turbine input needs; the bound keeps a
/// self-containing list from overflowing the stack.
const MAX_DEPTH: usize = 32;

/// Convert an action's inputs. `name` is the argument an error names; in
/// nested mappings it becomes the innermost key, which is the input's name.
pub(crate) fn to_value(value: &Bound<'_, PyAny>, name: &str) -> Result<Value, Error> {
    convert(value, name, 0)
}

fn convert(value: &Bound<'_, PyAny>, name: &str, depth: usize) -> Result<Value, Error> {
    if depth > MAX_DEPTH {
        return Err(Error::invalid_input(name, "is nested too deeply"));
    }
    if value.is_none() {
        return Ok(Value::Null);
    }
    // `bool` is a subclass of `int`: test it first or True would become 1.
    if let Ok(flag) = value.cast::<PyBool>() {
        return Ok(Value::Bool(flag.is_true()));
    }
    if value.is_instance_of::<PyInt>() {
        if let Ok(number) = value.extract::<i64>() {
            return Ok(Value::from(number));
        }
        if let Ok(number) = value.extract::<u64>() {
            return Ok(Value::from(number));
        }
        return Err(Error::invalid_input(
            name,
            "is an integer outside the 64-bit range",
        ));
    }
    if let Ok(text) = value.cast::<PyString>() {
        // `to_cow`, not `to_str`: the abi3-py39 limited API has no borrowed UTF-8 view.
        let text = text
            .to_cow()
            .map_err(|_| Error::invalid_input(name, "is not valid Unicode text"))?;
        return Ok(Value::String(text.into_owned()));
    }
    if let Ok(mapping) = value.cast::<PyDict>() {
        let mut object = Map::with_capacity(mapping.len());
        for (key, item) in mapping.iter() {
            let key: String = match key.cast::<PyString>() {
                Ok(key) => key.to_string(),
                Err(_) => {
                    return Err(Error::invalid_input(
                        name,
                        format!("has a key that is not a str: {}", type_name(&key)),
                    ))
                }
            };
            let item = convert(&item, &key, depth + 1)?;
            object.insert(key, item);
        }
        return Ok(Value::Object(object));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let items = value
            .try_iter()
            .and_then(|items| items.collect::<PyResult<Vec<_>>>())
            .map_err(|_| Error::invalid_input(name, "could not be iterated"))?;
        return items
            .iter()
            .map(|item| convert(item, name, depth + 1))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array);
    }
    let hint = if value.is_instance_of::<PyFloat>() {
        " (ids, pages and sizes are whole numbers)"
    } else {
        ""
    };
    Err(Error::invalid_input(
        name,
        format!("expected bool, int or str, got {}{hint}", type_name(value)),
    ))
}

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map_or_else(|_| "an unknown type".to_owned(), |name| name.to_string())
}

/// The envelope as a plain dict with Turbine's keys in Turbine's order.
/// Takes the envelope by value: each record's Rust memory is freed as soon
/// as its Python objects exist, so a large answer does not hold both whole
/// copies at once.
pub(crate) fn envelope_to_py(py: Python<'_>, envelope: Envelope) -> PyResult<Bound<'_, PyDict>> {
    let mut strings = StrCache::default();
    let mut builder = Builder::new(py, &mut strings);
    let dict = envelope_head(py, &envelope)?;
    match envelope.body {
        Body::Json(value) => dict.set_item("json_body", builder.value(value)?)?,
        Body::Text(text) => dict.set_item("response_text", text)?,
    }
    Ok(dict)
}

/// The envelope of a streamed pull: the last page's head, and `records`
/// (every page's, gathered by the caller) as `json_body`.
pub(crate) fn pulled_to_py<'py>(
    py: Python<'py>,
    envelope: &Envelope,
    records: Bound<'py, PyList>,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = envelope_head(py, envelope)?;
    dict.set_item("json_body", records)?;
    Ok(dict)
}

/// `status_code`, `response_headers` and `reason`, in that order.
fn envelope_head<'py>(py: Python<'py>, envelope: &Envelope) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("status_code", envelope.status_code)?;
    let headers = PyDict::new(py);
    for (name, value) in &envelope.response_headers {
        headers.set_item(name, value)?;
    }
    dict.set_item("response_headers", headers)?;
    dict.set_item("reason", &envelope.reason)?;
    Ok(dict)
}
