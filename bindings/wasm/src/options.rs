//! `new Client(options)`: the JS options object to a checked core
//! `ClientConfig` plus the fetch function requests go through. The core
//! checks the values (URL rules, token, timeout); this file only reads the
//! JS object, refusing unknown keys so a typo (`timeout`, `verifySSL`) is an
//! error instead of a silently ignored option.

use std::time::Duration;

use js_sys::{Function, Object, Reflect};
use knowbe4_connector::{ClientConfig, Error, RateLimits, Result, RetryPolicy};
use wasm_bindgen::{JsCast, JsValue};

use crate::fetch::FetchFn;

const KNOWN: [&str; 10] = [
    "url",
    "region",
    "token",
    "verifySsl",
    "timeoutMs",
    "allowInsecureHttp",
    "fetch",
    "maxAttempts",
    "actionTimeoutMs",
    "rateLimit",
];

/// Read and check the constructor's options.
pub fn parse(options: &JsValue) -> Result<(ClientConfig, FetchFn)> {
    if !options.is_object() {
        return Err(Error::invalid_input(
            "options",
            "expected an options object: { url | region, token, ... }",
        ));
    }
    for key in Object::keys(options.unchecked_ref::<Object>()).iter() {
        let key = key.as_string().unwrap_or_default();
        if !KNOWN.contains(&key.as_str()) {
            return Err(Error::invalid_input(
                key,
                format!("unknown option; expected one of {}", KNOWN.join(", ")),
            ));
        }
    }

    let mut builder = ClientConfig::builder();
    if let Some(url) = string(options, "url")? {
        builder = builder.url(url);
    }
    if let Some(region) = string(options, "region")? {
        builder = builder.region(region);
    }
    if let Some(token) = string(options, "token")? {
        builder = builder.token(token);
    }
    if let Some(allow) = boolean(options, "allowInsecureHttp")? {
        builder = builder.allow_insecure_http(allow);
    }
    if let Some(timeout) = milliseconds(options, "timeoutMs")? {
        builder = builder.request_timeout(timeout);
    }
    if let Some(timeout) = milliseconds(options, "actionTimeoutMs")? {
        builder = builder.action_timeout(timeout);
    }
    if let Some(value) = get(options, "maxAttempts") {
        let attempts = value
            .as_f64()
            .filter(|n| n.fract() == 0.0 && (1.0..=100.0).contains(n))
            .ok_or_else(|| {
                Error::invalid_input("maxAttempts", "expected a whole number from 1 to 100")
            })?;
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        // checked to 1..=100 above
        let attempts = attempts as u32;
        builder = builder.retry(RetryPolicy {
            max_attempts: attempts,
            ..RetryPolicy::default()
        });
    }
    // Default: KnowBe4's limits except for loopback; true forces them, false turns them off.
    match boolean(options, "rateLimit")? {
        Some(true) => builder = builder.rate_limits(Some(RateLimits::knowbe4(0))),
        Some(false) => builder = builder.rate_limits(None),
        None => {}
    }
    let verify_ssl = boolean(options, "verifySsl")?;
    let fetch = match get(options, "fetch") {
        None => {
            // fetch has no switch to skip certificate checks; rather than
            // verify anyway behind the user's back, say so. A custom fetch
            // (an undici Agent with rejectUnauthorized: false, a proxy...)
            // is the way, and then verification is its business.
            if verify_ssl == Some(false) {
                return Err(Error::invalid_input(
                    "verifySsl",
                    "fetch cannot skip TLS verification; pass a `fetch` that does (e.g. one using an \
                     undici Agent with rejectUnauthorized: false) or leave verifySsl unset",
                ));
            }
            FetchFn::global()?
        }
        Some(value) => FetchFn::Custom(value.dyn_into::<Function>().map_err(|_| {
            Error::invalid_input("fetch", "expected a function with fetch's signature")
        })?),
    };
    if let Some(verify) = verify_ssl {
        builder = builder.verify_ssl(verify);
    }
    Ok((builder.build()?, fetch))
}

/// The value of `key`, `None` when absent, `undefined` or `null`.
fn get(options: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(options, &JsValue::from_str(key))
        .ok()
        .filter(|value| !value.is_undefined() && !value.is_null())
}

fn string(options: &JsValue, key: &str) -> Result<Option<String>> {
    get(options, key)
        .map(|value| {
            value
                .as_string()
                .ok_or_else(|| Error::invalid_input(key, "expected a string"))
        })
        .transpose()
}

fn boolean(options: &JsValue, key: &str) -> Result<Option<bool>> {
    get(options, key)
        .map(|value| {
            value
                .as_bool()
                .ok_or_else(|| Error::invalid_input(key, "expected true or false"))
        })
        .transpose()
}

/// A positive finite number of milliseconds (`timeoutMs`,
/// `actionTimeoutMs`). Zero is left to the core, which refuses it with its
/// own message.
fn milliseconds(options: &JsValue, key: &str) -> Result<Option<Duration>> {
    let Some(value) = get(options, key) else {
        return Ok(None);
    };
    // try_from, not from_secs_f64: a huge number must be an error, not a panic.
    value
        .as_f64()
        .filter(|ms| *ms >= 0.0)
        .and_then(|ms| Duration::try_from_secs_f64(ms / 1000.0).ok())
        .map(Some)
        .ok_or_else(|| Error::invalid_input(key, "expected a positive number of milliseconds"))
}
