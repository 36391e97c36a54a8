//! The core's envelope to a plain JS object, so callers get
//! `status_code`, `response_headers` (an object), `reason` and `json_body`
//! or `response_text` without a second `JSON.parse`.

use knowbe4_connector::{Envelope, Error, ErrorKind, Result};
use serde::Serialize as _;
use wasm_bindgen::JsValue;

/// Convert `envelope`. JSON objects become plain objects (not `Map`s), in
/// the server's key order.
pub fn to_js(envelope: &Envelope) -> Result<JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    match envelope.serialize(&serializer) {
        Ok(value) => Ok(value),
        // The direct path refuses integers beyond 2^53, which a JSON body
        // may hold; JSON.parse rounds them, as `response.json()` would.
        Err(_) => {
            let text = serde_json::to_string(envelope)
                .map_err(|err| Error::new(ErrorKind::Decode, err.to_string()))?;
            js_sys::JSON::parse(&text).map_err(|_| {
                Error::new(
                    ErrorKind::Decode,
                    "the response could not be converted to a JS value",
                )
            })
        }
    }
}
