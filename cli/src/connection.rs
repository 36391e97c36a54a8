//! Connection flags shared by commands that talk to an API: from flags or
//! `KNOWBE4_URL` / `KNOWBE4_REGION` / `KNOWBE4_TOKEN`.

use std::time::Duration;

use knowbe4_connector::{ClientConfig, Result};

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
        if let Some(seconds) = self.timeout {
            if !(seconds.is_finite() && seconds > 0.0) {
                return Err(knowbe4_connector::Error::invalid_input(
                    "timeout",
                    "must be a number of seconds above zero",
                ));
            }
            builder = builder.request_timeout(Duration::from_secs_f64(seconds));
        }
        builder.build()
    }
}
