//! How a request leaves the process. The core builds [`HttpRequest`]s and
//! reads [`HttpResponse`]s; a [`Transport`] moves them. Natively that is
//! reqwest on tokio ([`ReqwestTransport`]); a sandboxed host (the wasm
//! binding) supplies its own, so nothing else touches the network.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;

use crate::error::Result;

#[cfg(feature = "native")]
mod reqwest_transport;
#[cfg(feature = "native")]
pub use reqwest_transport::ReqwestTransport;

/// A boxed future; `Send` except on wasm, where host futures are not.
#[cfg(not(target_arch = "wasm32"))]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
/// A boxed future; `Send` except on wasm, where host futures are not.
#[cfg(target_arch = "wasm32")]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// `Send + Sync` except on wasm.
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSendSync: Send + Sync {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Send + Sync + ?Sized> MaybeSendSync for T {}
/// `Send + Sync` except on wasm.
#[cfg(target_arch = "wasm32")]
pub trait MaybeSendSync {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSendSync for T {}

/// `Send` except on wasm.
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSend: Send {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Send + ?Sized> MaybeSend for T {}
/// `Send` except on wasm.
#[cfg(target_arch = "wasm32")]
pub trait MaybeSend {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSend for T {}

/// One outgoing request, fully formed.
#[derive(Clone)]
pub struct HttpRequest {
    /// `GET`, ...
    pub method: &'static str,
    /// The absolute URL with its query string.
    pub url: String,
    /// Headers to send, including `Authorization`.
    pub headers: Vec<(String, String)>,
    /// Time allowed for this request, from sending to the last body byte.
    pub timeout: Duration,
    /// Refuse a body larger than this ([`ErrorKind::ResponseTooLarge`](crate::ErrorKind)).
    pub max_body_bytes: u64,
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let shown = if name.eq_ignore_ascii_case("authorization") {
                    "<redacted>"
                } else {
                    value.as_str()
                };
                (name.as_str(), shown)
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("timeout", &self.timeout)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}

/// One HTTP answer, whatever its status.
#[derive(Clone, Debug)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The reason phrase the server sent, when the transport can see it and
    /// it differs from the standard one; `None` means "the standard phrase".
    pub reason: Option<String>,
    /// Headers in arrival order; names in any case, values as raw bytes.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The whole body.
    pub body: Bytes,
}

/// Moves requests. Implementations must enforce `HttpRequest::timeout`
/// and map failures to [`Error`](crate::Error)s of the right kind.
pub trait Transport: MaybeSendSync {
    /// Send one request and read the whole answer.
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse>>;
}
