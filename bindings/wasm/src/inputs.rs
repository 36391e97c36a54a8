//! JS arguments of the typed methods to Turbine-shaped input
//! (`{"path_parameters": {...}, "parameters": {...}}`) with the API's
//! snake_case names. Values are passed through as JSON, unchecked: the core
//! checks them, so `getPolicy("x")` and `runAction("get_a_specific_policy",
//! ...)` fail the same way.

use js_sys::{Object, Reflect};
use knowbe4_connector::{Error, Location, Result};
use serde_json::{Map, Value};
use wasm_bindgen::{JsCast, JsValue};

/// The JS name of an API input: `per_page` → `perPage`. Derived from the
/// core's action table, so a new query input is accepted with no change here.
fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `(JS option name, API input name)` of `action`'s query inputs.
fn option_names(action: &str) -> Vec<(String, &'static str)> {
    knowbe4_connector::actions::find(action)
        .map(|spec| {
            spec.inputs_in(Location::Query)
                .map(|input| (camel_case(input.name), input.name))
                .collect()
        })
        .unwrap_or_default()
}

/// Input for an action with one path id and optional query options.
pub fn build(
    path: Option<(&str, &JsValue)>,
    options: Option<&JsValue>,
    action: &str,
) -> Result<Value> {
    let mut path_parameters = Map::new();
    if let Some((name, value)) = path {
        path_parameters.insert(name.to_owned(), to_json(name, value)?);
    }
    let parameters = match options {
        Some(options) => query(options, &option_names(action))?,
        None => Map::new(),
    };
    let mut input = Map::new();
    input.insert("path_parameters".to_owned(), Value::Object(path_parameters));
    input.insert("parameters".to_owned(), Value::Object(parameters));
    Ok(Value::Object(input))
}

/// The options object to query parameters; unknown keys are refused by
/// their JS name, so a typo is not silently a different request.
fn query(options: &JsValue, names: &[(String, &'static str)]) -> Result<Map<String, Value>> {
    if options.is_undefined() || options.is_null() {
        return Ok(Map::new());
    }
    if !options.is_object() {
        return Err(Error::invalid_input("options", "expected an object"));
    }
    let mut parameters = Map::new();
    for key in Object::keys(options.unchecked_ref::<Object>()).iter() {
        let key = key.as_string().unwrap_or_default();
        let Some((_, api_name)) = names.iter().find(|(js_name, _)| *js_name == key) else {
            let known: Vec<&str> = names.iter().map(|(js_name, _)| js_name.as_str()).collect();
            return Err(Error::invalid_input(
                key,
                format!("unknown option; expected {}", known.join(", ")),
            ));
        };
        let value = Reflect::get(options, &JsValue::from_str(&key)).unwrap_or(JsValue::UNDEFINED);
        // `{ page: undefined }` means "not given", as JS callers expect.
        if !value.is_undefined() && !value.is_null() {
            parameters.insert((*api_name).to_owned(), to_json(api_name, &value)?);
        }
    }
    Ok(parameters)
}

/// `runAction`'s input object, as JSON for the core.
pub fn turbine(inputs: &JsValue) -> Result<Value> {
    if inputs.is_undefined() || inputs.is_null() {
        return Ok(Value::Null);
    }
    to_json("inputs", inputs)
}

/// A JS value as JSON. NaN and infinities have no JSON form and serde would
/// turn them into `null` (i.e. "not given"), so they are refused here.
fn to_json(name: &str, value: &JsValue) -> Result<Value> {
    if let Some(number) = value.as_f64() {
        if !number.is_finite() {
            return Err(Error::invalid_input(
                name,
                format!("expected a finite number, got {number}"),
            ));
        }
    }
    serde_wasm_bindgen::from_value(value.clone())
        .map_err(|err| Error::invalid_input(name, format!("not a JSON value: {err}")))
}
