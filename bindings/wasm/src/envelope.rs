//! The core's envelope to a plain JS object, so callers get
//! `status_code`, `response_headers` (an object), `reason` and `json_body`
//! or `response_text` without a second `JSON.parse` by the caller.

use knowbe4_connector::{Envelope, Error, ErrorKind, Result};
use wasm_bindgen::JsValue;

/// Convert `envelope`. JSON objects become plain objects (not `Map`s), in
/// the server's key order, exactly as `response.json()` would give them.
///
/// The envelope goes across as one JSON text and V8's `JSON.parse` builds
/// the objects, instead of building them from Rust (`serde_wasm_bindgen`),
/// which costs JS calls per key and value. `JSON.parse` also rounds integers
/// beyond 2^53 as `response.json()` does, so there is one path for every body.
///
/// Used for single answers and for the head of a multi-page pull, whose
/// records never become a `serde_json::Value` tree (see `pages.rs`).
pub fn to_js(envelope: &Envelope) -> Result<JsValue> {
    let text = serde_json::to_string(envelope)
        .map_err(|err| Error::new(ErrorKind::Decode, err.to_string()))?;
    js_sys::JSON::parse(&text).map_err(|_| {
        Error::new(
            ErrorKind::Decode,
            "the response could not be converted to a JS value",
        )
    })
}
