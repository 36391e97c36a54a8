//! Running actions on the runtime: the blocking wait (GIL released, Ctrl-C
//! honoured) and the asyncio bridge (a future completed from the runtime,
//! whose cancellation aborts the tokio task). Either way a multi-page
//! list's records are converted page by page while the pull goes on.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use knowbe4_connector::{Client, Error, Plan, Streamed};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use tokio::runtime::Runtime;
use tokio::task::{AbortHandle, JoinError, JoinHandle};

use crate::convert::{envelope_to_py, pulled_to_py};
use crate::errors::{internal, panic_to_py_err, to_py_err};
use crate::json_to_py::StrCache;
use crate::pages::{self, append_page, PageQueue};

/// How often a blocking call wakes to let Python handle signals (Ctrl-C).
const SIGNAL_POLL: Duration = Duration::from_millis(100);

/// Action tasks alive on the runtime, for tests that prove cancellation
/// really stops the Rust side.
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// The number of action tasks still running.
pub(crate) fn in_flight() -> usize {
    IN_FLIGHT.load(Ordering::SeqCst)
}

struct InFlight;

impl InFlight {
    fn enter() -> InFlight {
        IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
        InFlight
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
    }
}

type Work = JoinHandle<Result<Streamed, Error>>;

/// Start `action` on the runtime. Its answer comes back through the task;
/// a multi-page list's records come page by page through the queue, so
/// the caller builds Python objects while the next pages are fetched.
fn spawn_pull(runtime: &Runtime, client: Client, plan: Plan) -> (Work, PageQueue) {
    let (mut sink, pages) = pages::queue();
    let task = runtime.spawn(async move {
        let _counted = InFlight::enter();
        client.run_plan_streamed(&plan, &mut sink).await
    });
    (task, pages)
}

/// Drive `future` to its end on `runtime` from this thread, with the GIL
/// released. Wakes every [`SIGNAL_POLL`] to run Python's signal handlers;
/// if one raises (`KeyboardInterrupt`), `future` is dropped (cancelled),
/// `task` (the action's spawned task, if any) aborted, and the exception
/// returned.
fn wait<T>(
    py: Python<'_>,
    runtime: &Runtime,
    task: Option<&AbortHandle>,
    future: impl Future<Output = T> + Send,
) -> PyResult<T>
where
    T: Send,
{
    let mut future = std::pin::pin!(future);
    loop {
        let waited = py.detach(|| {
            runtime.block_on(async { tokio::time::timeout(SIGNAL_POLL, future.as_mut()).await })
        });
        match waited {
            Ok(done) => return Ok(done),
            Err(_still_running) => {
                if let Err(interrupt) = py.check_signals() {
                    task.inspect(|task| task.abort());
                    return Err(interrupt);
                }
            }
        }
    }
}

/// Run `action` to completion on the calling thread's behalf: the pull on
/// the runtime, the conversion here, page by page, GIL held only while
/// converting.
pub(crate) fn block_on<'py>(
    py: Python<'py>,
    runtime: &Runtime,
    client: Client,
    plan: Plan,
) -> PyResult<Bound<'py, PyDict>> {
    let action = plan.action();
    let (mut task, mut pages) = spawn_pull(runtime, client, plan);
    let abort = task.abort_handle();
    let records = PyList::empty(py);
    let mut strings = StrCache::default();
    while let Some(page) = wait(py, runtime, Some(&abort), pages.recv())? {
        if let Err(err) = append_page(py, page, &records, &mut strings, action) {
            abort.abort();
            return Err(err);
        }
    }
    let joined = wait(py, runtime, Some(&abort), &mut task)?;
    outcome(py, action, joined, records)
}

/// Run a single-request action on the calling thread, driving the
/// current-thread runtime `local` with the GIL released; Ctrl-C drops
/// (cancels) the request.
pub(crate) fn call_here<'py>(
    py: Python<'py>,
    local: &Runtime,
    client: Client,
    plan: Plan,
) -> PyResult<Bound<'py, PyDict>> {
    let work = async move {
        let _counted = InFlight::enter();
        client.run_plan(&plan).await
    };
    let result = wait(py, local, None, work)?;
    match result {
        Ok(envelope) => envelope_to_py(py, envelope),
        Err(err) => Err(to_py_err(py, &err)),
    }
}

/// Start `action` and return an asyncio future of its envelope, bound to the
/// running event loop.
pub(crate) fn spawn_future<'py>(
    py: Python<'py>,
    runtime: &Runtime,
    client: Client,
    plan: Plan,
) -> PyResult<Bound<'py, PyAny>> {
    let action = plan.action();
    let event_loop = py.import("asyncio")?.call_method0("get_running_loop")?;
    let future = event_loop.call_method0("create_future")?;
    let (task, mut pages) = spawn_pull(runtime, client, plan);
    let abort = task.abort_handle();
    // Whatever ends the future (a result, or the caller cancelling the
    // awaiting task) means nobody needs the work any more.
    future.call_method1(
        "add_done_callback",
        (AbortOnDone {
            handle: task.abort_handle(),
        },),
    )?;
    let event_loop = event_loop.unbind();
    let waiting = future.clone().unbind();
    runtime.spawn(async move {
        let mut strings = StrCache::default();
        let mut records: Option<Py<PyList>> = None;
        let mut failure = None;
        while let Some(page) = pages.recv().await {
            // `None` when the interpreter is shutting down: nobody is waiting then.
            let converted = Python::try_attach(|py| {
                let records = records.get_or_insert_with(|| PyList::empty(py).unbind());
                std::panic::catch_unwind(AssertUnwindSafe(|| {
                    append_page(py, page, records.bind(py), &mut strings, action)
                }))
                .unwrap_or_else(|payload| Err(panic_to_py_err(py, &*payload, Some(action))))
            });
            match converted {
                Some(Ok(())) => {}
                Some(Err(err)) => {
                    failure = Some(err);
                    break;
                }
                None => {
                    abort.abort();
                    return;
                }
            }
        }
        if failure.is_some() {
            abort.abort();
        }
        drop(pages);
        let joined = task.await;
        let _ = Python::try_attach(|py| {
            let result = match failure {
                Some(err) => Err(err),
                None => {
                    let records = records.map_or_else(|| PyList::empty(py), |r| r.into_bound(py));
                    outcome(py, action, joined, records)
                }
            };
            deliver(py, &event_loop, &waiting, result);
        });
    });
    Ok(future)
}

/// Hand the outcome to the event loop's thread; futures are not thread-safe.
fn deliver(
    py: Python<'_>,
    event_loop: &Py<PyAny>,
    future: &Py<PyAny>,
    result: PyResult<Bound<'_, PyDict>>,
) {
    let (value, is_error) = match result {
        Ok(envelope) => (envelope.into_any(), false),
        Err(err) => (err.into_value(py).into_bound(py).into_any(), true),
    };
    let scheduled = wrap_pyfunction!(resolve, py).and_then(|resolve| {
        event_loop
            .bind(py)
            .call_method1("call_soon_threadsafe", (resolve, future, value, is_error))
    });
    // A closed loop refuses the callback; its future can never be awaited again.
    drop(scheduled);
}

/// Complete `future` on its loop, unless it was cancelled meanwhile.
#[pyfunction]
fn resolve(future: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>, is_error: bool) -> PyResult<()> {
    if future.call_method0("done")?.is_truthy()? {
        return Ok(());
    }
    if is_error {
        future.call_method1("set_exception", (value,))?;
    } else {
        future.call_method1("set_result", (value,))?;
    }
    Ok(())
}

/// The done-callback of an action's future: aborts the tokio task.
#[pyclass(frozen)]
struct AbortOnDone {
    handle: AbortHandle,
}

#[pymethods]
impl AbortOnDone {
    fn __call__(&self, _future: &Bound<'_, PyAny>) {
        self.handle.abort();
    }
}

/// A finished task as an envelope dict or the matching exception.
/// `records` are the pages the queue delivered: the body of a complete
/// pull, discarded when the answer is one whole envelope. A panic anywhere
/// on the way becomes a `KnowBe4Error`, never a `PanicException`.
fn outcome<'py>(
    py: Python<'py>,
    action: &str,
    joined: Result<Result<Streamed, Error>, JoinError>,
    records: Bound<'py, PyList>,
) -> PyResult<Bound<'py, PyDict>> {
    match joined {
        Ok(Ok(Streamed::Pages(envelope))) => pulled_to_py(py, &envelope, records),
        Ok(Ok(Streamed::Whole(envelope))) => {
            std::panic::catch_unwind(AssertUnwindSafe(|| envelope_to_py(py, envelope)))
                .unwrap_or_else(|payload| Err(panic_to_py_err(py, &*payload, Some(action))))
        }
        Ok(Err(err)) => Err(to_py_err(py, &err)),
        Err(join) if join.is_panic() => Err(panic_to_py_err(py, &*join.into_panic(), Some(action))),
        Err(_) => Err(internal(py, "the action was cancelled", Some(action))),
    }
}
