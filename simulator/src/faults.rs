//! Fault rules: what to break, where, and how often.

use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// One fault-injection rule.
///
/// Rules are checked in order for every API request (never for `/_sim/*`). The first rule
/// whose `path` matches and whose budget is not used up *applies*: while it is still within
/// its first `after` matching requests it lets the request through untouched, then it
/// injects `fault` into the next `times` matching requests (all of them when `times` is
/// `None`). A rule whose budget is used up is skipped, so later rules can take over.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    /// Path prefix to match (e.g. `/v1/training/enrollments`); `None` matches every API path.
    #[serde(default)]
    pub path: Option<String>,
    /// Let this many matching requests pass before faulting.
    #[serde(default)]
    pub after: u64,
    /// Fault this many matching requests, then stop; `None` = every later one.
    #[serde(default)]
    pub times: Option<u64>,
    /// What to do to the response.
    pub fault: Fault,
}

/// The kinds of fault the simulator can inject.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// Respond with `status` and a JSON body `{"message": ...}`; adds `Retry-After` when given.
    Status {
        /// The HTTP status code.
        status: u16,
        /// The `Retry-After` header value, if any.
        #[serde(default)]
        retry_after: Option<String>,
    },
    /// 503 with `Content-Type: text/html` and a small maintenance page.
    Html503,
    /// Wait `delay_ms` milliseconds, then serve the normal response.
    Slow {
        /// The delay in milliseconds.
        delay_ms: u64,
    },
    /// The normal response with its body cut to half its length (`Content-Length` matches
    /// what is sent, so the HTTP message is complete but the JSON is invalid).
    TruncatedJson,
    /// 200 with `Content-Type: application/json` and a body that is not JSON.
    InvalidJson,
    /// Close the connection without sending any response.
    Reset,
    /// Send the status line, the headers (with the full `Content-Length`) and the first
    /// `after_bytes` bytes of the normal body, then wait `ms` milliseconds before sending the
    /// rest (a client's per-request timeout fires mid-body when `ms` is large).
    Stall {
        /// Body bytes sent before the stall (capped at the body's length).
        #[serde(default)]
        after_bytes: usize,
        /// The stall in milliseconds.
        ms: u64,
    },
    /// The normal response, labelled `Content-Type: text/html; charset=utf-8`.
    WrongContentType,
    /// 200 with `Content-Type: application/json` and a valid JSON array of filler objects of
    /// at least `bytes` bytes (rendered once per size).
    Oversized {
        /// The smallest body size in bytes.
        bytes: usize,
    },
    /// Respond `status` (default 302) with `Location: <location><path>?<query>` (the
    /// request's own path and query appended to `location`, a base URL such as
    /// `http://127.0.0.1:8080`) and an empty body.
    Redirect {
        /// The base URL to redirect to (a trailing `/` is dropped).
        location: String,
        /// The redirect status.
        #[serde(default = "default_redirect_status")]
        status: u16,
    },
    /// On list endpoints, ignore `page` (and any `cursor`) and serve the first page at the
    /// requested `per_page`, filters still applied: a list that never ends. No effect on other
    /// endpoints.
    RepeatPage,
    /// Answer with exactly this status, `Content-Type` (none when absent) and
    /// body bytes: for checking how a client decodes unusual bodies (a BOM,
    /// JSON served as text, Latin-1...). JSON form only (`body` is an array
    /// of byte values).
    Custom {
        /// The HTTP status.
        status: u16,
        /// The `Content-Type` header, if any.
        #[serde(default)]
        content_type: Option<String>,
        /// The body, byte for byte.
        body: Vec<u8>,
    },
}

fn default_redirect_status() -> u16 {
    302
}

impl FaultRule {
    /// A rule that applies `fault` to every API request.
    pub fn always(fault: Fault) -> FaultRule {
        FaultRule {
            path: None,
            after: 0,
            times: None,
            fault,
        }
    }

    /// Parse a rule given on the command line (`knowbe4 simulate --fault SPEC`).
    ///
    /// `SPEC` is either a JSON `FaultRule` object (starting with `{`), or the shorthand
    ///
    /// ```text
    /// KIND[@PATH_PREFIX] [@PATH_PREFIX] [xTIMES] [+AFTER]
    /// ```
    ///
    /// with modifiers separated by whitespace (the `@PATH_PREFIX` may also be glued to KIND)
    /// and `KIND` one of:
    ///
    /// - `NNN` — any 3-digit status with a JSON error body, e.g. `429`, `500`, `503`;
    ///   `NNN:VALUE` also sends `Retry-After: VALUE` (e.g. `429:2`);
    /// - `html503` — 503 with an HTML maintenance page;
    /// - `slow:MS` — delay the normal response by `MS` milliseconds;
    /// - `truncated` — the normal body cut in half;
    /// - `invalid-json` — 200 with a body that is not JSON;
    /// - `reset` — close the connection without a response;
    /// - `stall:MS` — send the headers, then stall `MS` milliseconds before the body;
    /// - `wrong-content-type` — the normal body labelled `text/html`;
    /// - `oversized:BYTES` — a 200 JSON array of at least `BYTES` bytes;
    /// - `redirect:URL` — 302 to `URL` plus the request's path and query
    ///   (`redirect:NNN:URL` picks the status, e.g. `redirect:307:http://127.0.0.1:9000`);
    /// - `repeat-page` — list endpoints serve page 1 whatever `page` asks for.
    ///
    /// Example: `429@/v1/training/enrollments x2 +1` lets the first enrollments request
    /// through, then answers the next two with 429, then behaves normally.
    pub fn parse_cli(spec: &str) -> Result<FaultRule, String> {
        let spec = spec.trim();
        if spec.starts_with('{') {
            return serde_json::from_str(spec).map_err(|e| format!("invalid fault JSON: {e}"));
        }
        let mut tokens = spec.split_whitespace();
        let first = tokens
            .next()
            .ok_or_else(|| "empty fault spec".to_string())?;
        let (kind, mut path) = match first.split_once('@') {
            Some((k, p)) => (k, Some(parse_path(p)?)),
            None => (first, None),
        };
        let fault = parse_kind(kind)?;
        let mut times = None;
        let mut after = 0;
        for tok in tokens {
            if let Some(p) = tok.strip_prefix('@') {
                path = Some(parse_path(p)?);
            } else if let Some(n) = tok.strip_prefix('x') {
                times = Some(parse_count(n, tok)?);
            } else if let Some(n) = tok.strip_prefix('+') {
                after = parse_count(n, tok)?;
            } else {
                return Err(format!(
                    "unexpected `{tok}` in fault spec (expected @PATH, xTIMES or +AFTER)"
                ));
            }
        }
        Ok(FaultRule {
            path,
            after,
            times,
            fault,
        })
    }

    fn matches(&self, path: &str) -> bool {
        match self.path.as_deref() {
            Some(p) => path.starts_with(p),
            None => true,
        }
    }
}

fn parse_path(p: &str) -> Result<String, String> {
    if p.starts_with('/') {
        Ok(p.to_string())
    } else {
        Err(format!("fault path `{p}` must start with `/`"))
    }
}

fn parse_count(n: &str, tok: &str) -> Result<u64, String> {
    n.parse()
        .map_err(|_| format!("`{tok}`: expected a non-negative integer"))
}

fn parse_kind(kind: &str) -> Result<Fault, String> {
    let lower = kind.to_ascii_lowercase();
    match lower.as_str() {
        "html503" => return Ok(Fault::Html503),
        "truncated" | "truncated-json" | "truncated_json" => return Ok(Fault::TruncatedJson),
        "invalid-json" | "invalid_json" => return Ok(Fault::InvalidJson),
        "reset" => return Ok(Fault::Reset),
        "wrong-content-type" | "wrong_content_type" => return Ok(Fault::WrongContentType),
        "repeat-page" | "repeat_page" => return Ok(Fault::RepeatPage),
        _ => {}
    }
    if let Some(ms) = lower.strip_prefix("slow:") {
        let delay_ms = ms
            .parse()
            .map_err(|_| format!("`{kind}`: expected slow:MILLISECONDS"))?;
        return Ok(Fault::Slow { delay_ms });
    }
    if let Some(ms) = lower.strip_prefix("stall:") {
        let ms = ms
            .parse()
            .map_err(|_| format!("`{kind}`: expected stall:MILLISECONDS"))?;
        return Ok(Fault::Stall { after_bytes: 0, ms });
    }
    if let Some(n) = lower.strip_prefix("oversized:") {
        let bytes = n
            .parse()
            .map_err(|_| format!("`{kind}`: expected oversized:BYTES"))?;
        return Ok(Fault::Oversized { bytes });
    }
    if lower.starts_with("redirect:") {
        // Keep the URL's case: slice the original.
        let rest = &kind["redirect:".len()..];
        let (status, location) = match rest.split_once(':') {
            Some((code, url)) if code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit()) => {
                let status: u16 = code.parse().map_err(|_| format!("bad status `{code}`"))?;
                (status, url)
            }
            _ => (default_redirect_status(), rest),
        };
        if location.is_empty() {
            return Err(format!("`{kind}`: expected redirect:URL"));
        }
        if !(300..=399).contains(&status) {
            return Err(format!("`{kind}`: a redirect status is 3xx"));
        }
        return Ok(Fault::Redirect {
            location: location.to_string(),
            status,
        });
    }
    let (code, retry) = match kind.split_once(':') {
        Some((c, r)) => (c, Some(r.to_string())),
        None => (kind, None),
    };
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit()) {
        let status: u16 = code.parse().map_err(|_| format!("bad status `{code}`"))?;
        if (100..=599).contains(&status) {
            return Ok(Fault::Status {
                status,
                retry_after: retry,
            });
        }
    }
    Err(format!(
        "unknown fault `{kind}` (expected NNN, NNN:RETRY_AFTER, html503, slow:MS, truncated, \
         invalid-json, reset, stall:MS, wrong-content-type, oversized:BYTES, redirect:URL or \
         repeat-page)"
    ))
}

/// The live rule list with per-rule counters (thread-safe).
#[derive(Debug, Default)]
pub(crate) struct FaultState {
    rules: Mutex<Vec<(FaultRule, u64)>>,
}

impl FaultState {
    pub(crate) fn new(rules: Vec<FaultRule>) -> FaultState {
        let s = FaultState::default();
        s.set(rules);
        s
    }

    /// Replace all rules (counters start again at zero).
    pub(crate) fn set(&self, rules: Vec<FaultRule>) {
        *self.rules.lock().unwrap_or_else(|e| e.into_inner()) =
            rules.into_iter().map(|r| (r, 0)).collect();
    }

    pub(crate) fn rules(&self) -> Vec<FaultRule> {
        self.rules
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|(r, _)| r.clone())
            .collect()
    }

    /// Count this request against the first applicable rule; the fault to inject, if any.
    pub(crate) fn check(&self, path: &str) -> Option<Fault> {
        let mut rules = self.rules.lock().unwrap_or_else(|e| e.into_inner());
        for (rule, seen) in rules.iter_mut() {
            if !rule.matches(path) {
                continue;
            }
            if let Some(times) = rule.times {
                if *seen >= rule.after.saturating_add(times) {
                    continue;
                }
            }
            let n = *seen;
            *seen += 1;
            return (n >= rule.after).then(|| rule.fault.clone());
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorthand() {
        let r = FaultRule::parse_cli("429@/v1/training/enrollments x2 +1").unwrap();
        assert_eq!(r.path.as_deref(), Some("/v1/training/enrollments"));
        assert_eq!(r.times, Some(2));
        assert_eq!(r.after, 1);
        assert_eq!(
            r.fault,
            Fault::Status {
                status: 429,
                retry_after: None
            }
        );
        let r = FaultRule::parse_cli("503:7 @/v1 x1").unwrap();
        assert_eq!(
            r.fault,
            Fault::Status {
                status: 503,
                retry_after: Some("7".into())
            }
        );
        assert_eq!(r.path.as_deref(), Some("/v1"));
        assert_eq!(
            FaultRule::parse_cli("html503").unwrap().fault,
            Fault::Html503
        );
        assert_eq!(
            FaultRule::parse_cli("slow:250").unwrap().fault,
            Fault::Slow { delay_ms: 250 }
        );
        assert_eq!(
            FaultRule::parse_cli("truncated").unwrap().fault,
            Fault::TruncatedJson
        );
        assert_eq!(
            FaultRule::parse_cli("invalid-json +3").unwrap(),
            FaultRule {
                path: None,
                after: 3,
                times: None,
                fault: Fault::InvalidJson
            }
        );
        for bad in ["", "42", "slow:x", "nope", "500 y2", "500@v1", "500 x-1"] {
            assert!(FaultRule::parse_cli(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn new_kind_shorthands() {
        let kind = |spec: &str| FaultRule::parse_cli(spec).unwrap().fault;
        assert_eq!(
            kind("stall:5000"),
            Fault::Stall {
                after_bytes: 0,
                ms: 5000
            }
        );
        assert_eq!(kind("wrong-content-type"), Fault::WrongContentType);
        assert_eq!(
            kind("oversized:1048576"),
            Fault::Oversized { bytes: 1_048_576 }
        );
        assert_eq!(kind("repeat-page"), Fault::RepeatPage);
        let r = FaultRule::parse_cli("redirect:http://127.0.0.1:9000/Base@/v1/account x1").unwrap();
        assert_eq!(
            r.fault,
            Fault::Redirect {
                location: "http://127.0.0.1:9000/Base".into(),
                status: 302
            }
        );
        assert_eq!(r.path.as_deref(), Some("/v1/account"));
        assert_eq!(r.times, Some(1));
        assert_eq!(
            kind("redirect:307:https://example.test"),
            Fault::Redirect {
                location: "https://example.test".into(),
                status: 307
            }
        );
        for bad in [
            "stall:",
            "stall:x",
            "oversized:-1",
            "redirect:",
            "redirect:200:http://x",
        ] {
            assert!(FaultRule::parse_cli(bad).is_err(), "{bad:?}");
        }
        // JSON tagging and defaults.
        let r =
            FaultRule::parse_cli(r#"{"fault":{"kind":"redirect","location":"http://h"}}"#).unwrap();
        assert_eq!(
            r.fault,
            Fault::Redirect {
                location: "http://h".into(),
                status: 302
            }
        );
        let r = FaultRule::parse_cli(r#"{"fault":{"kind":"stall","ms":7}}"#).unwrap();
        assert_eq!(
            r.fault,
            Fault::Stall {
                after_bytes: 0,
                ms: 7
            }
        );
        assert_eq!(
            serde_json::to_value(Fault::RepeatPage).unwrap(),
            serde_json::json!({"kind": "repeat_page"})
        );
        assert_eq!(
            serde_json::to_value(Fault::WrongContentType).unwrap(),
            serde_json::json!({"kind": "wrong_content_type"})
        );
    }

    #[test]
    fn json_spec() {
        let r = FaultRule::parse_cli(
            r#"{"path":"/v1/account","times":1,"fault":{"kind":"status","status":500}}"#,
        )
        .unwrap();
        assert_eq!(r.times, Some(1));
        assert_eq!(r.after, 0);
        assert_eq!(
            r.fault,
            Fault::Status {
                status: 500,
                retry_after: None
            }
        );
        assert!(FaultRule::parse_cli(r#"{"fault":{"kind":"bogus"}}"#).is_err());
    }

    #[test]
    fn budgets_and_order() {
        let s = FaultState::new(vec![
            FaultRule::parse_cli("500 x1 +1").unwrap(),
            FaultRule::parse_cli("429@/v1/a x1").unwrap(),
        ]);
        assert_eq!(s.check("/v1/a"), None); // rule 1 lets its first through
        assert!(matches!(
            s.check("/v1/a"),
            Some(Fault::Status { status: 500, .. })
        ));
        assert!(matches!(
            s.check("/v1/a"),
            Some(Fault::Status { status: 429, .. })
        ));
        assert_eq!(s.check("/v1/a"), None);
        assert_eq!(s.check("/v1/b"), None);
    }
}
