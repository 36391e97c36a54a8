//! A minimal HTTP/1.1 request reader and response writer.

use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 16 * 1024 * 1024;
const MAX_HEADERS: usize = 100;

/// One parsed request.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) query: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) keep_alive: bool,
}

impl Request {
    /// The first header called `name` (case-insensitive).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What reading from a connection produced.
pub(crate) enum ReadOutcome {
    Request(Request),
    /// The peer closed the connection (cleanly between requests, or mid-request).
    Closed,
    /// Not a request we can serve; the connection should be closed.
    Malformed,
}

/// Read the next request from `stream`; `buf` carries pipelined bytes between calls.
pub(crate) async fn read_request<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    buf: &mut Vec<u8>,
) -> std::io::Result<ReadOutcome> {
    let mut chunk = [0u8; 16 * 1024];
    loop {
        if !buf.is_empty() {
            let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut req = httparse::Request::new(&mut headers);
            match req.parse(buf) {
                Ok(httparse::Status::Complete(head_len)) => {
                    let method = req.method.unwrap_or("").to_string();
                    let target = req.path.unwrap_or("/");
                    let (path, query) = match target.split_once('?') {
                        Some((p, q)) => (p.to_string(), q.to_string()),
                        None => (target.to_string(), String::new()),
                    };
                    let version = req.version.unwrap_or(1);
                    let headers: Vec<(String, String)> = req
                        .headers
                        .iter()
                        .map(|h| {
                            (
                                h.name.to_string(),
                                String::from_utf8_lossy(h.value).into_owned(),
                            )
                        })
                        .collect();
                    return finish(stream, buf, head_len, method, path, query, version, headers)
                        .await;
                }
                Ok(httparse::Status::Partial) => {}
                Err(_) => return Ok(ReadOutcome::Malformed),
            }
            if buf.len() > MAX_HEAD {
                return Ok(ReadOutcome::Malformed);
            }
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(ReadOutcome::Closed);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

#[allow(clippy::too_many_arguments)]
async fn finish<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    head_len: usize,
    method: String,
    path: String,
    query: String,
    version: u8,
    headers: Vec<(String, String)>,
) -> std::io::Result<ReadOutcome> {
    let find = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_ascii_lowercase())
    };
    if find("transfer-encoding").is_some_and(|te| te != "identity") {
        return Ok(ReadOutcome::Malformed);
    }
    let body_len = match find("content-length") {
        None => 0,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if n <= MAX_BODY => n,
            _ => return Ok(ReadOutcome::Malformed),
        },
    };
    let connection = find("connection").unwrap_or_default();
    let keep_alive = if version == 0 {
        connection.contains("keep-alive")
    } else {
        !connection.contains("close")
    };
    let total = head_len + body_len;
    if buf.len() < total && find("expect").is_some_and(|e| e == "100-continue") {
        stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
    }
    let mut chunk = [0u8; 16 * 1024];
    while buf.len() < total {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(ReadOutcome::Closed);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = buf[head_len..total].to_vec();
    buf.drain(..total);
    Ok(ReadOutcome::Request(Request {
        method,
        path,
        query,
        headers,
        body,
        keep_alive,
    }))
}

/// A response ready to be written.
#[derive(Clone, Debug)]
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) content_type: &'static str,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Bytes,
}

/// The JSON content type the API sends.
pub(crate) const JSON: &str = "application/json; charset=utf-8";

impl Response {
    /// A JSON response with an already-rendered body.
    pub(crate) fn json(status: u16, body: Bytes) -> Response {
        Response {
            status,
            content_type: JSON,
            headers: Vec::new(),
            body,
        }
    }

    /// A JSON error `{"message": msg}`.
    pub(crate) fn error(status: u16, msg: &str) -> Response {
        let body = serde_json::to_vec(&serde_json::json!({ "message": msg }))
            .unwrap_or_else(|_| b"{}".to_vec());
        Response::json(status, Bytes::from(body))
    }

    pub(crate) fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }
}

/// The standard reason phrase for `status`.
pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

/// Write `resp` with `Content-Length`, `X-Request-Id` and (if closing) `Connection: close`;
/// no `Content-Type` when `resp.content_type` is empty. With `stall = Some((n, d))`, send the
/// head and the first `n` body bytes, wait `d`, then send the rest.
pub(crate) async fn write_response<S: AsyncWrite + Unpin>(
    stream: &mut S,
    resp: &Response,
    request_id: &str,
    close: bool,
    stall: Option<(usize, std::time::Duration)>,
) -> std::io::Result<()> {
    use std::fmt::Write as _;
    let mut head = String::with_capacity(256);
    let _ = write!(head, "HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
    if !resp.content_type.is_empty() {
        let _ = write!(head, "Content-Type: {}\r\n", resp.content_type);
    }
    let _ = write!(
        head,
        "Content-Length: {}\r\nX-Request-Id: {}\r\n",
        resp.body.len(),
        request_id
    );
    for (name, value) in &resp.headers {
        let _ = write!(head, "{name}: {value}\r\n");
    }
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    let (first, rest) = match stall {
        Some((n, _)) => resp.body.split_at(n.min(resp.body.len())),
        None => (&resp.body[..], &[][..]),
    };
    if first.len() <= 32 * 1024 {
        let mut all = Vec::with_capacity(head.len() + first.len());
        all.extend_from_slice(head.as_bytes());
        all.extend_from_slice(first);
        stream.write_all(&all).await?;
    } else {
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(first).await?;
    }
    if let Some((_, pause)) = stall {
        stream.flush().await?;
        tokio::time::sleep(pause).await;
        stream.write_all(rest).await?;
    }
    stream.flush().await
}
