//! The KnowBe4 connector core: the reporting API's actions, checked before
//! any request leaves, run over a pluggable transport, answered with the HTTP
//! envelope Swimlane Turbine expects.
//!
//! ```no_run
//! # async fn demo() -> Result<(), knowbe4_connector::Error> {
//! use knowbe4_connector::{Client, ClientConfig, PageQuery};
//! let config = ClientConfig::builder().region("us").token("...").build()?;
//! let client = Client::new(config)?;
//! let envelope = client.get_all_policies(&PageQuery::all()).await?;
//! println!("{} {}", envelope.status_code, envelope.reason);
//! # Ok(()) }
//! ```
//!
//! The core knows nothing of its hosts: the CLI, the Python and the wasm
//! bindings convert at their own edges.

pub mod actions;
mod client;
pub mod clock;
mod config;
pub mod dates;
mod envelope;
mod error;
mod filters;
mod input;
mod json_check;
pub mod manifest;
mod modules;
mod page_text;
mod pagination;
pub mod policy;
pub mod python_json;
mod queries;
mod report;
mod run;
mod secret;
mod stream;
pub mod transport;
pub mod turbine;

pub use actions::{ActionSpec, Handler, InputKind, InputSpec, Location, Paging, ACTIONS};
pub use client::{Client, ProgressFn};
pub use clock::Clock;
pub use config::{
    ClientConfig, ClientConfigBuilder, Region, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_REQUEST_TIMEOUT,
};
pub use envelope::{canonical_header_name, canonical_reason, Body, Envelope};
pub use error::{Error, ErrorKind, Result};
pub use input::{check_input, ActionInput};
pub use pagination::{PageProgress, MAX_PAGES};
pub use policy::{RateLimits, RetryPolicy};
pub use queries::{EnrollmentsQuery, PageQuery, TrainingCampaignsQuery};
pub use secret::Token;
pub use stream::{PageRecords, PageSink, Plan, Streamed};

/// The connector's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The `User-Agent` of every request.
pub const USER_AGENT: &str = concat!("knowbe4-connector/", env!("CARGO_PKG_VERSION"), " (rust)");
