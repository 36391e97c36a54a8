//! Core errors to JS `Error`s. A real `Error` (with a stack) rather than a
//! plain object, so `instanceof Error`, loggers and test runners treat it as
//! one; `code` is the core's stable `ErrorKind::code()` for callers to
//! branch on, `input` and `action` say where it happened.

use js_sys::Reflect;
use knowbe4_connector::Error;
use wasm_bindgen::JsValue;

/// The `name` of every error this package throws.
pub const ERROR_NAME: &str = "KnowBe4Error";

/// The code of a Rust panic, which the core's kinds do not cover.
pub const PANIC_CODE: &str = "panic";

/// Names of core inputs that the JS options spell differently.
fn js_input_name(core_name: &str) -> &str {
    match core_name {
        "request_timeout" => "timeoutMs",
        "verify_ssl" => "verifySsl",
        "allow_insecure_http" => "allowInsecureHttp",
        other => other,
    }
}

/// The JS error for a core error.
pub fn to_js(error: &Error) -> JsValue {
    let input = error.input().map(js_input_name);
    // Display adds the action and input as prefixes; rebuild it with the JS
    // spelling of option names.
    let mut message = String::new();
    if let Some(action) = error.action() {
        message.push_str(action);
        message.push_str(": ");
    }
    match input {
        Some(input) if error.kind() == knowbe4_connector::ErrorKind::InvalidInput => {
            message.push_str(&format!("invalid input `{input}`: {}", error.message()));
        }
        _ => message.push_str(error.message()),
    }
    build(&message, error.kind().code(), input, error.action())
}

/// A JS error with the package's name and the given fields.
pub fn build(message: &str, code: &str, input: Option<&str>, action: Option<&str>) -> JsValue {
    let error = js_sys::Error::new(message);
    error.set_name(ERROR_NAME);
    let fields = [("code", Some(code)), ("input", input), ("action", action)];
    for (key, value) in fields {
        let value = value.map_or(JsValue::UNDEFINED, JsValue::from_str);
        // Setting a property on a fresh Error cannot fail.
        let _ = Reflect::set(&error, &JsValue::from_str(key), &value);
    }
    error.into()
}
