//! Multi-page pulls straight into JS objects.
//!
//! The core hands each page's records to a [`PageSink`] as the server's JSON
//! text (already checked to be one valid array). [`JsPages`] lets the host's
//! `JSON.parse` build each page's objects from that text, read in place from
//! wasm memory: no `serde_json::Value` tree inside wasm and no re-serialised
//! envelope, so a pull costs what `response.json()` per page costs, plus the
//! copy of each body into wasm memory and the core's checks. The page arrays
//! are joined once, when the pull ends.

use js_sys::{Array, Function, Reflect};
use knowbe4_connector::transport::BoxFuture;
use knowbe4_connector::{Envelope, Error, ErrorKind, PageRecords, PageSink, Result};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

#[wasm_bindgen]
extern "C" {
    type TextDecoder;
    #[wasm_bindgen(constructor, catch)]
    fn new() -> std::result::Result<TextDecoder, JsValue>;
    /// Decodes a view of wasm memory (the glue passes `&[u8]` without a
    /// copy); the JS string stays in JS.
    #[wasm_bindgen(method, catch)]
    fn decode(this: &TextDecoder, bytes: &[u8]) -> std::result::Result<JsValue, JsValue>;

    /// `JSON.parse` of a JS string (js-sys's takes a Rust `&str`).
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn parse(text: &JsValue) -> std::result::Result<JsValue, JsValue>;
}

/// Most arguments given to one `concat` call: far below any engine's limit.
const CONCAT_CHUNK: u32 = 4096;

/// The sink of a streamed pull: each page becomes a JS array as it arrives.
pub struct JsPages {
    /// One JS array per page, in order.
    pages: Array,
    /// Made at the first text page, so single answers do without.
    decoder: Option<TextDecoder>,
}

impl JsPages {
    pub fn new() -> JsPages {
        JsPages {
            pages: Array::new(),
            decoder: None,
        }
    }

    fn page(&mut self, page: PageRecords) -> Result<JsValue> {
        let parsed = match page {
            PageRecords::Json { text, .. } => {
                if self.decoder.is_none() {
                    self.decoder = TextDecoder::new().ok();
                }
                match &self.decoder {
                    Some(decoder) => decoder.decode(&text).and_then(|text| parse(&text)),
                    // Every host wasm-bindgen runs on has a TextDecoder (its
                    // glue needs one); without it, through `&str`.
                    None => match std::str::from_utf8(&text) {
                        Ok(text) => js_sys::JSON::parse(text),
                        Err(_) => return Err(not_converted()),
                    },
                }
            }
            // Rare (odd charsets, the status filter): as whole envelopes are.
            PageRecords::Values(items) => {
                let text = serde_json::to_string(&items)
                    .map_err(|err| Error::new(ErrorKind::Decode, err.to_string()))?;
                js_sys::JSON::parse(&text)
            }
        };
        match parsed {
            Ok(items) if items.is_array() => Ok(items),
            _ => Err(not_converted()),
        }
    }

    /// Every record received, in order, as one JS array.
    fn records(&self) -> Result<Array> {
        let pages = self.pages.length();
        if pages == 1 {
            return Ok(self.pages.get(0).unchecked_into());
        }
        // `[].concat(page1, page2, ...)` copies elements in bulk; far faster
        // than pushing them one by one.
        let concat: Function = Reflect::get(&Array::new(), &"concat".into())
            .ok()
            .and_then(|concat| concat.dyn_into().ok())
            .ok_or_else(not_converted)?;
        let mut records = Array::new();
        let mut start = 0;
        while start < pages {
            let end = pages.min(start + CONCAT_CHUNK);
            let chunk = self.pages.slice(start, end);
            records = Reflect::apply(&concat, &records, &chunk)
                .map_err(|_| not_converted())?
                .unchecked_into();
            start = end;
        }
        Ok(records)
    }

    /// The envelope of a pull whose records all came here: the core's head
    /// (status, headers, reason) with these records as `json_body`.
    pub fn envelope(&self, envelope: &Envelope) -> Result<JsValue> {
        // The head converts as every envelope does (same keys, same order,
        // same header object); only its empty `json_body` is replaced.
        let object = crate::envelope::to_js(envelope)?;
        Reflect::set(&object, &"json_body".into(), &self.records()?.into())
            .map_err(|_| not_converted())?;
        Ok(object)
    }
}

impl PageSink for JsPages {
    fn accept(&mut self, page: PageRecords) -> BoxFuture<'_, Result<()>> {
        let result = self.page(page).map(|items| {
            self.pages.push(&items);
        });
        Box::pin(std::future::ready(result))
    }
}

fn not_converted() -> Error {
    Error::new(
        ErrorKind::Decode,
        "the response could not be converted to a JS value",
    )
}
