//! The core's `Transport` over a JS `fetch` function: the host's global
//! `fetch`, or one the host passes in (sandboxes that own the network,
//! proxies, tests). Every request the core makes goes through it.
//!
//! fetch has no timeout of its own, so each request races a host
//! `setTimeout`; when the timer wins, an `AbortController` cancels the
//! request (a fetch that ignores `signal` is simply abandoned).

use std::time::Duration;

use futures_util::future::{select, Either};
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use knowbe4_connector::transport::{BoxFuture, HttpRequest, HttpResponse, Transport};
use knowbe4_connector::{Error, ErrorKind, Result};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);

    type AbortController;
    #[wasm_bindgen(constructor, catch)]
    fn new() -> std::result::Result<AbortController, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn signal(this: &AbortController) -> JsValue;
    #[wasm_bindgen(method)]
    fn abort(this: &AbortController);

    // The parts of a fetch `Response` the transport reads. Declared here
    // (structurally, no instanceof checks) rather than taken from web-sys so
    // a custom fetch may return any object of this shape.
    type FetchResponse;
    #[wasm_bindgen(method, getter)]
    fn status(this: &FetchResponse) -> JsValue;
    #[wasm_bindgen(method, getter, js_name = statusText)]
    fn status_text(this: &FetchResponse) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn headers(this: &FetchResponse) -> JsValue;
    #[wasm_bindgen(method, catch, js_name = arrayBuffer)]
    fn array_buffer(this: &FetchResponse) -> std::result::Result<JsValue, JsValue>;
}

/// `setTimeout` takes a signed 32-bit delay and fires at once above it.
const MAX_TIMER_MS: f64 = 2_147_483_647.0;

/// Which function requests go through.
pub enum FetchFn {
    /// `globalThis.fetch`, looked up at each request so a polyfill or a
    /// mock installed after the client was made is honoured.
    Global,
    /// A function the host passed as the `fetch` option.
    Custom(Function),
}

impl FetchFn {
    /// The global fetch, if the host has one.
    pub fn global() -> Result<FetchFn> {
        global_fetch()?;
        Ok(FetchFn::Global)
    }

    /// The function and the `this` to call it with (browsers refuse a
    /// global fetch called on anything but the global object).
    fn resolve(&self) -> Result<(Function, JsValue)> {
        match self {
            FetchFn::Global => Ok((global_fetch()?, js_sys::global().into())),
            FetchFn::Custom(function) => Ok((function.clone(), JsValue::UNDEFINED)),
        }
    }
}

fn global_fetch() -> Result<Function> {
    Reflect::get(&js_sys::global(), &JsValue::from_str("fetch"))
        .ok()
        .and_then(|value| value.dyn_into::<Function>().ok())
        .ok_or_else(|| {
            Error::invalid_input(
                "fetch",
                "this host has no global fetch; pass a fetch-compatible function as the `fetch` option",
            )
        })
}

/// The transport the binding gives the core.
pub struct FetchTransport {
    fetch: FetchFn,
}

impl FetchTransport {
    pub fn new(fetch: FetchFn) -> FetchTransport {
        FetchTransport { fetch }
    }
}

impl Transport for FetchTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse>> {
        Box::pin(async move {
            let (fetch, this) = self.fetch.resolve()?;
            // No AbortController (very old hosts): the timer still bounds the wait.
            let controller = AbortController::new().ok();
            let (timer, timer_id) = timer(request.timeout);
            let timeout = request.timeout;
            let exchange = Box::pin(exchange(&fetch, &this, request, controller.as_ref()));
            let outcome = select(exchange, Box::pin(JsFuture::from(timer))).await;
            match outcome {
                Either::Left((result, _)) => {
                    // A pending timer would keep Node's event loop alive.
                    clear_timeout(&timer_id);
                    result
                }
                Either::Right(_) => {
                    if let Some(controller) = &controller {
                        controller.abort();
                    }
                    Err(Error::new(
                        ErrorKind::Timeout,
                        format!("no complete answer within {} ms", timeout.as_millis()),
                    ))
                }
            }
        })
    }
}

/// A promise that resolves after `timeout`, and the timer's id.
pub(crate) fn timer(timeout: Duration) -> (Promise, JsValue) {
    let ms = (timeout.as_secs_f64() * 1000.0).clamp(0.0, MAX_TIMER_MS);
    let mut id = JsValue::UNDEFINED;
    let promise = Promise::new(&mut |resolve, _reject| {
        id = set_timeout(&resolve, ms);
    });
    (promise, id)
}

/// One request and its whole answer.
async fn exchange(
    fetch: &Function,
    this: &JsValue,
    request: HttpRequest,
    controller: Option<&AbortController>,
) -> Result<HttpResponse> {
    let init = request_init(&request, controller);
    let returned = fetch
        .call2(this, &JsValue::from_str(&request.url), &init)
        .map_err(|err| classify(&err))?;
    // resolve() also accepts a fetch that returns a plain value.
    let response = JsFuture::from(Promise::resolve(&returned))
        .await
        .map_err(|err| classify(&err))?;
    if !response.is_object() {
        return Err(not_a_response("an answer that is not an object"));
    }
    let response: FetchResponse = response.unchecked_into();
    let status = response
        .status()
        .as_f64()
        .filter(|status| status.fract() == 0.0 && (100.0..=999.0).contains(status))
        .ok_or_else(|| not_a_response("no valid `status`"))?;
    let reason = response
        .status_text()
        .as_string()
        .filter(|text| !text.is_empty());
    let headers = headers(&response.headers())?;
    let body = response.array_buffer().map_err(|err| body_error(&err))?;
    let body = JsFuture::from(Promise::resolve(&body))
        .await
        .map_err(|err| body_error(&err))?;
    if !body.is_instance_of::<js_sys::ArrayBuffer>() {
        return Err(not_a_response(
            "an `arrayBuffer()` that is not an ArrayBuffer",
        ));
    }
    Ok(HttpResponse {
        // Checked to be an integer in 100..=999 above.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        status: status as u16,
        reason,
        headers,
        // The one copy of the body: into wasm memory, where the core reads
        // it and `pages.rs` decodes page text in place (no copy back).
        body: Uint8Array::new(&body).to_vec().into(),
    })
}

/// `{ method, headers, signal, redirect }`: headers as a plain object, the
/// form every fetch look-alike accepts.
fn request_init(request: &HttpRequest, controller: Option<&AbortController>) -> JsValue {
    let headers = Object::new();
    for (name, value) in &request.headers {
        let _ = Reflect::set(
            &headers,
            &JsValue::from_str(name),
            &JsValue::from_str(value),
        );
    }
    let init = Object::new();
    let _ = Reflect::set(&init, &"method".into(), &JsValue::from_str(request.method));
    let _ = Reflect::set(&init, &"headers".into(), &headers);
    let _ = Reflect::set(&init, &"redirect".into(), &"follow".into());
    if let Some(controller) = controller {
        let _ = Reflect::set(&init, &"signal".into(), &controller.signal());
    }
    init.into()
}

/// Response headers from anything iterable as `[name, value]` pairs (a
/// `Headers`, a `Map`, an array of pairs).
fn headers(headers: &JsValue) -> Result<Vec<(String, Vec<u8>)>> {
    let Ok(Some(iterator)) = js_sys::try_iter(headers) else {
        return Err(not_a_response("`headers` that cannot be iterated"));
    };
    let mut out = Vec::new();
    for entry in iterator {
        let entry = entry.map_err(|err| classify(&err))?;
        let pair = Array::from(&entry);
        match (pair.get(0).as_string(), pair.get(1).as_string()) {
            (Some(name), Some(value)) => out.push((name, header_bytes(&value))),
            _ => return Err(not_a_response("a header that is not a [name, value] pair")),
        }
    }
    Ok(out)
}

/// fetch gives header values as byte strings (one char per byte, as
/// ISO-8859-1); turn them back into the bytes the core decodes. A value with
/// wider characters (only a custom fetch can make one) goes as UTF-8.
fn header_bytes(value: &str) -> Vec<u8> {
    value
        .chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect::<Option<Vec<u8>>>()
        .unwrap_or_else(|| value.as_bytes().to_vec())
}

fn not_a_response(what: &str) -> Error {
    Error::new(
        ErrorKind::Transport,
        format!("the fetch function returned {what}; expected a fetch Response"),
    )
}

fn body_error(err: &JsValue) -> Error {
    let cause = classify(err);
    Error::new(
        ErrorKind::Transport,
        format!("could not read the response body: {}", cause.message()),
    )
}

/// Map what a fetch threw or rejected with to the core's kinds. fetch says
/// little: a network failure is a `TypeError` (so `connect`); Node's undici
/// adds a `cause` with a `code` that tells TLS failures and resets apart.
fn classify(err: &JsValue) -> Error {
    let name = property(err, "name");
    let mut message = property(err, "message")
        .or_else(|| err.as_string())
        .unwrap_or_else(|| "fetch failed".to_owned());
    let cause = Reflect::get(err, &"cause".into()).unwrap_or(JsValue::UNDEFINED);
    let code = property(&cause, "code");
    if let Some(detail) = property(&cause, "message") {
        if !message.contains(&detail) {
            message = format!("{message}: {detail}");
        }
    }
    if let Some(code) = &code {
        if !message.contains(code.as_str()) {
            message = format!("{message} ({code})");
        }
    }
    let code = code.unwrap_or_default();
    let kind = if is_tls(&code, &message) {
        ErrorKind::Tls
    } else if matches!(name.as_deref(), Some("AbortError" | "TimeoutError")) {
        ErrorKind::Timeout
    } else if matches!(
        code.as_str(),
        "ECONNRESET" | "EPIPE" | "UND_ERR_SOCKET" | "UND_ERR_BODY_TIMEOUT"
    ) {
        // The connection was made and then broke.
        ErrorKind::Transport
    } else if name.as_deref() == Some("TypeError") {
        ErrorKind::Connect
    } else {
        ErrorKind::Transport
    };
    Error::new(kind, message)
}

fn is_tls(code: &str, message: &str) -> bool {
    code.contains("CERT")
        || code.contains("TLS")
        || code.contains("SSL")
        || message.contains("certificate")
}

fn property(value: &JsValue, key: &str) -> Option<String> {
    if !value.is_object() {
        return None;
    }
    Reflect::get(value, &JsValue::from_str(key))
        .ok()
        .and_then(|value| value.as_string())
}
