//! Rust futures to JS Promises, with a registry of the promises still
//! pending so that a panic (which aborts the instance: wasm32 has no
//! unwinding on stable Rust) can reject them instead of leaving them
//! pending forever. See `panic.rs`.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::future::Future;

use js_sys::{Function, Promise};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;

thread_local! {
    static PENDING: RefCell<BTreeMap<u64, Function>> = const { RefCell::new(BTreeMap::new()) };
    static NEXT_ID: Cell<u64> = const { Cell::new(0) };
}

/// Run `future` on the host's event loop; its result settles the promise.
pub fn promise<F>(future: F) -> Promise
where
    F: Future<Output = Result<JsValue, JsValue>> + 'static,
{
    if let Some(error) = crate::panic::after_panic() {
        return Promise::reject(&error);
    }
    let mut settle = None;
    // The executor runs synchronously inside `new Promise`.
    let promise = Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
    let Some((resolve, reject)) = settle else {
        return promise;
    };
    let id = NEXT_ID.with(|next| {
        let id = next.get();
        next.set(id + 1);
        id
    });
    PENDING.with(|pending| pending.borrow_mut().insert(id, reject.clone()));
    spawn_local(async move {
        let outcome = future.await;
        PENDING.with(|pending| pending.borrow_mut().remove(&id));
        let _ = match outcome {
            Ok(value) => resolve.call1(&JsValue::UNDEFINED, &value),
            Err(error) => reject.call1(&JsValue::UNDEFINED, &error),
        };
    });
    promise
}

/// Reject every pending promise with `error` (called from the panic hook).
pub fn reject_all(error: &JsValue) {
    // try_borrow: the panic may have happened while the registry was borrowed.
    let rejects: Vec<Function> = PENDING.with(|pending| {
        pending
            .try_borrow_mut()
            .map(|mut pending| std::mem::take(&mut *pending).into_values().collect())
            .unwrap_or_default()
    });
    for reject in rejects {
        let _ = reject.call1(&JsValue::UNDEFINED, error);
    }
}
