//! The KnowBe4 connector for JavaScript hosts: Node, Deno, browsers and
//! workers. A thin edge over the core crate: JS options become a
//! `ClientConfig`, JS arguments become Turbine-shaped input for the core's
//! one `run_action_streamed` path, the core's envelope becomes a plain JS
//! object (a multi-page list parsed page by page by the host's `JSON.parse`) and
//! its errors become JS `Error`s with a stable `code`. The network belongs to
//! the host: every request goes through a `fetch` function.
//!
//! Everything is compiled for wasm32 only; on other targets the crate is
//! empty, so `cargo check --workspace` on a native host still passes.

#![cfg(target_arch = "wasm32")]

mod client;
mod clock;
mod envelope;
mod errors;
mod fetch;
mod inputs;
mod options;
mod pages;
mod panic;
mod spawn;
mod types;

pub use client::Client;

use wasm_bindgen::prelude::wasm_bindgen;

/// Runs once when the module is instantiated.
#[wasm_bindgen(start)]
fn start() {
    panic::install_hook();
}

/// The connector's version.
#[wasm_bindgen]
#[must_use]
pub fn version() -> String {
    knowbe4_connector::VERSION.to_owned()
}

/// The names of every action, in the core's table order.
#[wasm_bindgen(js_name = actionNames, unchecked_return_type = "ActionName[]")]
#[must_use]
pub fn action_names() -> Vec<String> {
    knowbe4_connector::ACTIONS
        .iter()
        .map(|action| action.name.to_owned())
        .collect()
}
