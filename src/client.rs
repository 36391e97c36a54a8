//! The client: configuration plus a transport, one method per action and
//! one generic entry, all through the same conversion and pagination.

use std::fmt;
use std::sync::Arc;

use serde_json::Value;

use crate::actions::Handler;
use crate::clock::{default_clock, Clock};
use crate::config::ClientConfig;
use crate::envelope::Envelope;
use crate::error::Result;
use crate::input::{prepare, ActionInput, Prepared};
use crate::pagination::{self, PageProgress};
use crate::policy::{Jitter, RateLimiter};
use crate::queries::{EnrollmentsQuery, PageQuery, TrainingCampaignsQuery};
use crate::run::ActionRun;
use crate::transport::{HttpRequest, MaybeSendSync, Transport};

/// A progress callback for multi-page pulls.
pub type ProgressFn = dyn Fn(PageProgress) + Send + Sync;

/// A KnowBe4 client. Cheap to clone; clones share the connection pool.
#[derive(Clone)]
pub struct Client {
    config: Arc<ClientConfig>,
    transport: Arc<dyn Transport>,
    clock: Arc<dyn Clock>,
    limiter: RateLimiter,
    jitter: Arc<Jitter>,
    progress: Option<Arc<ProgressFn>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client on the native transport (reqwest with rustls).
    #[cfg(feature = "native")]
    pub fn new(config: ClientConfig) -> Result<Client> {
        let transport = crate::transport::ReqwestTransport::new(&config)?;
        Ok(Client::with_transport(config, Arc::new(transport)))
    }

    /// A client sharing this one's configuration, rate limiter and retry
    /// jitter, with a connection pool of its own: for a host that drives
    /// requests from a second async runtime (a pooled connection belongs to
    /// the runtime that opened it), while both count against one set of
    /// KnowBe4 limits.
    #[cfg(feature = "native")]
    pub fn with_own_pool(&self) -> Result<Client> {
        let transport = crate::transport::ReqwestTransport::new(&self.config)?;
        let mut client = self.clone();
        client.transport = Arc::new(transport);
        Ok(client)
    }

    /// A client on a transport the host supplies.
    #[must_use]
    pub fn with_transport(config: ClientConfig, transport: Arc<dyn Transport>) -> Client {
        let limiter = RateLimiter::new(config.rate_limits());
        // Seeded per client so concurrent clients do not retry in lockstep.
        let seed = {
            use std::hash::{BuildHasher, Hasher};
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_usize(Arc::as_ptr(&transport).cast::<()>() as usize);
            hasher.finish()
        };
        Client {
            config: Arc::new(config),
            transport,
            clock: default_clock(),
            limiter,
            jitter: Arc::new(Jitter::new(seed)),
            progress: None,
        }
    }

    /// Use the host's clock and timers (wasm hosts: the binding passes one).
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Client {
        self.clock = clock;
        self
    }

    pub(crate) fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    pub(crate) fn limiter(&self) -> &RateLimiter {
        &self.limiter
    }

    pub(crate) fn jitter(&self) -> &Jitter {
        &self.jitter
    }

    pub(crate) fn transport(&self) -> &dyn Transport {
        self.transport.as_ref()
    }

    pub(crate) fn report_progress(&self, progress: PageProgress) {
        if let Some(callback) = &self.progress {
            callback(progress);
        }
    }

    /// Call `progress` after each page of a multi-page pull.
    #[must_use]
    pub fn with_progress(mut self, progress: Arc<ProgressFn>) -> Client {
        self.progress = Some(progress);
        self
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Run `action` with Turbine-shaped `input`. Input is checked before any
    /// request is sent; any HTTP status comes back as an envelope.
    pub async fn run_action(&self, action: &str, input: &ActionInput) -> Result<Envelope> {
        let prepared = prepare(action, input)?;
        self.run_prepared(&prepared).await
    }

    /// Run a checked plan (every run of an action ends here).
    pub(crate) async fn run_prepared(&self, prepared: &Prepared) -> Result<Envelope> {
        let run = ActionRun::new(self, prepared.action.name);
        let result = match prepared.action.handler {
            Handler::Http => pagination::execute(&run, prepared)
                .await
                .map(|mut envelope| {
                    crate::filters::apply_status(prepared, &mut envelope);
                    envelope
                }),
            Handler::Modules => crate::modules::all(&run, prepared).await,
            Handler::Module => crate::modules::one(&run, prepared).await,
            Handler::ComplianceReport => crate::report::run(&run, prepared).await,
        };
        result
            .map(|mut envelope| {
                envelope.requests = run.requests();
                envelope
            })
            .map_err(|err| err.in_action(prepared.action.name))
    }

    /// Like [`run_action`](Client::run_action), with the input as a JSON
    /// object (`{"path_parameters": {...}, "parameters": {...}}`).
    pub async fn run_action_json(&self, action: &str, input: Value) -> Result<Envelope> {
        let plan = crate::stream::Plan::from_json(action, input)?;
        self.run_plan(&plan).await
    }

    /// `get_a_specific_policy`: one uploaded policy.
    pub async fn get_a_specific_policy(&self, policy_id: u64) -> Result<Envelope> {
        self.run_action(
            "get_a_specific_policy",
            &ActionInput::new().path("policy_id", policy_id),
        )
        .await
    }

    /// `get_a_specific_training_campaign`: one training campaign.
    pub async fn get_a_specific_training_campaign(&self, campaign_id: u64) -> Result<Envelope> {
        let input = ActionInput::new().path("campaign_id", campaign_id);
        self.run_action("get_a_specific_training_campaign", &input)
            .await
    }

    /// `get_a_specific_training_enrollment`: one enrollment, optionally with its campaign id.
    pub async fn get_a_specific_training_enrollment(
        &self,
        enrollment_id: u64,
        include_campaign_id: Option<bool>,
    ) -> Result<Envelope> {
        let input = ActionInput::new()
            .path("enrollment_id", enrollment_id)
            .param("include_campaign_id", include_campaign_id);
        self.run_action("get_a_specific_training_enrollment", &input)
            .await
    }

    /// `get_account_risk_score_history`: six months, or everything with `full`.
    pub async fn get_account_risk_score_history(&self, full: Option<bool>) -> Result<Envelope> {
        let input = ActionInput::new().param("full", full);
        self.run_action("get_account_risk_score_history", &input)
            .await
    }

    /// `get_all_policies`: every policy, or one page.
    pub async fn get_all_policies(&self, query: &PageQuery) -> Result<Envelope> {
        self.run_action("get_all_policies", &query.to_input()).await
    }

    /// `get_all_training_campaigns`: every campaign, or one page.
    pub async fn get_all_training_campaigns(
        &self,
        query: &TrainingCampaignsQuery,
    ) -> Result<Envelope> {
        self.run_action("get_all_training_campaigns", &query.to_input())
            .await
    }

    /// `get_all_training_enrollments`: every matching enrollment, or one page.
    pub async fn get_all_training_enrollments(&self, query: &EnrollmentsQuery) -> Result<Envelope> {
        self.run_action("get_all_training_enrollments", &query.to_input())
            .await
    }

    pub(crate) fn request_for(&self, prepared: &Prepared, extra: &[(&str, String)]) -> HttpRequest {
        let path = prepared.path.trim_start_matches('/');
        let mut url = String::with_capacity(self.config.base_url().len() + path.len() + 64);
        url.push_str(self.config.base_url());
        url.push('/');
        url.push_str(path);
        let pairs = prepared
            .query
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .chain(extra.iter().map(|(name, value)| (*name, value.as_str())));
        for (index, (name, value)) in pairs.enumerate() {
            url.push(if index == 0 { '?' } else { '&' });
            url.push_str(name);
            url.push('=');
            url.push_str(value);
        }
        let mut headers = Vec::with_capacity(prepared.headers.len() + 2);
        headers.push(("Accept".to_owned(), "application/json".to_owned()));
        headers.push((
            "Authorization".to_owned(),
            format!("Bearer {}", self.config.token().expose()),
        ));
        headers.extend(prepared.headers.iter().cloned());
        HttpRequest {
            method: prepared.action.method,
            url,
            headers,
            timeout: self.config.request_timeout(),
            max_body_bytes: self.config.max_response_bytes(),
        }
    }
}

// A client is shared across threads and tasks by every host that can.
const _: () = {
    const fn assert_send_sync<T: MaybeSendSync>() {}
    assert_send_sync::<Client>();
};
