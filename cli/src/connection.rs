//! Connection flags shared by commands that talk to an API: from flags or
//! `KNOWBE4_URL` / `KNOWBE4_REGION` / `KNOWBE4_TOKEN`.

use std::time::Duration;

use knowbe4_connector::{ClientConfig, Error, RateLimits, Result, RetryPolicy};

#[derive(clap::Args, Debug)]
pub struct ConnectionArgs {
    /// API base URL (a regional host, a proxy, the simulator).
    #[arg(long, env = "KNOWBE4_URL", conflicts_with = "region")]
    pub url: Option<String>,
    /// Region instead of a URL: us, eu, ca, uk, de.
    #[arg(long, env = "KNOWBE4_REGION")]
    pub region: Option<String>,
    /// Reporting API token (prefer the environment variable: flags show in process lists).
    #[arg(long, env = "KNOWBE4_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Do not verify TLS certificates.
    #[arg(long)]
    pub no_verify_ssl: bool,
    /// Proxy for every request.
    #[arg(long, env = "KNOWBE4_HTTP_PROXY")]
    pub http_proxy: Option<String>,
    /// Allow plain http to a host other than loopback.
    #[arg(long)]
    pub allow_insecure_http: bool,
    /// Seconds allowed for one request.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Seconds allowed for a whole action (all pages and retries).
    #[arg(long, value_name = "SECONDS")]
    pub action_timeout: Option<f64>,
    /// Tries per request, the first included (1 turns retries off).
    #[arg(long, value_name = "N")]
    pub max_attempts: Option<u32>,
    /// Enforce KnowBe4's rate limits even for a loopback URL.
    #[arg(long, conflicts_with = "no_rate_limit")]
    pub rate_limit: bool,
    /// Do not limit the request rate (a gateway that limits for you).
    #[arg(long)]
    pub no_rate_limit: bool,
    /// Run the rate limiter's clock this many times faster (tests against `simulate --time-scale`).
    #[arg(long, value_name = "F", requires = "rate_limit")]
    pub rate_limit_time_scale: Option<f64>,
    /// Licensed users of the account (KnowBe4's daily budget is 2,000 plus this).
    #[arg(long, value_name = "N")]
    pub licensed_users: Option<u64>,
    /// Refuse response bodies larger than this many bytes.
    #[arg(long, value_name = "BYTES")]
    pub max_response_bytes: Option<u64>,
    /// Trust the CA certificates in this PEM file besides the built-in roots.
    #[arg(long, value_name = "FILE")]
    pub ca_bundle: Option<std::path::PathBuf>,
}

fn seconds(name: &str, value: f64) -> Result<Duration> {
    if value.is_finite() && value > 0.0 {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(Error::invalid_input(
            name,
            "must be a number of seconds above zero",
        ))
    }
}

impl ConnectionArgs {
    pub fn config(&self) -> Result<ClientConfig> {
        let mut builder = ClientConfig::builder()
            .verify_ssl(!self.no_verify_ssl)
            .allow_insecure_http(self.allow_insecure_http);
        if let Some(url) = &self.url {
            builder = builder.url(url);
        }
        if let Some(region) = &self.region {
            builder = builder.region(region);
        }
        if let Some(token) = &self.token {
            builder = builder.token(token);
        }
        if let Some(proxy) = &self.http_proxy {
            builder = builder.http_proxy(proxy);
        }
        if let Some(value) = self.timeout {
            builder = builder.request_timeout(seconds("timeout", value)?);
        }
        if let Some(value) = self.action_timeout {
            builder = builder.action_timeout(seconds("action_timeout", value)?);
        }
        if let Some(attempts) = self.max_attempts {
            builder = builder.retry(RetryPolicy {
                max_attempts: attempts,
                ..RetryPolicy::default()
            });
        }
        let users = self.licensed_users.unwrap_or(0);
        builder = builder.licensed_users(users);
        if self.no_rate_limit {
            builder = builder.rate_limits(None);
        } else if self.rate_limit {
            let scale = self.rate_limit_time_scale.unwrap_or(1.0);
            if !(scale.is_finite() && scale > 0.0) {
                return Err(Error::invalid_input(
                    "rate_limit_time_scale",
                    "must be above zero",
                ));
            }
            builder = builder.rate_limits(Some(RateLimits::knowbe4(users).scaled(scale)));
        }
        if let Some(bytes) = self.max_response_bytes {
            builder = builder.max_response_bytes(bytes);
        }
        if let Some(path) = &self.ca_bundle {
            let pem = std::fs::read(path).map_err(|err| {
                Error::invalid_input(
                    "ca_bundle",
                    format!("cannot read {}: {err}", path.display()),
                )
            })?;
            builder = builder.ca_bundle_pem(pem);
        }
        builder.build()
    }
}
