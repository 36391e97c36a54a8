//! Running actions on the runtime: the blocking wait (GIL released, Ctrl-C
//! honoured) and the asyncio bridge (a future completed from the runtime,
//! whose cancellation aborts the tokio task).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use knowbe4_connector::{Envelope, Error};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use tokio::runtime::Runtime;
use tokio::task::{AbortHandle, JoinError, JoinHandle};

use crate::convert::envelope_to_py;
use crate::errors::{internal, panic_to_py_err, to_py_err};

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

type Work = JoinHandle<Result<Envelope, Error>>;

fn spawn<F>(runtime: &Runtime, work: F) -> Work
where
    F: Future<Output = Result<Envelope, Error>> + Send + 'static,
{
    runtime.spawn(async move {
        let _counted = InFlight::enter();
        work.await
    })
}

/// Run `work` to completion with the GIL released. Wakes every
/// [`SIGNAL_POLL`] to run Python's signal handlers; if one raises
/// (`KeyboardInterrupt`), the task is aborted and the exception returned.
pub(crate) fn block_on<'py, F>(
    py: Python<'py>,
    runtime: &Runtime,
    action: &str,
    work: F,
) -> PyResult<Bound<'py, PyDict>>
where
    F: Future<Output = Result<Envelope, Error>> + Send + 'static,
{
    let mut task = spawn(runtime, work);
    let joined = loop {
        let waited = py.detach(|| {
            runtime.block_on(async { tokio::time::timeout(SIGNAL_POLL, &mut task).await })
        });
        match waited {
            Ok(joined) => break joined,
            Err(_still_running) => {
                if let Err(interrupt) = py.check_signals() {
                    task.abort();
                    return Err(interrupt);
                }
            }
        }
    };
    outcome(py, action, joined)
}

/// Start `work` and return an asyncio future of its envelope, bound to the
/// running event loop.
pub(crate) fn spawn_future<'py, F>(
    py: Python<'py>,
    runtime: &Runtime,
    action: String,
    work: F,
) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = Result<Envelope, Error>> + Send + 'static,
{
    let event_loop = py.import("asyncio")?.call_method0("get_running_loop")?;
    let future = event_loop.call_method0("create_future")?;
    let task = spawn(runtime, work);
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
        let joined = task.await;
        // `None` when the interpreter is shutting down: nobody is waiting then.
        let _ = Python::try_attach(|py| deliver(py, &event_loop, &waiting, &action, joined));
    });
    Ok(future)
}

/// Hand the outcome to the event loop's thread; futures are not thread-safe.
fn deliver(
    py: Python<'_>,
    event_loop: &Py<PyAny>,
    future: &Py<PyAny>,
    action: &str,
    joined: Result<Result<Envelope, Error>, JoinError>,
) {
    let (value, is_error) = match outcome(py, action, joined) {
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

/// A finished task as an envelope dict or the matching exception. A panic
/// anywhere on the way becomes a `KnowBe4Error`, never a `PanicException`.
fn outcome<'py>(
    py: Python<'py>,
    action: &str,
    joined: Result<Result<Envelope, Error>, JoinError>,
) -> PyResult<Bound<'py, PyDict>> {
    match joined {
        Ok(Ok(envelope)) => {
            std::panic::catch_unwind(AssertUnwindSafe(|| envelope_to_py(py, envelope)))
                .unwrap_or_else(|payload| Err(panic_to_py_err(py, &*payload, Some(action))))
        }
        Ok(Err(err)) => Err(to_py_err(py, &err)),
        Err(join) if join.is_panic() => Err(panic_to_py_err(py, &*join.into_panic(), Some(action))),
        Err(_) => Err(internal(py, "the action was cancelled", Some(action))),
    }
}
