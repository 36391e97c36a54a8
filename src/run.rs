//! One action run: every request it makes goes through here, so the rate
//! limiter, retries with backoff, the action deadline and the request count
//! apply to single calls, paginated pulls and composite actions alike.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::input::Prepared;
use crate::pagination::{PageFetcher, PageProgress};
use crate::policy::{backoff_delay, is_retryable_error, is_retryable_status, retry_after, Slot};
use crate::transport::HttpResponse;

pub(crate) struct ActionRun<'a> {
    client: &'a Client,
    action: &'static str,
    started: Duration,
    requests: AtomicU32,
}

impl<'a> ActionRun<'a> {
    pub(crate) fn new(client: &'a Client, action: &'static str) -> ActionRun<'a> {
        ActionRun {
            client,
            action,
            started: client.clock().now(),
            requests: AtomicU32::new(0),
        }
    }

    /// HTTP requests made so far, retries included.
    pub(crate) fn requests(&self) -> u32 {
        self.requests.load(Ordering::Relaxed)
    }

    /// The moment on the client's clock the action must end by, if any.
    fn deadline(&self) -> Option<Duration> {
        Some(self.started + self.client.config().action_timeout()?)
    }

    /// Time left before the action deadline, if there is one.
    fn remaining(&self) -> Option<Duration> {
        let deadline = self.client.config().action_timeout()?;
        Some(deadline.saturating_sub(self.client.clock().now().saturating_sub(self.started)))
    }

    /// The deadline passed before attempt `attempt` could be sent.
    fn past_deadline(&self, attempt: u32) -> Error {
        let error = self.deadline_error();
        if attempt > 1 {
            error.with_attempts(attempt - 1)
        } else {
            error
        }
    }

    fn deadline_error(&self) -> Error {
        let deadline = self.client.config().action_timeout().unwrap_or_default();
        Error::new(
            ErrorKind::Deadline,
            format!(
                "the action deadline of {deadline:.1?} (action_timeout) passed after {} requests",
                self.requests()
            ),
        )
        .in_action(self.action)
    }
}

impl PageFetcher for ActionRun<'_> {
    async fn fetch(
        &self,
        prepared: &Prepared,
        extra: &[(&str, String)],
    ) -> Result<(HttpResponse, u32)> {
        let client = self.client;
        let clock = client.clock();
        let policy = client.config().retry();
        let request_started = clock.now();
        let mut request = client.request_for(prepared, extra);
        let mut attempt = 1;
        loop {
            let slot = client
                .limiter()
                .acquire(clock, self.deadline())
                .await
                .map_err(|err| err.in_action(self.action))?;
            let cut_short = match self.remaining() {
                _ if slot == Slot::PastDeadline => return Err(self.past_deadline(attempt)),
                Some(left) if left.is_zero() => return Err(self.past_deadline(attempt)),
                Some(left) if left < client.config().request_timeout() => {
                    request.timeout = left;
                    true
                }
                _ => false,
            };
            self.requests.fetch_add(1, Ordering::Relaxed);
            let sent = clock.now();
            let result = client.transport().send(request.clone()).await;
            log_result(
                self.action,
                &request.url,
                attempt,
                &result,
                clock.now().saturating_sub(sent),
            );
            if cut_short
                && result
                    .as_ref()
                    .is_err_and(|err| err.kind() == ErrorKind::Timeout)
            {
                return Err(self.deadline_error().with_attempts(attempt));
            }
            let retryable = match &result {
                Ok(response) => is_retryable_status(response.status),
                Err(err) => is_retryable_error(err),
            };
            if !retryable || attempt >= policy.max_attempts {
                return finish(result, attempt, self.action);
            }
            let asked = result.as_ref().ok().and_then(|response| {
                response
                    .headers
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case("retry-after"))
                    .and_then(|(_, value)| {
                        retry_after(&String::from_utf8_lossy(value), clock.unix_seconds())
                    })
            });
            let wait = match asked {
                // The server said when; waiting less would only earn another 429.
                Some(asked) if asked > policy.max_delay => {
                    return finish(result, attempt, self.action)
                }
                Some(asked) => asked,
                None => backoff_delay(policy, attempt, client.jitter()),
            };
            let spent = clock.now().saturating_sub(request_started);
            if spent + wait > policy.max_total {
                return finish(result, attempt, self.action);
            }
            if self.remaining().is_some_and(|left| wait >= left) {
                return Err(self.deadline_error().with_attempts(attempt));
            }
            log::warn!(
                target: "knowbe4_connector",
                "{}: attempt {attempt} of {} failed ({}); retrying in {wait:.2?}",
                self.action,
                policy.max_attempts,
                describe(&result)
            );
            clock.sleep(wait).await;
            attempt += 1;
        }
    }

    fn progress(&self, progress: PageProgress) {
        self.client.report_progress(progress);
    }

    fn max_pages(&self) -> u64 {
        self.client.config().max_pages()
    }

    fn unix_seconds(&self) -> Option<i64> {
        self.client.clock().unix_seconds()
    }
}

fn finish(
    result: Result<HttpResponse>,
    attempts: u32,
    action: &str,
) -> Result<(HttpResponse, u32)> {
    match result {
        Ok(response) => Ok((response, attempts)),
        Err(err) => Err(err.in_action(action).with_attempts(attempts)),
    }
}

fn describe(result: &Result<HttpResponse>) -> String {
    match result {
        Ok(response) => format!("HTTP {}", response.status),
        Err(err) => format!("{}: {}", err.kind().code(), err.message()),
    }
}

/// One debug line per request: method-less URL (it carries no secret: the
/// token travels in a header), status or error, time.
fn log_result(
    action: &str,
    url: &str,
    attempt: u32,
    result: &Result<HttpResponse>,
    took: Duration,
) {
    log::debug!(
        target: "knowbe4_connector",
        "{action}: GET {url} attempt {attempt} -> {} in {took:.1?}",
        describe(result)
    );
}
