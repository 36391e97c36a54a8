//! The WASM binding (in progress; see issue 4).
