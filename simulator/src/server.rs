//! The accept loop, per-connection keep-alive handling, faults and the request log.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

use crate::cache::RenderCache;
use crate::control;
use crate::data::Dataset;
use crate::faults::{Fault, FaultState};
use crate::http::{self, read_request, write_response, ReadOutcome, Request, Response};
use crate::limits::{Limiter, StatCounters};
use crate::rng::Rng;
use crate::routes::{self, RouteOptions};

/// Most requests kept in the log (oldest dropped first).
const MAX_LOG: usize = 200_000;

/// One API request as the simulator received it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// The method, e.g. `GET`.
    pub method: String,
    /// The path without the query string.
    pub path: String,
    /// The raw query string exactly as received (`""` if none).
    pub query: String,
    /// Headers as received, with the `Authorization` value replaced by `<redacted>`.
    pub headers: Vec<(String, String)>,
    /// Whether the bearer token matched.
    pub authorized: bool,
}

impl RecordedRequest {
    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// State shared by the server tasks and the [`crate::Simulator`] handle.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) token: String,
    pub(crate) dataset: Arc<Dataset>,
    pub(crate) faults: FaultState,
    pub(crate) limiter: Limiter,
    pub(crate) stats: StatCounters,
    pub(crate) cache: RenderCache,
    pub(crate) cursor_mask: u64,
    log: Mutex<VecDeque<RecordedRequest>>,
    counter: AtomicU64,
    pub(crate) shutdown: Notify,
    stopped: (Mutex<bool>, Condvar),
}

impl Shared {
    pub(crate) fn new(
        token: String,
        seed: u64,
        dataset: Arc<Dataset>,
        faults: FaultState,
        limiter: Limiter,
    ) -> Shared {
        Shared {
            token,
            dataset,
            faults,
            limiter,
            stats: StatCounters::default(),
            cache: RenderCache::default(),
            cursor_mask: Rng::new(seed, 99).next_u64() & 0x0FFF_FFFF_FFFF_FFFF,
            log: Mutex::new(VecDeque::new()),
            counter: AtomicU64::new(0),
            shutdown: Notify::new(),
            stopped: (Mutex::new(false), Condvar::new()),
        }
    }

    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        self.log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .cloned()
            .collect()
    }

    pub(crate) fn clear_requests(&self) {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    fn record(&self, req: &Request, authorized: bool) {
        let headers = req
            .headers
            .iter()
            .map(|(n, v)| {
                if n.eq_ignore_ascii_case("authorization") {
                    (n.clone(), "<redacted>".to_string())
                } else {
                    (n.clone(), v.clone())
                }
            })
            .collect();
        let entry = RecordedRequest {
            method: req.method.clone(),
            path: req.path.clone(),
            query: req.query.clone(),
            headers,
            authorized,
        };
        let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        if log.len() >= MAX_LOG {
            log.pop_front();
        }
        log.push_back(entry);
    }

    fn authorized(&self, req: &Request) -> bool {
        let Some(value) = req.header("authorization") else {
            return false;
        };
        let value = value.trim();
        match value.split_once(' ') {
            Some((scheme, token)) => {
                scheme.eq_ignore_ascii_case("bearer") && token.trim() == self.token
            }
            None => false,
        }
    }

    pub(crate) fn mark_stopped(&self) {
        *self.stopped.0.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.stopped.1.notify_all();
    }

    pub(crate) fn wait_stopped(&self) {
        let mut stopped = self.stopped.0.lock().unwrap_or_else(|e| e.into_inner());
        while !*stopped {
            stopped = self
                .stopped
                .1
                .wait(stopped)
                .unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// Accept connections until [`Shared::shutdown`] is notified.
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        tokio::select! {
            _ = shared.shutdown.notified() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(connection(stream, shared.clone()));
                }
                // Out of file descriptors and the like: back off briefly.
                Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            },
        }
    }
}

async fn connection(mut stream: TcpStream, shared: Arc<Shared>) {
    let mut buf = Vec::new();
    loop {
        let req = match read_request(&mut stream, &mut buf).await {
            Ok(ReadOutcome::Request(r)) => r,
            Ok(ReadOutcome::Closed | ReadOutcome::Malformed) | Err(_) => return,
        };
        let n = shared.counter.fetch_add(1, Ordering::Relaxed) + 1;
        let request_id = format!("sim-{n}");
        let close = !req.keep_alive;
        let control = req.path == "/_sim" || req.path.starts_with("/_sim/");
        let (resp, stop, stall) = if control {
            let (resp, stop) = control::handle(&shared, &req);
            (resp, stop, None)
        } else {
            match api(&shared, &req).await {
                Some((r, stall)) => (r, false, stall),
                None => return, // Fault::Reset: drop the connection unanswered.
            }
        };
        if write_response(&mut stream, &resp, &request_id, close || stop, stall)
            .await
            .is_err()
        {
            return;
        }
        if stop {
            shared.shutdown.notify_one();
        }
        if close || stop {
            let _ = stream.shutdown().await;
            return;
        }
    }
}

const HTML_503: &str = "<!DOCTYPE html>\n<html><head><title>Down for maintenance</title></head>\
<body><h1>We'll be back soon</h1><p>KnowBe4 is undergoing scheduled maintenance.</p></body></html>\n";

/// Body bytes to send before a stall, and the stall.
type Stall = Option<(usize, Duration)>;

/// An API request: count and log it, apply the rate limits (to authorised requests), then any
/// fault, then route it. `None` means reset the connection.
async fn api(shared: &Shared, req: &Request) -> Option<(Response, Stall)> {
    shared.stats.request();
    let authorized = shared.authorized(req);
    shared.record(req, authorized);
    if authorized {
        if let Err(retry_after) = shared.limiter.check() {
            shared.stats.rate_limited();
            let r = Response::error(429, "Rate limit exceeded");
            let r = match retry_after {
                Some(secs) => r.with_header("Retry-After", secs.to_string()),
                None => r,
            };
            return Some((r, None));
        }
    }
    let fault = shared.faults.check(&req.path);
    if fault.is_some() {
        shared.stats.fault();
    }
    let normal = || routes::handle(shared, req, authorized);
    let resp = match fault {
        None => normal(),
        Some(Fault::Status {
            status,
            retry_after,
        }) => {
            let msg = match http::reason(status) {
                "Unknown" => format!("Simulated error {status}"),
                r => r.to_string(),
            };
            let r = Response::error(status, &msg);
            match retry_after {
                Some(v) => r.with_header("Retry-After", v),
                None => r,
            }
        }
        Some(Fault::Html503) => Response {
            status: 503,
            content_type: "text/html; charset=utf-8",
            headers: Vec::new(),
            body: Bytes::from_static(HTML_503.as_bytes()),
        },
        Some(Fault::Slow { delay_ms }) => {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            normal()
        }
        Some(Fault::TruncatedJson) => {
            let mut r = normal();
            r.body = r.body.slice(..r.body.len() / 2);
            r
        }
        Some(Fault::InvalidJson) => Response::json(200, Bytes::from_static(b"{\"oops\": nope}")),
        Some(Fault::Custom {
            status,
            content_type,
            body,
        }) => {
            let response = Response {
                status,
                content_type: "",
                headers: Vec::new(),
                body: Bytes::from(body),
            };
            match content_type {
                Some(content_type) => response.with_header("Content-Type", content_type),
                None => response,
            }
        }
        Some(Fault::Reset) => return None,
        Some(Fault::Stall { after_bytes, ms }) => {
            return Some((normal(), Some((after_bytes, Duration::from_millis(ms)))));
        }
        Some(Fault::WrongContentType) => {
            let mut r = normal();
            r.content_type = "text/html; charset=utf-8";
            r
        }
        Some(Fault::Oversized { bytes }) => Response::json(
            200,
            shared
                .cache
                .get_or_render(format!("fault:oversized?{bytes}"), || oversized(bytes)),
        ),
        Some(Fault::Redirect { location, status }) => {
            let mut target = format!("{}{}", location.trim_end_matches('/'), req.path);
            if !req.query.is_empty() {
                target.push('?');
                target.push_str(&req.query);
            }
            Response {
                status,
                content_type: "",
                headers: vec![("Location", target)],
                body: Bytes::new(),
            }
        }
        Some(Fault::RepeatPage) => {
            routes::handle_with(shared, req, authorized, RouteOptions { repeat_page: true })
        }
    };
    Some((resp, None))
}

/// A JSON array of filler objects, at least `bytes` long.
fn oversized(bytes: usize) -> Vec<u8> {
    const PAD: &str = "KnowBe4 simulator filler: this record exists only to make the response big.";
    let mut out = Vec::with_capacity(bytes.saturating_add(160));
    out.push(b'[');
    let mut n = 0u64;
    while out.len() + 1 < bytes {
        if n > 0 {
            out.push(b',');
        }
        n += 1;
        out.extend_from_slice(format!("{{\"filler_id\":{n},\"padding\":\"{PAD}\"}}").as_bytes());
    }
    out.push(b']');
    out
}
