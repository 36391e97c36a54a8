//! Client configuration: where to send requests, with which token, how.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;
use std::time::Duration;

use url::Url;

use crate::error::{Error, Result};
use crate::policy::{RateLimits, RetryPolicy};
use crate::secret::Token;

/// KnowBe4's regional API hosts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Region {
    /// `https://us.api.knowbe4.com` (accounts on training.knowbe4.com).
    Us,
    /// `https://eu.api.knowbe4.com`.
    Eu,
    /// `https://ca.api.knowbe4.com`.
    Ca,
    /// `https://uk.api.knowbe4.com`.
    Uk,
    /// `https://de.api.knowbe4.com`.
    De,
}

impl Region {
    /// Every region, in documentation order.
    pub const ALL: [Region; 5] = [Region::Us, Region::Eu, Region::Ca, Region::Uk, Region::De];

    /// The region's short name (`us`, `eu`, ...).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Region::Us => "us",
            Region::Eu => "eu",
            Region::Ca => "ca",
            Region::Uk => "uk",
            Region::De => "de",
        }
    }

    /// The region's API base URL.
    #[must_use]
    pub fn base_url(self) -> &'static str {
        match self {
            Region::Us => "https://us.api.knowbe4.com",
            Region::Eu => "https://eu.api.knowbe4.com",
            Region::Ca => "https://ca.api.knowbe4.com",
            Region::Uk => "https://uk.api.knowbe4.com",
            Region::De => "https://de.api.knowbe4.com",
        }
    }
}

impl FromStr for Region {
    type Err = Error;

    fn from_str(name: &str) -> Result<Region> {
        Region::ALL
            .into_iter()
            .find(|region| region.name() == name)
            .ok_or_else(|| {
                Error::invalid_input(
                    "region",
                    format!("unknown region {name:?}; expected one of us, eu, ca, uk, de"),
                )
            })
    }
}

/// Default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for one HTTP request, from sending to the last body byte.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Default cap on one response body: far above KnowBe4's largest page
/// (500 enrollments are about 300 KB), far below what hurts a SOAR worker.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;

/// A checked configuration. Build it with [`ClientConfig::builder`].
#[derive(Clone)]
pub struct ClientConfig {
    base_url: String,
    token: Token,
    verify_ssl: bool,
    http_proxy: Option<Url>,
    connect_timeout: Duration,
    request_timeout: Duration,
    action_timeout: Option<Duration>,
    user_agent: String,
    retry: RetryPolicy,
    rate_limits: Option<RateLimits>,
    max_response_bytes: u64,
    max_pages: u64,
    ca_bundle_pem: Option<Vec<u8>>,
}

impl ClientConfig {
    /// Start a configuration.
    #[must_use]
    pub fn builder() -> ClientConfigBuilder {
        ClientConfigBuilder::default()
    }

    /// The base URL without trailing slashes; endpoints are joined to it the
    /// way Turbine's runner does (`base + "/" + endpoint without leading "/"`).
    #[must_use]
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The token (a secret type; printing it prints `<redacted>`).
    #[must_use]
    pub fn token(&self) -> &Token {
        &self.token
    }

    /// Whether TLS certificates are verified.
    #[must_use]
    pub fn verify_ssl(&self) -> bool {
        self.verify_ssl
    }

    /// The proxy every request goes through, if any.
    #[must_use]
    pub fn http_proxy(&self) -> Option<&Url> {
        self.http_proxy.as_ref()
    }

    /// Time allowed to open a connection.
    #[must_use]
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// Time allowed for one HTTP request.
    #[must_use]
    pub fn request_timeout(&self) -> Duration {
        self.request_timeout
    }

    /// The `User-Agent` sent with every request.
    #[must_use]
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }

    /// Time allowed for a whole action, every page and retry included.
    #[must_use]
    pub fn action_timeout(&self) -> Option<Duration> {
        self.action_timeout
    }

    /// When and how failed requests are retried.
    #[must_use]
    pub fn retry(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The client-side rate limits, if any.
    #[must_use]
    pub fn rate_limits(&self) -> Option<&RateLimits> {
        self.rate_limits.as_ref()
    }

    /// The largest response body read.
    #[must_use]
    pub fn max_response_bytes(&self) -> u64 {
        self.max_response_bytes
    }

    /// The most pages one pull fetches.
    #[must_use]
    pub fn max_pages(&self) -> u64 {
        self.max_pages
    }

    /// Extra trusted CA certificates (PEM), if given.
    #[must_use]
    pub fn ca_bundle_pem(&self) -> Option<&[u8]> {
        self.ca_bundle_pem.as_deref()
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("token", &self.token)
            .field("verify_ssl", &self.verify_ssl)
            .field("http_proxy", &self.http_proxy.as_ref().map(redact_url))
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("action_timeout", &self.action_timeout)
            .field("retry", &self.retry)
            .field("rate_limits", &self.rate_limits)
            .finish_non_exhaustive()
    }
}

/// A URL with any password replaced, for messages and `Debug`.
pub(crate) fn redact_url(url: &Url) -> String {
    let mut shown = url.clone();
    if shown.password().is_some() {
        let _ = shown.set_password(Some("<redacted>"));
    }
    shown.to_string()
}

/// Collects configuration values; [`build`](ClientConfigBuilder::build)
/// checks them all and names the first bad one.
#[derive(Clone, Default)]
pub struct ClientConfigBuilder {
    url: Option<String>,
    region: Option<String>,
    token: Option<String>,
    verify_ssl: Option<bool>,
    http_proxy: Option<String>,
    allow_insecure_http: bool,
    connect_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
    action_timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    rate_limits: Option<Option<RateLimits>>,
    licensed_users: u64,
    max_response_bytes: Option<u64>,
    max_pages: Option<u64>,
    ca_bundle_pem: Option<Vec<u8>>,
}

impl fmt::Debug for ClientConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfigBuilder")
            .field("url", &self.url)
            .field("region", &self.region)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

impl ClientConfigBuilder {
    /// The API base URL: a regional host, a proxy or gateway, or a simulator.
    #[must_use]
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// A region name (`us`, `eu`, `ca`, `uk`, `de`) instead of a URL.
    #[must_use]
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The reporting API token.
    #[must_use]
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Verify TLS certificates (the default: true).
    #[must_use]
    pub fn verify_ssl(mut self, verify: bool) -> Self {
        self.verify_ssl = Some(verify);
        self
    }

    /// Send every request through this proxy (`http://host:port`).
    #[must_use]
    pub fn http_proxy(mut self, proxy: impl Into<String>) -> Self {
        self.http_proxy = Some(proxy.into());
        self
    }

    /// Allow a plain `http://` base URL to a host other than loopback.
    /// Without it only `https://`, or `http://` to 127.0.0.0/8, `::1` or
    /// `localhost`, is accepted: the token must not cross a network in clear.
    #[must_use]
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Time allowed to open a connection (default 10 s).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Time allowed for one HTTP request (default 60 s).
    #[must_use]
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// Time allowed for a whole action: every page of a long pull, retries
    /// and waits included (default: none).
    #[must_use]
    pub fn action_timeout(mut self, timeout: Duration) -> Self {
        self.action_timeout = Some(timeout);
        self
    }

    /// How failed requests are retried (default: [`RetryPolicy::default`];
    /// [`RetryPolicy::none`] turns retries off).
    #[must_use]
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Client-side rate limits; `None` turns them off. Default: KnowBe4's
    /// published limits for every host except loopback (a simulator or a
    /// local gateway is not KnowBe4's account limit).
    #[must_use]
    pub fn rate_limits(mut self, limits: Option<RateLimits>) -> Self {
        self.rate_limits = Some(limits);
        self
    }

    /// Licensed users of the account: KnowBe4's daily budget is 2,000 plus
    /// this number (default 0, the conservative choice).
    #[must_use]
    pub fn licensed_users(mut self, users: u64) -> Self {
        self.licensed_users = users;
        self
    }

    /// Refuse a response body larger than this (default 64 MiB).
    #[must_use]
    pub fn max_response_bytes(mut self, bytes: u64) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// Stop a pull with an error after this many pages (default 10,000).
    #[must_use]
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.max_pages = Some(pages);
        self
    }

    /// Trust these CA certificates (PEM, one or more) besides the built-in roots.
    #[must_use]
    pub fn ca_bundle_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.ca_bundle_pem = Some(pem.into());
        self
    }

    /// Check everything and build the configuration. Errors name the input.
    pub fn build(self) -> Result<ClientConfig> {
        let base_url = match (self.url, self.region) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid_input(
                    "url",
                    "give either a url or a region, not both",
                ))
            }
            (None, None) => {
                return Err(Error::invalid_input(
                    "url",
                    "no API address: give a url or a region (us, eu, ca, uk, de)",
                ))
            }
            (None, Some(region)) => region.parse::<Region>()?.base_url().to_owned(),
            (Some(url), None) => check_base_url(&url, self.allow_insecure_http)?,
        };
        let token = match self.token {
            Some(token) => Token::new(token)?,
            None => return Err(Error::invalid_input("token", "no token given")),
        };
        let http_proxy = self
            .http_proxy
            .filter(|proxy| !proxy.is_empty())
            .map(|proxy| check_proxy(&proxy))
            .transpose()?;
        let connect_timeout = check_timeout("connect_timeout", self.connect_timeout)?
            .unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let request_timeout = check_timeout("request_timeout", self.request_timeout)?
            .unwrap_or(DEFAULT_REQUEST_TIMEOUT);
        let action_timeout = check_timeout("action_timeout", self.action_timeout)?;
        let retry = self.retry.unwrap_or_default();
        if retry.max_attempts == 0 {
            return Err(Error::invalid_input(
                "retry",
                "max_attempts must be at least 1",
            ));
        }
        let rate_limits = match self.rate_limits {
            Some(limits) => limits,
            None if Url::parse(&base_url).is_ok_and(|url| is_loopback(&url)) => None,
            None => Some(RateLimits::knowbe4(self.licensed_users)),
        };
        if let Some(limits) = &rate_limits {
            if limits.per_second == 0 || limits.per_minute == 0 || limits.per_day == Some(0) {
                return Err(Error::invalid_input(
                    "rate_limits",
                    "a limit of zero requests would never send anything",
                ));
            }
        }
        let max_response_bytes = self
            .max_response_bytes
            .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES);
        if max_response_bytes == 0 {
            return Err(Error::invalid_input(
                "max_response_bytes",
                "must be above zero",
            ));
        }
        let max_pages = self.max_pages.unwrap_or(crate::pagination::MAX_PAGES);
        if max_pages == 0 {
            return Err(Error::invalid_input("max_pages", "must be above zero"));
        }
        if let Some(pem) = &self.ca_bundle_pem {
            let text = String::from_utf8_lossy(pem);
            if !text.contains("-----BEGIN CERTIFICATE-----") {
                return Err(Error::invalid_input(
                    "ca_bundle",
                    "no PEM certificate (-----BEGIN CERTIFICATE-----) found",
                ));
            }
        }
        Ok(ClientConfig {
            base_url,
            token,
            verify_ssl: self.verify_ssl.unwrap_or(true),
            http_proxy,
            connect_timeout,
            request_timeout,
            action_timeout,
            user_agent: crate::USER_AGENT.to_owned(),
            retry,
            rate_limits,
            max_response_bytes,
            max_pages,
            ca_bundle_pem: self.ca_bundle_pem,
        })
    }
}

fn check_timeout(name: &str, timeout: Option<Duration>) -> Result<Option<Duration>> {
    match timeout {
        Some(timeout) if timeout.is_zero() => Err(Error::invalid_input(
            name,
            "a timeout must be longer than zero",
        )),
        other => Ok(other),
    }
}

/// Parse and check a base URL; returns it without trailing slashes.
fn check_base_url(raw: &str, allow_insecure_http: bool) -> Result<String> {
    let url = Url::parse(raw).map_err(|err| {
        let hint = if raw.is_ascii() {
            ""
        } else {
            " (a host name with non-ASCII letters must be given in its xn-- form)"
        };
        Error::invalid_input("url", format!("{raw:?} is not a URL: {err}{hint}"))
    })?;
    if url.cannot_be_a_base() || url.host_str().is_none() {
        return Err(Error::invalid_input("url", format!("{raw:?} has no host")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::invalid_input(
            "url",
            "the URL carries credentials; the token goes in `token`, not in the URL",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::invalid_input(
            "url",
            format!("{raw:?} has a query or fragment; give the API's base URL only"),
        ));
    }
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&url) => {}
        "http" => {
            return Err(Error::invalid_input(
                "url",
                format!(
                    "{raw:?} is plain http to a non-loopback host; the token would cross the network unencrypted. \
                     Use https, or opt in with allow_insecure_http"
                ),
            ))
        }
        other => {
            return Err(Error::invalid_input(
                "url",
                format!("{raw:?} has scheme {other:?}; expected https"),
            ))
        }
    }
    Ok(raw.trim_end_matches('/').to_owned())
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

fn check_proxy(raw: &str) -> Result<Url> {
    let url = Url::parse(raw).map_err(|err| {
        Error::invalid_input(
            "http_proxy",
            format!("not a URL ({err}); expected http://host:port"),
        )
    })?;
    match url.scheme() {
        "http" | "https" if url.host_str().is_some() => Ok(url),
        _ => Err(Error::invalid_input(
            "http_proxy",
            format!("{} is not an http(s) proxy URL", redact_url(&url)),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(url: &str) -> Result<ClientConfig> {
        ClientConfig::builder().url(url).token("t0ken").build()
    }

    #[test]
    fn regions_map_to_hosts() {
        let config = ClientConfig::builder()
            .region("eu")
            .token("t")
            .build()
            .unwrap();
        assert_eq!(config.base_url(), "https://eu.api.knowbe4.com");
        let err = ClientConfig::builder()
            .region("mars")
            .token("t")
            .build()
            .unwrap_err();
        assert_eq!(err.input(), Some("region"));
    }

    #[test]
    fn url_rules() {
        assert_eq!(
            build("https://us.api.knowbe4.com/").unwrap().base_url(),
            "https://us.api.knowbe4.com"
        );
        assert!(build("http://127.0.0.1:8080").is_ok());
        assert!(build("http://127.9.9.9:8080").is_ok());
        assert!(build("http://localhost:1").is_ok());
        assert!(build("http://[::1]:1").is_ok());
        for bad in [
            "http://example.com",
            "ftp://x",
            "not a url",
            "https://u:p@x.com",
            "https://x.com/?a=1",
            "",
        ] {
            let err = build(bad).unwrap_err();
            assert_eq!(err.input(), Some("url"), "{bad}");
        }
        let unicode = build("https://b\u{fc}cher.example").unwrap_err();
        assert!(unicode.to_string().contains("xn--"), "{unicode}");
        assert!(build("https://xn--bcher-kva.example").is_ok());
        let opted_in = ClientConfig::builder()
            .url("http://gateway.internal")
            .allow_insecure_http(true)
            .token("t")
            .build();
        assert!(opted_in.is_ok());
    }

    #[test]
    fn debug_hides_token_and_proxy_password() {
        let config = ClientConfig::builder()
            .url("https://x.test")
            .token("very-secret")
            .http_proxy("http://user:proxypass@proxy:3128")
            .build()
            .unwrap();
        let shown = format!("{config:?}");
        assert!(
            !shown.contains("very-secret") && !shown.contains("proxypass"),
            "{shown}"
        );
        let builder = ClientConfig::builder().token("very-secret");
        assert!(!format!("{builder:?}").contains("very-secret"));
    }
}
