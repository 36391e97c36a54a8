//! The `/_sim/*` control endpoints (no auth): health, faults, rate limits, statistics,
//! request log, shutdown.

use bytes::Bytes;

use crate::faults::FaultRule;
use crate::http::{Request, Response};
use crate::limits::RateLimits;
use crate::server::Shared;

fn ok() -> Response {
    Response::json(200, Bytes::from_static(b"{\"ok\":true}"))
}

fn json<T: serde::Serialize>(v: &T) -> Response {
    Response::json(200, Bytes::from(serde_json::to_vec(v).unwrap_or_default()))
}

/// Serve a control request; the flag asks the server to stop after answering.
pub(crate) fn handle(shared: &Shared, req: &Request) -> (Response, bool) {
    let method = req.method.as_str();
    let resp = match req.path.trim_end_matches('/') {
        "/_sim/health" => match method {
            "GET" => ok(),
            _ => not_allowed("GET"),
        },
        "/_sim/faults" => match method {
            "GET" => json(&shared.faults.rules()),
            "PUT" | "POST" => match serde_json::from_slice::<Vec<FaultRule>>(&req.body) {
                Ok(rules) => {
                    shared.faults.set(rules);
                    ok()
                }
                Err(e) => Response::error(400, &format!("invalid fault rules: {e}")),
            },
            "DELETE" => {
                shared.faults.set(Vec::new());
                ok()
            }
            _ => not_allowed("GET, PUT, DELETE"),
        },
        "/_sim/rate_limits" => match method {
            "GET" => json(&shared.limiter.get()),
            "PUT" | "POST" => match serde_json::from_slice::<Option<RateLimits>>(&req.body) {
                Ok(limits) => match limits.as_ref().map_or(Ok(()), RateLimits::validate) {
                    Ok(()) => {
                        shared.limiter.set(limits);
                        ok()
                    }
                    Err(e) => Response::error(400, &format!("invalid rate limits: {e}")),
                },
                Err(e) => Response::error(400, &format!("invalid rate limits: {e}")),
            },
            "DELETE" => {
                shared.limiter.set(None);
                ok()
            }
            _ => not_allowed("GET, PUT, DELETE"),
        },
        "/_sim/stats" => match method {
            "GET" => json(&shared.stats.get()),
            "DELETE" => {
                shared.stats.reset();
                ok()
            }
            _ => not_allowed("GET, DELETE"),
        },
        "/_sim/requests" => match method {
            "GET" => json(&shared.requests()),
            "DELETE" => {
                shared.clear_requests();
                ok()
            }
            _ => not_allowed("GET, DELETE"),
        },
        "/_sim/shutdown" => match method {
            "POST" => return (ok(), true),
            _ => not_allowed("POST"),
        },
        _ => Response::error(404, "Not Found"),
    };
    (resp, false)
}

fn not_allowed(allow: &str) -> Response {
    Response::error(405, "Method Not Allowed").with_header("Allow", allow.to_string())
}
