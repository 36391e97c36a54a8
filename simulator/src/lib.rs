//! A fake KnowBe4 reporting API for tests, demos and benchmarks.
//!
//! [`Simulator::start`] generates a deterministic dataset from a seed and serves it over real
//! HTTP/1.1 on loopback: bearer auth, real paging semantics (`page`/`per_page`, the
//! 10-campaign cap, cursor paging on enrollments), enrollment filters and include flags,
//! fault injection ([`FaultRule`]), KnowBe4's rate limits with an optional time scale
//! ([`RateLimits`]), statistics ([`Stats`]) and a request log ([`RecordedRequest`]).
//!
//! Control endpoints (no auth, JSON) let other languages drive a running simulator:
//!
//! | method and path | effect |
//! |---|---|
//! | `GET /_sim/health` | `{"ok":true}` |
//! | `GET /_sim/faults` | the current rules |
//! | `PUT /_sim/faults` | replace the rules (body: JSON array of [`FaultRule`]) |
//! | `DELETE /_sim/faults` | remove all rules |
//! | `GET /_sim/rate_limits` | the current [`RateLimits`] or `null` |
//! | `PUT /_sim/rate_limits` | replace them (body: JSON [`RateLimits`], or `null` for none); windows start empty |
//! | `DELETE /_sim/rate_limits` | remove the limits |
//! | `GET /_sim/stats` | the [`Stats`] counters |
//! | `DELETE /_sim/stats` | reset them to zero |
//! | `GET /_sim/requests` | the request log (JSON array of [`RecordedRequest`]) |
//! | `DELETE /_sim/requests` | clear the log |
//! | `POST /_sim/shutdown` | stop the server |
//!
//! ```no_run
//! use knowbe4_simulator::{Simulator, SimulatorConfig};
//! let sim = Simulator::start(SimulatorConfig::default()).unwrap();
//! println!("{} with token {}", sim.url(), sim.token());
//! ```

mod cache;
mod config;
mod control;
mod data;
mod enrollments;
mod faults;
mod http;
mod limits;
mod query;
mod rng;
mod routes;
mod server;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

pub use config::SimulatorConfig;
pub use data::Dataset;
pub use faults::{Fault, FaultRule};
pub use limits::{RateLimits, Stats};
pub use routes::CAMPAIGN_CAP;
pub use server::RecordedRequest;

use faults::FaultState;
use limits::Limiter;
use server::Shared;

/// A running simulator. Dropping it (or calling [`Simulator::shutdown`]) stops the server.
#[derive(Debug)]
pub struct Simulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    thread: Option<JoinHandle<()>>,
}

impl Simulator {
    /// Generate the data, bind `127.0.0.1` on an OS-chosen port and serve on a dedicated
    /// background thread with its own tokio runtime (works from sync code and from inside
    /// another runtime alike).
    pub fn start(config: SimulatorConfig) -> std::io::Result<Simulator> {
        Simulator::start_on(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), config)
    }

    /// Like [`Simulator::start`], on a given address (port 0 = OS-chosen).
    pub fn start_on(addr: SocketAddr, config: SimulatorConfig) -> std::io::Result<Simulator> {
        let dataset = Arc::new(Dataset::generate(&config));
        let std_listener = std::net::TcpListener::bind(addr)?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("knowbe4-sim-worker")
            .enable_all()
            .build()?;
        let listener = {
            let _guard = rt.enter();
            tokio::net::TcpListener::from_std(std_listener)?
        };
        let shared = Arc::new(Shared::new(
            config.token.clone(),
            config.seed,
            dataset,
            FaultState::new(config.faults.clone()),
            Limiter::new(config.rate_limits.clone()),
        ));
        let server_shared = shared.clone();
        let thread = std::thread::Builder::new()
            .name("knowbe4-sim".into())
            .spawn(move || {
                rt.block_on(server::serve(listener, server_shared.clone()));
                rt.shutdown_timeout(Duration::from_secs(1));
                server_shared.mark_stopped();
            })?;
        Ok(Simulator {
            shared,
            addr,
            thread: Some(thread),
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:40123` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The bearer token the API accepts.
    pub fn token(&self) -> &str {
        &self.shared.token
    }

    /// The generated data the server serves.
    pub fn dataset(&self) -> &Dataset {
        &self.shared.dataset
    }

    /// Replace the fault rules (their counters start at zero).
    pub fn set_faults(&self, rules: Vec<FaultRule>) {
        self.shared.faults.set(rules);
    }

    /// Remove all fault rules.
    pub fn clear_faults(&self) {
        self.shared.faults.set(Vec::new());
    }

    /// Replace the rate limits (`None` = no limits); the rolling windows start empty.
    pub fn set_rate_limits(&self, limits: Option<RateLimits>) {
        self.shared.limiter.set(limits);
    }

    /// The rate limits in force, if any.
    pub fn rate_limits(&self) -> Option<RateLimits> {
        self.shared.limiter.get()
    }

    /// Counters of API requests, rate-limited requests and injected faults.
    pub fn stats(&self) -> Stats {
        self.shared.stats.get()
    }

    /// Reset the [`Stats`] counters to zero.
    pub fn reset_stats(&self) {
        self.shared.stats.reset();
    }

    /// The log of API requests (not `/_sim/*` ones), oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.requests()
    }

    /// Empty the request log.
    pub fn clear_requests(&self) {
        self.shared.clear_requests();
    }

    /// Stop the server and wait for its thread to finish.
    pub fn shutdown(self) {
        drop(self);
    }

    /// Block the calling thread until the server stops (e.g. via `POST /_sim/shutdown`).
    pub fn wait(&self) {
        self.shared.wait_stopped();
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.shared.shutdown.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
