//! Panics. On wasm32-unknown-unknown with stable Rust a panic cannot be
//! caught: the instance aborts with an opaque `RuntimeError: unreachable`.
//! The inputs are checked so that none should panic; if one does anyway,
//! this hook makes it legible: it logs the Rust message, rejects every
//! pending promise with a `KnowBe4Error` of code `panic` carrying that
//! message, and marks the instance so every later call rejects with the
//! same error instead of running on a broken instance.

use std::cell::RefCell;

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use crate::errors::{self, PANIC_CODE};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

thread_local! {
    static PANIC_MESSAGE: RefCell<Option<String>> = const { RefCell::new(None) };
}

pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = format!(
            "knowbe4-connector-wasm panicked (a bug; please report it): {info}. \
             This instance is unusable; load the module again."
        );
        console_error(&message);
        let _ = PANIC_MESSAGE.try_with(|slot| {
            if let Ok(mut slot) = slot.try_borrow_mut() {
                *slot = Some(message.clone());
            }
        });
        crate::spawn::reject_all(&error(&message));
    }));
}

/// The error every call gets once the instance has panicked.
pub fn after_panic() -> Option<JsValue> {
    PANIC_MESSAGE
        .with(|slot| slot.borrow().clone())
        .map(|message| error(&message))
}

fn error(message: &str) -> JsValue {
    errors::build(message, PANIC_CODE, None, None)
}
