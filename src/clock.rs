//! Time, as the host provides it. The rate limiter, retry backoff and the
//! action deadline need a monotonic clock and a way to wait; natively that
//! is tokio's timer, in a wasm host the host's own timers (the binding
//! passes a [`Clock`]). The core never touches a timer directly.

use std::time::Duration;

use crate::transport::{BoxFuture, MaybeSendSync};

/// A monotonic clock and a timer.
pub trait Clock: MaybeSendSync {
    /// Monotonic time since an arbitrary origin.
    fn now(&self) -> Duration;
    /// Seconds since the Unix epoch (for `Retry-After` HTTP dates), if known.
    fn unix_seconds(&self) -> Option<i64>;
    /// Wait `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
    /// Whether this clock can really wait; a clock that cannot makes the
    /// limiter and backoff inert instead of spinning.
    fn can_wait(&self) -> bool {
        true
    }
}

/// tokio's timer and the system clock.
#[cfg(feature = "native")]
#[derive(Debug)]
pub struct TokioClock {
    origin: tokio::time::Instant,
}

#[cfg(feature = "native")]
impl Default for TokioClock {
    fn default() -> Self {
        TokioClock {
            origin: tokio::time::Instant::now(),
        }
    }
}

#[cfg(feature = "native")]
impl Clock for TokioClock {
    fn now(&self) -> Duration {
        self.origin.elapsed()
    }

    fn unix_seconds(&self) -> Option<i64> {
        crate::dates::now_seconds()
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// The clock of a host that gave none: time stands still and nothing waits,
/// so rate limiting and backoff delays are off (retries still happen).
#[derive(Debug, Default)]
pub struct NoClock;

impl Clock for NoClock {
    fn now(&self) -> Duration {
        Duration::ZERO
    }

    fn unix_seconds(&self) -> Option<i64> {
        None
    }

    fn sleep(&self, _duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(std::future::ready(()))
    }

    fn can_wait(&self) -> bool {
        false
    }
}

/// The clock a client gets when the host supplies none.
#[must_use]
pub fn default_clock() -> std::sync::Arc<dyn Clock> {
    #[cfg(feature = "native")]
    {
        std::sync::Arc::new(TokioClock::default())
    }
    #[cfg(not(feature = "native"))]
    {
        std::sync::Arc::new(NoClock)
    }
}
