//! The client-side rate limiter: exact rolling windows (a log of request
//! start times per window), shared by every call of one client.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::clock::Clock;
use crate::error::{Error, ErrorKind, Result};
use crate::policy::RateLimits;

/// Slack added to a window: the server counts arrivals, we count
/// departures, and arrivals bunch up by the network's (and the server's
/// queueing) jitter. The per-minute limit is what bounds a long pull (50 a
/// minute is far below 4 a second), so the second window can afford a wide
/// margin at no cost in throughput; the longer windows get a thin one.
fn margin(window: Duration, share: f64) -> Duration {
    window.mul_f64(share) + Duration::from_millis(1)
}

struct Window {
    length: Duration,
    limit: usize,
    starts: VecDeque<Duration>,
}

impl Window {
    fn new(length: Duration, limit: u64, margin_share: f64) -> Window {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        Window {
            length: length + margin(length, margin_share),
            limit,
            starts: VecDeque::with_capacity(limit.min(4096)),
        }
    }

    /// How long until one more request fits.
    fn wait(&mut self, now: Duration) -> Duration {
        while self
            .starts
            .front()
            .is_some_and(|start| now.saturating_sub(*start) >= self.length)
        {
            self.starts.pop_front();
        }
        if self.starts.len() < self.limit {
            Duration::ZERO
        } else {
            (self.starts[0] + self.length).saturating_sub(now)
        }
    }
}

struct State {
    second: Window,
    minute: Window,
    day: Option<Window>,
}

/// The outcome of waiting for a request slot.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Slot {
    /// The request may go now; it has been counted.
    Granted,
    /// The next slot opens after the action's deadline; nothing was counted.
    PastDeadline,
}

/// Shared by clones of a client.
#[derive(Clone)]
pub(crate) struct RateLimiter {
    state: Option<Arc<Mutex<State>>>,
    per_day: Option<u64>,
}

impl RateLimiter {
    pub(crate) fn new(limits: Option<&RateLimits>) -> RateLimiter {
        let state = limits.map(|limits| {
            Arc::new(Mutex::new(State {
                second: Window::new(limits.second, u64::from(limits.per_second), 0.25),
                minute: Window::new(limits.minute, u64::from(limits.per_minute), 0.03),
                day: limits
                    .per_day
                    .map(|per_day| Window::new(limits.day, per_day, 0.01)),
            }))
        });
        RateLimiter {
            state,
            per_day: limits.and_then(|limits| limits.per_day),
        }
    }

    /// Wait until one more request is within the limits, and count it. Fails
    /// fast when the daily budget is spent rather than waiting for hours, and
    /// gives up (without taking a slot) when the wait would pass `deadline`,
    /// the moment on `clock` the action must end by.
    pub(crate) async fn acquire(
        &self,
        clock: &dyn Clock,
        deadline: Option<Duration>,
    ) -> Result<Slot> {
        let Some(state) = &self.state else {
            return Ok(Slot::Granted);
        };
        if !clock.can_wait() {
            return Ok(Slot::Granted);
        }
        loop {
            let wait = {
                let mut state = state
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let now = clock.now();
                if let Some(day) = &mut state.day {
                    if !day.wait(now).is_zero() {
                        return Err(Error::new(
                            ErrorKind::RateLimit,
                            format!(
                                "the daily request budget ({} requests per 24 hours) is spent; \
                                 the next request fits in {:.0?}",
                                self.per_day.unwrap_or_default(),
                                day.wait(now)
                            ),
                        ));
                    }
                }
                let wait = state.second.wait(now).max(state.minute.wait(now));
                if wait.is_zero() {
                    state.second.starts.push_back(now);
                    state.minute.starts.push_back(now);
                    if let Some(day) = &mut state.day {
                        day.starts.push_back(now);
                    }
                    return Ok(Slot::Granted);
                }
                wait
            };
            if deadline.is_some_and(|deadline| clock.now() + wait >= deadline) {
                return Ok(Slot::PastDeadline);
            }
            clock.sleep(wait).await;
        }
    }
}
