//! `NativeClient`: one configured connector client, shared by the Python
//! `Client` and `AsyncClient` wrappers. Every call goes through the core's
//! generic `run_action`, so the core's one validation path applies.

use std::panic::AssertUnwindSafe;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use knowbe4_connector::{Client, ClientConfig, Error, Plan, RateLimits, RetryPolicy};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString};
use serde_json::Value;

use crate::bridge;
use crate::convert::to_value;
use crate::errors::{panic_to_py_err, to_py_err};
use crate::runtime::{local_runtime, runtime};
use tokio::runtime::Runtime;

/// A KnowBe4 connector client (internal: use `knowbe4_connector.Client`).
#[pyclass(frozen, module = "knowbe4_connector._native")]
pub(crate) struct NativeClient {
    config: ClientConfig,
    /// The core client of the process that last used it. Its connection
    /// pool belongs to that process's runtime, so a forked child builds its own.
    current: Mutex<(u32, Client)>,
    /// The same client with its own connection pool on this process's
    /// current-thread runtime, for single-request blocking calls; made on
    /// first use, sharing the rate limiter.
    local: Mutex<Option<(u32, Client)>>,
}

#[pymethods]
impl NativeClient {
    #[new]
    #[pyo3(signature = (
        *,
        token,
        url = None,
        region = None,
        verify_ssl = None,
        http_proxy = None,
        timeout = None,
        connect_timeout = None,
        allow_insecure_http = None,
        action_timeout = None,
        max_attempts = None,
        rate_limit = None,
        licensed_users = None,
        max_response_bytes = None,
        ca_bundle = None,
    ))]
    #[allow(clippy::too_many_arguments)] // mirrors the Python signature one to one
    fn new(
        py: Python<'_>,
        token: &Bound<'_, PyAny>,
        url: Option<&Bound<'_, PyAny>>,
        region: Option<&Bound<'_, PyAny>>,
        verify_ssl: Option<&Bound<'_, PyAny>>,
        http_proxy: Option<&Bound<'_, PyAny>>,
        timeout: Option<&Bound<'_, PyAny>>,
        connect_timeout: Option<&Bound<'_, PyAny>>,
        allow_insecure_http: Option<&Bound<'_, PyAny>>,
        action_timeout: Option<&Bound<'_, PyAny>>,
        max_attempts: Option<&Bound<'_, PyAny>>,
        rate_limit: Option<&Bound<'_, PyAny>>,
        licensed_users: Option<&Bound<'_, PyAny>>,
        max_response_bytes: Option<&Bound<'_, PyAny>>,
        ca_bundle: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<NativeClient> {
        guarded(py, None, || {
            let built = (|| -> Result<NativeClient, Error> {
                // `None` keeps the core's default (verify TLS, https only, 60 s, 10 s).
                let mut builder =
                    ClientConfig::builder().token(text("token", Some(token))?.unwrap_or_default());
                if let Some(verify) = flag("verify_ssl", verify_ssl)? {
                    builder = builder.verify_ssl(verify);
                }
                if let Some(allow) = flag("allow_insecure_http", allow_insecure_http)? {
                    builder = builder.allow_insecure_http(allow);
                }
                if let Some(timeout) = seconds("timeout", timeout)? {
                    builder = builder.request_timeout(timeout);
                }
                if let Some(timeout) = seconds("connect_timeout", connect_timeout)? {
                    builder = builder.connect_timeout(timeout);
                }
                if let Some(timeout) = seconds("action_timeout", action_timeout)? {
                    builder = builder.action_timeout(timeout);
                }
                if let Some(attempts) = count("max_attempts", max_attempts)? {
                    let attempts = u32::try_from(attempts)
                        .map_err(|_| Error::invalid_input("max_attempts", "is too large"))?;
                    builder = builder.retry(RetryPolicy {
                        max_attempts: attempts,
                        ..RetryPolicy::default()
                    });
                }
                let users = count("licensed_users", licensed_users)?.unwrap_or(0);
                builder = builder.licensed_users(users);
                // None keeps the core's default: KnowBe4's limits except for loopback.
                match flag("rate_limit", rate_limit)? {
                    Some(true) => builder = builder.rate_limits(Some(RateLimits::knowbe4(users))),
                    Some(false) => builder = builder.rate_limits(None),
                    None => {}
                }
                if let Some(bytes) = count("max_response_bytes", max_response_bytes)? {
                    builder = builder.max_response_bytes(bytes);
                }
                if let Some(path) = text("ca_bundle", ca_bundle)? {
                    let pem = std::fs::read(&path).map_err(|err| {
                        Error::invalid_input("ca_bundle", format!("cannot read {path}: {err}"))
                    })?;
                    builder = builder.ca_bundle_pem(pem);
                }
                if let Some(url) = text("url", url)? {
                    builder = builder.url(url);
                }
                if let Some(region) = text("region", region)? {
                    builder = builder.region(region);
                }
                if let Some(proxy) = text("http_proxy", http_proxy)? {
                    builder = builder.http_proxy(proxy);
                }
                let config = builder.build()?;
                // Built now so a bad proxy or TLS setup fails here, not on first use.
                let client = new_core_client(&config)?;
                Ok(NativeClient {
                    config,
                    current: Mutex::new((std::process::id(), client)),
                    local: Mutex::new(None),
                })
            })();
            built.map_err(|err| to_py_err(py, &err))
        })
    }

    /// The API base URL requests go to.
    #[getter]
    fn url(&self) -> &str {
        self.config.base_url()
    }

    /// Whether TLS certificates are verified.
    #[getter]
    fn verify_ssl(&self) -> bool {
        self.config.verify_ssl()
    }

    fn __repr__(&self) -> String {
        // Never the token: only what identifies where requests go.
        format!("NativeClient(url={:?})", self.config.base_url())
    }

    /// Run `action` with Turbine-shaped `inputs`; blocks with the GIL released.
    #[pyo3(signature = (action, inputs = None))]
    fn run_action<'py>(
        &self,
        py: Python<'py>,
        action: &str,
        inputs: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        guarded(py, Some(action), || {
            let (client, plan) = self.prepare(py, action, inputs)?;
            if plan.is_single_request() {
                let local = local_runtime().map_err(|err| runtime_error(py, &err))?;
                let client = self
                    .local_client(&local, &client)
                    .map_err(|err| to_py_err(py, &err.in_action(action)))?;
                return bridge::call_here(py, &local, client, plan);
            }
            let runtime = runtime_or_err(py)?;
            bridge::block_on(py, &runtime, client, plan)
        })
    }

    /// Start `action` on the runtime and return an asyncio future of its envelope.
    #[pyo3(signature = (action, inputs = None))]
    fn run_action_async<'py>(
        &self,
        py: Python<'py>,
        action: &str,
        inputs: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guarded(py, Some(action), || {
            let (client, plan) = self.prepare(py, action, inputs)?;
            let runtime = runtime_or_err(py)?;
            bridge::spawn_future(py, &runtime, client, plan)
        })
    }
}

impl NativeClient {
    /// Convert and check the inputs (with the GIL, before releasing it:
    /// refusals raise here, before any request) and pick this process's
    /// core client.
    fn prepare(
        &self,
        py: Python<'_>,
        action: &str,
        inputs: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<(Client, Plan)> {
        let input = match inputs {
            Some(inputs) => to_value(inputs, "inputs"),
            None => Ok(Value::Null),
        };
        let prepared = input
            .and_then(|input| Plan::from_json(action, input))
            .and_then(|plan| Ok((self.client()?, plan)));
        prepared.map_err(|err| to_py_err(py, &err.in_action(action)))
    }

    fn client(&self) -> Result<Client, Error> {
        let pid = std::process::id();
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        if current.0 != pid {
            let fresh = new_core_client(&self.config)?;
            let inherited = std::mem::replace(&mut *current, (pid, fresh));
            // Its pooled connections belong to the parent's runtime, whose
            // threads this process does not have; dropping them could block.
            std::mem::forget(inherited);
        }
        Ok(current.1.clone())
    }
}

impl NativeClient {
    /// This process's client for the current-thread runtime: `shared`
    /// (the runtime-pool client) with a connection pool of its own.
    fn local_client(&self, local: &Runtime, shared: &Client) -> Result<Client, Error> {
        let pid = std::process::id();
        let mut slot = self.local.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((owner, client)) = slot.as_ref() {
            if *owner == pid {
                return Ok(client.clone());
            }
        }
        let _entered = local.enter();
        let client = shared.with_own_pool()?;
        if let Some(inherited) = slot.replace((pid, client.clone())) {
            // A parent's pool: its connections are not this process's to close.
            std::mem::forget(inherited);
        }
        Ok(client)
    }
}

fn new_core_client(config: &ClientConfig) -> Result<Client, Error> {
    let runtime = runtime().map_err(|err| {
        Error::new(
            knowbe4_connector::ErrorKind::Transport,
            format!("could not start the async runtime: {err}"),
        )
    })?;
    // The transport may register with a reactor; give it this process's.
    let _entered = runtime.enter();
    Client::new(config.clone())
}

fn runtime_or_err(py: Python<'_>) -> PyResult<std::sync::Arc<Runtime>> {
    runtime().map_err(|err| runtime_error(py, &err))
}

fn runtime_error(py: Python<'_>, err: &std::io::Error) -> PyErr {
    crate::errors::internal(
        py,
        &format!("could not start the async runtime: {err}"),
        None,
    )
}

/// Run a Python entry point, turning a panic into a `KnowBe4Error`.
pub(crate) fn guarded<T>(
    py: Python<'_>,
    action: Option<&str>,
    body: impl FnOnce() -> PyResult<T>,
) -> PyResult<T> {
    std::panic::catch_unwind(AssertUnwindSafe(body))
        .unwrap_or_else(|payload| Err(panic_to_py_err(py, &*payload, action)))
}

fn text(name: &str, value: Option<&Bound<'_, PyAny>>) -> Result<Option<String>, Error> {
    match value {
        None => Ok(None),
        Some(value) if value.is_none() => Ok(None),
        Some(value) => match value.cast::<PyString>() {
            Ok(text) => Ok(Some(text.to_string())),
            Err(_) => Err(Error::invalid_input(name, "must be a str")),
        },
    }
}

/// A non-negative whole number (`bool` is refused: `True` is not a count).
fn count(name: &str, value: Option<&Bound<'_, PyAny>>) -> Result<Option<u64>, Error> {
    match value {
        None => Ok(None),
        Some(value) if value.is_none() => Ok(None),
        Some(value) if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() => {
            Err(Error::invalid_input(name, "must be an int"))
        }
        Some(value) => value
            .extract::<u64>()
            .map(Some)
            .map_err(|_| Error::invalid_input(name, "must be a non-negative int")),
    }
}

fn flag(name: &str, value: Option<&Bound<'_, PyAny>>) -> Result<Option<bool>, Error> {
    match value {
        None => Ok(None),
        Some(value) if value.is_none() => Ok(None),
        Some(value) => value
            .cast::<PyBool>()
            .map(|flag| Some(flag.is_true()))
            .map_err(|_| Error::invalid_input(name, "must be True or False")),
    }
}

fn seconds(name: &str, value: Option<&Bound<'_, PyAny>>) -> Result<Option<Duration>, Error> {
    let Some(value) = value.filter(|value| !value.is_none()) else {
        return Ok(None);
    };
    let number = if value.is_instance_of::<PyBool>() {
        None
    } else if value.is_instance_of::<PyFloat>() || value.is_instance_of::<PyInt>() {
        value.extract::<f64>().ok()
    } else {
        None
    };
    let number = number.ok_or_else(|| Error::invalid_input(name, "must be a number of seconds"))?;
    match Duration::try_from_secs_f64(number) {
        Ok(duration) if !duration.is_zero() => Ok(Some(duration)),
        _ => Err(Error::invalid_input(
            name,
            format!("must be a positive, finite number of seconds, got {number}"),
        )),
    }
}
