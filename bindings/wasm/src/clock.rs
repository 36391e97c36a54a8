//! The host's clock and timers for the core: the rate limiter, retry
//! backoff and action deadlines wait with `setTimeout` and read
//! `performance.now()` (monotonic; `Date.now()` where a host lacks it).

use std::time::Duration;

use js_sys::{Date, Function, Reflect};
use knowbe4_connector::transport::BoxFuture;
use knowbe4_connector::Clock;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::fetch::timer;

/// `globalThis.performance.now` when the host has it.
fn performance_now() -> Option<f64> {
    let performance = Reflect::get(&js_sys::global(), &JsValue::from_str("performance")).ok()?;
    let now = Reflect::get(&performance, &JsValue::from_str("now")).ok()?;
    let now: Function = now.dyn_into().ok()?;
    now.call0(&performance).ok()?.as_f64()
}

/// The host clock; cheap, stateless.
pub struct HostClock;

impl Clock for HostClock {
    fn now(&self) -> Duration {
        let ms = performance_now().unwrap_or_else(Date::now);
        Duration::from_secs_f64(ms.max(0.0) / 1000.0)
    }

    fn unix_seconds(&self) -> Option<i64> {
        #[allow(clippy::cast_possible_truncation)] // milliseconds since 1970 fit in i64 seconds
        Some((Date::now() / 1000.0).floor() as i64)
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        let (promise, _id) = timer(duration);
        Box::pin(async move {
            // A timer promise only resolves.
            let _ = JsFuture::from(promise).await;
        })
    }
}
