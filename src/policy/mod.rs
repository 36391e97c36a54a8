//! How the connector behaves under KnowBe4's limits and faults: the rate
//! limits it keeps to, and when and how it retries.

mod limiter;
mod retry;

use std::time::Duration;

pub(crate) use limiter::{RateLimiter, Slot};
pub(crate) use retry::{
    backoff_delay, is_retryable_error, is_retryable_status, retry_after, Jitter,
};

/// Client-side rate limits: at most `per_second` requests in any `second`,
/// `per_minute` in any `minute`, `per_day` in any `day` (rolling windows).
/// Every call of one client shares them, across threads and tasks.
#[derive(Clone, Debug, PartialEq)]
pub struct RateLimits {
    /// Requests per `second` window.
    pub per_second: u32,
    /// Requests per `minute` window.
    pub per_minute: u32,
    /// Requests per `day` window; `None` for no daily budget.
    pub per_day: Option<u64>,
    /// The "second" window (1 s; shorter to test quickly).
    pub second: Duration,
    /// The "minute" window (60 s).
    pub minute: Duration,
    /// The "day" window (24 h).
    pub day: Duration,
}

impl RateLimits {
    /// KnowBe4's published limits: 4 per second, 50 per rolling minute, and
    /// 2,000 per 24 hours plus the number of licensed users.
    #[must_use]
    pub fn knowbe4(licensed_users: u64) -> RateLimits {
        RateLimits {
            per_second: 4,
            per_minute: 50,
            per_day: Some(2_000 + licensed_users),
            second: Duration::from_secs(1),
            minute: Duration::from_secs(60),
            day: Duration::from_secs(86_400),
        }
    }

    /// The same limits with time running `time_scale` times faster (60.0: a
    /// minute lasts a second), for tests against a time-scaled simulator.
    #[must_use]
    pub fn scaled(mut self, time_scale: f64) -> RateLimits {
        let scale = |window: Duration| Duration::from_secs_f64(window.as_secs_f64() / time_scale);
        self.second = scale(self.second);
        self.minute = scale(self.minute);
        self.day = scale(self.day);
        self
    }

    /// The fastest a long pull can go under these limits: the time `requests`
    /// requests take when each window is kept full.
    #[must_use]
    pub fn minimum_duration(&self, requests: u64) -> Duration {
        let bound = |per: u64, window: Duration| {
            if per == 0 || requests <= per {
                Duration::ZERO
            } else {
                window.mul_f64(((requests - 1) / per) as f64)
            }
        };
        bound(u64::from(self.per_second), self.second)
            .max(bound(u64::from(self.per_minute), self.minute))
    }
}

/// When and how often a failed request is tried again. Only GETs exist so
/// far, and GETs are safe to repeat.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Tries per request, the first included (1 = no retries).
    pub max_attempts: u32,
    /// The first backoff ceiling; it doubles per retry (full jitter: the
    /// wait is uniform between zero and the ceiling).
    pub base_delay: Duration,
    /// The largest ceiling, and the longest `Retry-After` the connector waits.
    pub max_delay: Duration,
    /// The most time spent on one request, retries and waits included.
    pub max_total: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(30),
            max_total: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// One try, no retries.
    #[must_use]
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }
}
