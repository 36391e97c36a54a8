//! Pulls handed to the host page by page, as the pages arrive.
//!
//! [`Client::run_action`] gathers a multi-page pull into one envelope whose
//! body is a `serde_json::Value` array: right for Rust callers and Turbine
//! output, wasteful for a binding that must then build its own objects from
//! that tree. [`Client::run_action_streamed`] instead gives each page's
//! records to a [`PageSink`] — as the server's JSON text when it can be
//! handed on unchanged — so the host parses each page once, straight into
//! its own objects, and can do so while the next page is being fetched.
//! Paging, the limiter, retries, deadlines and every check are the same.

use bytes::Bytes;
use serde_json::Value;

use crate::actions::Handler;
use crate::client::Client;
use crate::envelope::{Body, Envelope};
use crate::error::{Error, ErrorKind, Result};
use crate::filters::status_key;
use crate::input::{prepare, ActionInput, Mode, Prepared};
use crate::pagination::{self, Pulled, RecordSink};
use crate::run::ActionRun;
use crate::transport::{BoxFuture, MaybeSend};

/// One page's records.
#[derive(Clone, Debug)]
pub enum PageRecords {
    /// The page's JSON array exactly as the server sent it (UTF-8, checked
    /// to be one syntactically valid JSON array of `count` items). Parsing
    /// it gives what `response.json()` gives.
    Json {
        /// The array's text.
        text: Bytes,
        /// Its number of items.
        count: usize,
    },
    /// Records already parsed: bodies the `requests` decoding would change
    /// (charsets, BOMs) and lists the connector filters.
    Values(Vec<Value>),
}

impl PageRecords {
    /// The number of records.
    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            PageRecords::Json { count, .. } => *count,
            PageRecords::Values(items) => items.len(),
        }
    }

    /// True when the page has no records.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The records as values (parsing the text if need be).
    pub fn into_values(self) -> Result<Vec<Value>> {
        match self {
            PageRecords::Values(items) => Ok(items),
            PageRecords::Json { text, .. } => serde_json::from_slice(&text).map_err(|err| {
                Error::new(
                    ErrorKind::Decode,
                    format!("a checked page did not parse: {err}"),
                )
            }),
        }
    }
}

/// Where a streamed pull's pages go. `accept` may wait (a bounded queue to
/// a slower consumer): the next page is not fetched until it returns. An
/// error it returns ends the action with that error.
pub trait PageSink: MaybeSend {
    /// Take one page's records, in the server's order.
    fn accept(&mut self, page: PageRecords) -> BoxFuture<'_, Result<()>>;
}

/// How a streamed action ended.
#[derive(Debug)]
pub enum Streamed {
    /// Every page went to the sink. The envelope is the last page's status,
    /// headers and reason; its `json_body` is the records the sink
    /// received, in order (the envelope's own body is empty).
    Pages(Envelope),
    /// The whole answer is this envelope: a single request, an action that
    /// is not one list, or a page that answered non-2xx (then whatever the
    /// sink received before it is not part of the answer: discard it).
    Whole(Envelope),
}

impl Client {
    /// Like [`run_action`](Client::run_action), giving the records of a
    /// multi-page list to `sink` page by page instead of gathering them.
    pub async fn run_action_streamed(
        &self,
        action: &str,
        input: &ActionInput,
        sink: &mut dyn PageSink,
    ) -> Result<Streamed> {
        let plan = Plan::new(action, input)?;
        self.run_plan_streamed(&plan, sink).await
    }

    /// [`run_action_streamed`](Client::run_action_streamed) with the input
    /// as a JSON object, as [`run_action_json`](Client::run_action_json).
    pub async fn run_action_json_streamed(
        &self,
        action: &str,
        input: Value,
        sink: &mut dyn PageSink,
    ) -> Result<Streamed> {
        let plan = Plan::from_json(action, input)?;
        self.run_plan_streamed(&plan, sink).await
    }

    /// Run a [`Plan`], gathering a multi-page list into one envelope.
    pub async fn run_plan(&self, plan: &Plan) -> Result<Envelope> {
        self.run_prepared(&plan.prepared).await
    }

    /// Run a [`Plan`], giving a multi-page list's records to `sink`.
    pub async fn run_plan_streamed(
        &self,
        plan: &Plan,
        sink: &mut dyn PageSink,
    ) -> Result<Streamed> {
        let prepared = &plan.prepared;
        if !plan.is_multi_page_list() {
            return self.run_prepared(prepared).await.map(Streamed::Whole);
        }
        let run = ActionRun::new(self, prepared.action.name);
        let mut adapter = HostSink::new(prepared, sink);
        let pulled = pagination::pull(&run, prepared, &mut adapter).await;
        let requests = run.requests();
        match pulled.map_err(|err| err.in_action(prepared.action.name))? {
            Pulled::Complete(mut envelope) => {
                envelope.requests = requests;
                envelope.body = Body::Json(Value::Array(Vec::new()));
                Ok(Streamed::Pages(envelope))
            }
            Pulled::Stopped(mut envelope) => {
                envelope.requests = requests;
                Ok(Streamed::Whole(envelope))
            }
        }
    }
}

/// An action with its input, checked and planned: nothing in it can be
/// refused any more. Lets a host see what a run will do (one request, or a
/// pull) and pick how to run it, without checking the input twice.
#[derive(Clone, Debug)]
pub struct Plan {
    prepared: Prepared,
}

impl Plan {
    /// Check `input` against `action` (refusals name the input).
    pub fn new(action: &str, input: &ActionInput) -> Result<Plan> {
        Ok(Plan {
            prepared: prepare(action, input)?,
        })
    }

    /// [`Plan::new`] with the input as a JSON object
    /// (`{"path_parameters": {...}, "parameters": {...}}`).
    pub fn from_json(action: &str, input: Value) -> Result<Plan> {
        let input = ActionInput::from_value(input).map_err(|err| err.in_action(action))?;
        Plan::new(action, &input)
    }

    /// The action's name.
    #[must_use]
    pub fn action(&self) -> &'static str {
        self.prepared.action.name
    }

    /// True when the action is answered by exactly one request: a single
    /// record, or one page asked for.
    #[must_use]
    pub fn is_single_request(&self) -> bool {
        self.prepared.action.handler == Handler::Http && self.prepared.mode == Mode::Single
    }

    /// True for a list fetched page after page (what a [`PageSink`] gets).
    fn is_multi_page_list(&self) -> bool {
        self.prepared.action.handler == Handler::Http && self.prepared.mode != Mode::Single
    }
}

/// The host's sink behind the pagination: applies the connector's own
/// status filter (which needs parsed records) before handing pages on.
struct HostSink<'a> {
    sink: &'a mut dyn PageSink,
    status: Option<String>,
}

impl<'a> HostSink<'a> {
    fn new(prepared: &Prepared, sink: &'a mut dyn PageSink) -> HostSink<'a> {
        HostSink {
            sink,
            status: prepared.local("status").map(status_key),
        }
    }
}

impl RecordSink for HostSink<'_> {
    fn wants_text(&self) -> bool {
        self.status.is_none()
    }

    async fn accept(&mut self, page: PageRecords) -> Result<()> {
        let page = match &self.status {
            None => page,
            Some(wanted) => {
                let mut records = page.into_values()?;
                records.retain(|record| crate::filters::has_status(record, wanted));
                PageRecords::Values(records)
            }
        };
        self.sink.accept(page).await
    }
}
