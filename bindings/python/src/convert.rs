//! Values across the edge: Python inputs to `serde_json::Value` (so the
//! core's one validation path sees them), and envelopes straight to Python
//! objects (no JSON text in between).

use knowbe4_connector::{Body, Envelope, Error};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

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
/// as its Python objects exist, so a large pull does not hold both whole
/// copies at once.
pub(crate) fn envelope_to_py(py: Python<'_>, envelope: Envelope) -> PyResult<Bound<'_, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("status_code", envelope.status_code)?;
    let headers = PyDict::new(py);
    for (name, value) in &envelope.response_headers {
        headers.set_item(name, value)?;
    }
    dict.set_item("response_headers", headers)?;
    dict.set_item("reason", &envelope.reason)?;
    match envelope.body {
        Body::Json(value) => dict.set_item("json_body", value_to_py(py, value)?)?,
        Body::Text(text) => dict.set_item("response_text", text)?,
    }
    Ok(dict)
}

/// A JSON value as the object `json.loads` would give, consuming it.
pub(crate) fn value_to_py(py: Python<'_>, value: Value) -> PyResult<Bound<'_, PyAny>> {
    let mut keys = KeyCache::default();
    to_py(py, value, &mut keys)
}

/// Object keys already made into Python strings during one conversion, as
/// `json.loads` memoises them: a 100,000-record page set repeats the same
/// dozen names, and sharing one `str` per name saves an allocation per key
/// (time) and ~50 bytes per key (memory). Bounded so a body of unique keys
/// cannot grow it without limit; keys past the bound are made fresh.
#[derive(Default)]
struct KeyCache<'py> {
    map: std::collections::HashMap<String, Bound<'py, PyString>>,
}

impl<'py> KeyCache<'py> {
    const MAX_ENTRIES: usize = 4096;
    const MAX_KEY_LEN: usize = 64;

    fn get(&mut self, py: Python<'py>, key: String) -> Bound<'py, PyString> {
        if key.len() > Self::MAX_KEY_LEN {
            return PyString::new(py, &key);
        }
        if let Some(cached) = self.map.get(&key) {
            return cached.clone();
        }
        let fresh = PyString::new(py, &key);
        if self.map.len() < Self::MAX_ENTRIES {
            self.map.insert(key, fresh.clone());
        }
        fresh
    }
}

fn to_py<'py>(
    py: Python<'py>,
    value: Value,
    keys: &mut KeyCache<'py>,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(flag) => PyBool::new(py, flag).to_owned().into_any(),
        Value::Number(number) => number_to_py(py, &number)?,
        Value::String(text) => PyString::new(py, &text).into_any(),
        Value::Array(items) => {
            let mut converted = Vec::with_capacity(items.len());
            // into_iter: each item is dropped once converted.
            for item in items {
                converted.push(to_py(py, item, keys)?);
            }
            PyList::new(py, converted)?.into_any()
        }
        Value::Object(object) => {
            let dict = PyDict::new(py);
            for (key, item) in object {
                dict.set_item(keys.get(py, key), to_py(py, item, keys)?)?;
            }
            dict.into_any()
        }
    })
}

fn number_to_py<'py>(py: Python<'py>, number: &Number) -> PyResult<Bound<'py, PyAny>> {
    if let Some(int) = number.as_i64() {
        return Ok(int.into_pyobject(py)?.into_any());
    }
    // Ids above i64::MAX still fit a u64; serde_json keeps them exact there.
    if let Some(int) = number.as_u64() {
        return Ok(int.into_pyobject(py)?.into_any());
    }
    let float = number.as_f64().unwrap_or(f64::NAN);
    Ok(PyFloat::new(py, float).into_any())
}
