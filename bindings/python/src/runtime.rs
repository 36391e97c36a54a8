//! One tokio runtime per process, created on first use.
//!
//! A runtime made before `fork()` is useless in the child: its worker
//! threads were not copied, so anything spawned on it would never run. The
//! runtime is therefore keyed by process id and rebuilt on first use in a
//! forked child.

use std::sync::{Arc, Mutex, PoisonError};

use tokio::runtime::Runtime;

type Slot = Mutex<Option<(u32, Arc<Runtime>)>>;

static RUNTIME: Slot = Mutex::new(None);
static LOCAL_RUNTIME: Slot = Mutex::new(None);

/// This process's runtime.
pub(crate) fn runtime() -> std::io::Result<Arc<Runtime>> {
    this_process(&RUNTIME, || {
        tokio::runtime::Builder::new_multi_thread()
            .thread_name("knowbe4-connector")
            .enable_all()
            .build()
    })
}

/// This process's current-thread runtime: single-request calls of the
/// blocking client run on the calling thread with it, so a call makes no
/// hop to a worker thread and back (the hop cost about as much as the
/// call). Several threads may drive it at once; tokio hands its driver
/// from one to the next. Worker-less, so nothing to stop at exit.
pub(crate) fn local_runtime() -> std::io::Result<Arc<Runtime>> {
    this_process(&LOCAL_RUNTIME, || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    })
}

/// The runtime in `slot` if this process made it, else a new one from `build`.
fn this_process(
    slot: &Slot,
    build: impl FnOnce() -> std::io::Result<Runtime>,
) -> std::io::Result<Arc<Runtime>> {
    let pid = std::process::id();
    // The lock only guards a pointer swap; a poisoned lock still holds a valid one.
    let mut slot = slot.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((owner, runtime)) = slot.as_ref() {
        if *owner == pid {
            return Ok(Arc::clone(runtime));
        }
    }
    let runtime = Arc::new(build()?);
    if let Some((_, inherited)) = slot.replace((pid, Arc::clone(&runtime))) {
        // Dropping the parent's runtime in a child would wait for worker
        // threads that do not exist here; leaking it is the safe choice.
        std::mem::forget(inherited);
    }
    Ok(runtime)
}

/// Stop this process's runtime, waiting up to `grace` for its tasks. Called
/// from an `atexit` hook, while the interpreter is still whole: a worker
/// thread that touched Python during finalization would be ended by
/// CPython mid-call (`pthread_exit`), which aborts the process.
pub(crate) fn shutdown(grace: std::time::Duration) {
    let taken = RUNTIME
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    if let Some((owner, runtime)) = taken {
        if owner != std::process::id() {
            // A parent's runtime in a forked child: its threads are not here.
            std::mem::forget(runtime);
            return;
        }
        match Arc::try_unwrap(runtime) {
            Ok(runtime) => runtime.shutdown_timeout(grace),
            // Still in use by a call on another thread: leave it running.
            Err(shared) => std::mem::forget(shared),
        }
    }
}
