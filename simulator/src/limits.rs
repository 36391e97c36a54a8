//! KnowBe4's rate limits (exact rolling windows, optionally time-scaled) and statistics.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// Rate limits the simulator enforces on API requests with a valid token.
///
/// Each limit is an exact rolling window: a request is accepted only if fewer than the limit
/// were *accepted* in the last window length (scaled by [`RateLimits::time_scale`]). A
/// request over any limit gets `429 Too Many Requests` with `{"message": "Rate limit
/// exceeded"}` and does not count as accepted.
///
/// Missing JSON fields take the [`RateLimits::knowbe4`] values, so `{"time_scale": 60}` is a
/// complete value for `PUT /_sim/rate_limits`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RateLimits {
    /// Requests per (scaled) second; KnowBe4: 4.
    pub per_second: u32,
    /// Requests per rolling (scaled) minute; KnowBe4: 50.
    pub per_minute: u32,
    /// Requests per rolling (scaled) 24 hours; `None` = no daily cap. KnowBe4: 2,000 plus
    /// the number of licensed users.
    pub per_day: Option<u64>,
    /// How much faster than real time the windows run: `1.0` = real time; `60.0` makes a
    /// "minute" last 1 s, a "second" 1/60 s and a "day" 24 min. Values that are not finite
    /// and positive are treated as `1.0`.
    pub time_scale: f64,
    /// `false` (as KnowBe4 documents): 429 without `Retry-After`. `true`: add `Retry-After`
    /// with the real seconds until a request would be accepted (rounded up, at least 1).
    pub retry_after: bool,
}

impl Default for RateLimits {
    /// [`RateLimits::knowbe4`].
    fn default() -> Self {
        RateLimits::knowbe4()
    }
}

impl RateLimits {
    /// KnowBe4's documented limits in real time: 4 per second, 50 per rolling minute, no
    /// daily cap, no `Retry-After`.
    pub fn knowbe4() -> RateLimits {
        RateLimits {
            per_second: 4,
            per_minute: 50,
            per_day: None,
            time_scale: 1.0,
            retry_after: false,
        }
    }

    /// KnowBe4's limits with time running `time_scale` times faster (see
    /// [`RateLimits::time_scale`]).
    pub fn scaled(time_scale: f64) -> RateLimits {
        RateLimits {
            time_scale,
            ..RateLimits::knowbe4()
        }
    }

    /// Check that `time_scale` is finite and positive.
    pub fn validate(&self) -> Result<(), String> {
        if self.time_scale.is_finite() && self.time_scale > 0.0 {
            Ok(())
        } else {
            Err(format!(
                "time_scale must be a finite positive number, got {}",
                self.time_scale
            ))
        }
    }

    fn scale(&self) -> f64 {
        if self.validate().is_ok() {
            self.time_scale
        } else {
            1.0
        }
    }

    /// `real_secs` of simulated time as a real duration.
    fn window(&self, real_secs: f64) -> Duration {
        Duration::try_from_secs_f64(real_secs / self.scale()).unwrap_or(Duration::MAX)
    }
}

/// Counters the simulator keeps (`GET /_sim/stats`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// API requests received (not `/_sim/*`), including rejected and unauthorised ones.
    pub requests: u64,
    /// Requests answered 429 by the rate limiter (not by a `Status` fault).
    pub rate_limited: u64,
    /// Requests a fault rule applied to.
    pub faults_injected: u64,
}

#[derive(Debug, Default)]
pub(crate) struct StatCounters {
    requests: AtomicU64,
    rate_limited: AtomicU64,
    faults_injected: AtomicU64,
}

impl StatCounters {
    pub(crate) fn request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn rate_limited(&self) {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn fault(&self) {
        self.faults_injected.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn get(&self) -> Stats {
        Stats {
            requests: self.requests.load(Ordering::Relaxed),
            rate_limited: self.rate_limited.load(Ordering::Relaxed),
            faults_injected: self.faults_injected.load(Ordering::Relaxed),
        }
    }

    pub(crate) fn reset(&self) {
        self.requests.store(0, Ordering::Relaxed);
        self.rate_limited.store(0, Ordering::Relaxed);
        self.faults_injected.store(0, Ordering::Relaxed);
    }
}

/// One rolling window: the instants of the requests accepted within it, oldest first.
#[derive(Debug)]
struct Window {
    length: Duration,
    limit: u64,
    accepted: VecDeque<Instant>,
}

impl Window {
    fn new(length: Duration, limit: u64) -> Window {
        Window {
            length,
            limit,
            accepted: VecDeque::new(),
        }
    }

    /// Forget acceptances older than the window; `Some(wait)` if the window is full.
    fn check(&mut self, now: Instant) -> Option<Duration> {
        while let Some(&t) = self.accepted.front() {
            if now.saturating_duration_since(t) >= self.length {
                self.accepted.pop_front();
            } else {
                break;
            }
        }
        if (self.accepted.len() as u64) < self.limit {
            return None;
        }
        // Full: a slot frees up when the oldest acceptance that must expire leaves the window.
        let oldest_needed = self.accepted.len() as u64 - self.limit;
        let wait = match self.accepted.get(oldest_needed as usize) {
            Some(&t) => (t + self.length).saturating_duration_since(now),
            None => self.length, // a limit of 0 never frees up; say "one window"
        };
        Some(wait)
    }
}

#[derive(Debug)]
struct Active {
    limits: RateLimits,
    windows: Vec<Window>,
}

/// The live limits and their windows (thread-safe).
#[derive(Debug, Default)]
pub(crate) struct Limiter {
    state: Mutex<Option<Active>>,
}

impl Limiter {
    pub(crate) fn new(limits: Option<RateLimits>) -> Limiter {
        let l = Limiter::default();
        l.set(limits);
        l
    }

    /// Replace the limits; the windows start empty.
    pub(crate) fn set(&self, limits: Option<RateLimits>) {
        let active = limits.map(|limits| {
            let mut windows = vec![
                Window::new(limits.window(1.0), u64::from(limits.per_second)),
                Window::new(limits.window(60.0), u64::from(limits.per_minute)),
            ];
            if let Some(per_day) = limits.per_day {
                windows.push(Window::new(limits.window(86_400.0), per_day));
            }
            Active { limits, windows }
        });
        *self.state.lock().unwrap_or_else(|e| e.into_inner()) = active;
    }

    pub(crate) fn get(&self) -> Option<RateLimits> {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(|a| a.limits.clone())
    }

    /// Accept (and count) a request now, or reject it: `Err(Some(seconds))` carries the
    /// `Retry-After` value when the limits ask for one.
    pub(crate) fn check(&self) -> Result<(), Option<u64>> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let Some(active) = state.as_mut() else {
            return Ok(());
        };
        let now = Instant::now();
        let mut wait: Option<Duration> = None;
        for w in &mut active.windows {
            if let Some(d) = w.check(now) {
                wait = Some(wait.map_or(d, |x| x.max(d)));
            }
        }
        match wait {
            None => {
                for w in &mut active.windows {
                    w.accepted.push_back(now);
                }
                Ok(())
            }
            Some(d) => Err(active.limits.retry_after.then(|| {
                let secs = d.as_secs_f64().ceil();
                if secs >= u64::MAX as f64 {
                    u64::MAX
                } else {
                    (secs as u64).max(1)
                }
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_count_only_accepted_requests() {
        let l = Limiter::new(Some(RateLimits {
            per_second: 3,
            per_minute: 1000,
            per_day: Some(5),
            time_scale: 1.0,
            retry_after: true,
        }));
        let results: Vec<_> = (0..5).map(|_| l.check()).collect();
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 3);
        let wait = results[4].unwrap_err().unwrap();
        assert_eq!(wait, 1);
        l.set(None);
        assert!((0..100).all(|_| l.check().is_ok()));
    }

    #[test]
    fn zero_limit_and_bad_scale() {
        let l = Limiter::new(Some(RateLimits {
            per_second: 0,
            time_scale: f64::NAN,
            ..RateLimits::knowbe4()
        }));
        assert_eq!(l.check(), Err(None));
        assert!(RateLimits::scaled(0.0).validate().is_err());
        assert!(RateLimits::scaled(60.0).validate().is_ok());
        let r: RateLimits = serde_json::from_str(r#"{"time_scale": 60}"#).unwrap();
        assert_eq!(r, RateLimits::scaled(60.0));
    }
}
