//! Which failures are worth another try, and how long to wait first:
//! exponential backoff with full jitter, or the server's `Retry-After`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::error::{Error, ErrorKind};
use crate::policy::RetryPolicy;

/// Throttling (429) and server trouble (500, 502, 503, 504) may pass.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// No answer at all may be a passing network fault; refused input, TLS
/// failures and undecodable answers will not change on a retry.
pub(crate) fn is_retryable_error(error: &Error) -> bool {
    matches!(
        error.kind(),
        ErrorKind::Connect | ErrorKind::ConnectTimeout | ErrorKind::Transport | ErrorKind::Timeout
    )
}

/// A small, lock-free random source for jitter (not for secrets).
pub(crate) struct Jitter(AtomicU64);

impl Jitter {
    pub(crate) fn new(seed: u64) -> Jitter {
        Jitter(AtomicU64::new(seed | 1))
    }

    /// A uniform fraction in [0, 1).
    fn next_fraction(&self) -> f64 {
        let mut x = self.0.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
        x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        x ^= x >> 31;
        #[allow(clippy::cast_precision_loss)] // 53 bits of randomness are plenty
        let fraction = (x >> 11) as f64 / (1u64 << 53) as f64;
        fraction
    }
}

/// Full jitter: uniform in [0, min(max_delay, base_delay * 2^(attempt-1))].
pub(crate) fn backoff_delay(policy: &RetryPolicy, attempt: u32, jitter: &Jitter) -> Duration {
    let exponent = attempt.saturating_sub(1).min(30);
    let ceiling = policy
        .base_delay
        .saturating_mul(1 << exponent)
        .min(policy.max_delay);
    ceiling.mul_f64(jitter.next_fraction())
}

/// The wait a `Retry-After` header asks for: delta-seconds or an HTTP date
/// (`Sun, 06 Nov 1994 08:49:37 GMT`), judged against `now_unix`.
pub(crate) fn retry_after(value: &str, now_unix: Option<i64>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = http_date(value)?;
    let now = now_unix?;
    Some(Duration::from_secs(u64::try_from(at - now).unwrap_or(0)))
}

/// IMF-fixdate, the one form servers must send.
fn http_date(value: &str) -> Option<i64> {
    let rest = value.split_once(", ")?.1;
    let mut parts = rest.split(' ');
    let day = parts.next()?;
    let month = parts.next()?;
    let year = parts.next()?;
    let time = parts.next()?;
    if parts.next() != Some("GMT") {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| *m == month)? + 1;
    crate::dates::parse_seconds(&format!("{year}-{month:02}-{day:0>2}T{time}Z"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        assert_eq!(retry_after("7", None), Some(Duration::from_secs(7)));
        let now = crate::dates::parse_seconds("1994-11-06T08:49:30Z");
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(retry_after("Sun, 06 Nov 1994 08:49:37 GMT", None), None);
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now),
            Some(Duration::ZERO),
            "a past date means now"
        );
    }

    #[test]
    fn backoff_is_capped_and_jittered() {
        let policy = RetryPolicy::default();
        let jitter = Jitter::new(3);
        for attempt in 1..40 {
            let ceiling = policy
                .base_delay
                .saturating_mul(1 << (attempt - 1).min(30))
                .min(policy.max_delay);
            let delay = backoff_delay(&policy, attempt, &jitter);
            assert!(
                delay <= ceiling,
                "attempt {attempt}: {delay:?} > {ceiling:?}"
            );
        }
        let spread: std::collections::BTreeSet<u128> = (0..50)
            .map(|_| backoff_delay(&policy, 3, &jitter).as_micros())
            .collect();
        assert!(spread.len() > 40, "full jitter spreads the waits");
    }

    #[test]
    fn what_is_retried() {
        for status in [429, 500, 502, 503, 504] {
            assert!(is_retryable_status(status));
        }
        for status in [200, 400, 401, 403, 404, 406, 501] {
            assert!(!is_retryable_status(status));
        }
        assert!(is_retryable_error(&Error::new(ErrorKind::Connect, "x")));
        assert!(is_retryable_error(&Error::new(
            ErrorKind::ConnectTimeout,
            "x"
        )));
        assert!(!is_retryable_error(&Error::new(ErrorKind::Deadline, "x")));
        assert!(!is_retryable_error(&Error::new(ErrorKind::Tls, "x")));
        assert!(!is_retryable_error(&Error::invalid_input("a", "x")));
    }
}
