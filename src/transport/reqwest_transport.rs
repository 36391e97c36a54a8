//! The native transport: reqwest with rustls, one connection pool per client.

use std::error::Error as _;

use crate::config::{redact_url, ClientConfig};
use crate::error::{Error, ErrorKind, Result};
use crate::transport::{BoxFuture, HttpRequest, HttpResponse, Transport};

/// reqwest on tokio, with rustls and the Mozilla root store built in (no
/// system OpenSSL), HTTP/1.1 header names sent capitalised as `requests`
/// sends them, proxies only as configured (never from the environment behind
/// the user's back).
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// Build the transport for `config`.
    pub fn new(config: &ClientConfig) -> Result<ReqwestTransport> {
        let mut builder = reqwest::Client::builder()
            .user_agent(config.user_agent())
            .connect_timeout(config.connect_timeout())
            .http1_title_case_headers()
            .danger_accept_invalid_certs(!config.verify_ssl())
            .no_proxy();
        if let Some(pem) = config.ca_bundle_pem() {
            let certificates = reqwest::Certificate::from_pem_bundle(pem).map_err(|err| {
                Error::invalid_input("ca_bundle", format!("not a PEM certificate bundle: {err}"))
            })?;
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        if let Some(proxy) = config.http_proxy() {
            let proxy = reqwest::Proxy::all(proxy.as_str()).map_err(|err| {
                Error::invalid_input(
                    "http_proxy",
                    format!("{} is not usable: {err}", redact_url(proxy)),
                )
            })?;
            builder = builder.proxy(proxy);
        }
        let client = builder.build().map_err(|err| {
            Error::new(
                ErrorKind::Transport,
                format!("could not build the HTTP client: {}", chain(&err)),
            )
        })?;
        Ok(ReqwestTransport { client })
    }
}

impl Transport for ReqwestTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse>> {
        Box::pin(async move {
            let method = reqwest::Method::from_bytes(request.method.as_bytes()).map_err(|_| {
                Error::invalid_input("method", format!("bad HTTP method {}", request.method))
            })?;
            let mut builder = self
                .client
                .request(method, &request.url)
                .timeout(request.timeout);
            for (name, value) in &request.headers {
                builder = builder.header(name.as_str(), value.as_str());
            }
            let response = builder.send().await.map_err(classify)?;
            let status = response.status();
            let reason = response
                .extensions()
                .get::<hyper::ext::ReasonPhrase>()
                .map(|phrase| String::from_utf8_lossy(phrase.as_bytes()).into_owned());
            let headers = response
                .headers()
                .iter()
                .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
                .collect();
            let body = read_body(response, request.max_body_bytes).await?;
            Ok(HttpResponse {
                status: status.as_u16(),
                reason,
                headers,
                body,
            })
        })
    }
}

/// Read the whole body, refusing to go past `max` bytes: a hostile or broken
/// server must not exhaust the worker's memory.
async fn read_body(mut response: reqwest::Response, max: u64) -> Result<bytes::Bytes> {
    let too_large = |size: &str| {
        Error::new(
            ErrorKind::ResponseTooLarge,
            format!("the response body ({size}) is larger than the {max}-byte limit (max_response_bytes)"),
        )
    };
    let declared = response.content_length();
    if let Some(length) = declared.filter(|length| *length > max) {
        return Err(too_large(&format!("{length} bytes declared")));
    }
    let capacity = usize::try_from(declared.unwrap_or(0)).unwrap_or(0);
    let mut body = Vec::with_capacity(capacity);
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if (body.len() + chunk.len()) as u64 > max {
                    return Err(too_large("more bytes than that"));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body.into()),
            Err(err) => {
                let err = classify(err);
                return Err(if err.kind() == ErrorKind::Timeout {
                    err
                } else {
                    Error::new(
                        ErrorKind::Transport,
                        format!("could not read the response body: {}", err.message()),
                    )
                });
            }
        }
    }
}

/// Map a reqwest failure to our kinds. TLS failures surface as connect
/// errors in reqwest, so the source chain is searched for rustls.
fn classify(err: reqwest::Error) -> Error {
    let message = chain(&err);
    let kind = if err.is_timeout() && err.is_connect() {
        ErrorKind::ConnectTimeout
    } else if err.is_timeout() {
        ErrorKind::Timeout
    } else if is_tls(&err) {
        ErrorKind::Tls
    } else if err.is_connect() {
        ErrorKind::Connect
    } else {
        ErrorKind::Transport
    };
    Error::new(kind, message)
}

fn is_tls(err: &reqwest::Error) -> bool {
    let mut source = err.source();
    while let Some(cause) = source {
        if cause.downcast_ref::<rustls::Error>().is_some() {
            return true;
        }
        let text = cause.to_string();
        if text.contains("certificate")
            || text.contains("tls handshake")
            || text.contains("InvalidCertificate")
        {
            return true;
        }
        source = cause.source();
    }
    false
}

/// The error and its causes on one line; reqwest's own message is vague
/// ("error sending request") without them.
fn chain(err: &dyn std::error::Error) -> String {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}
