//! Render cache: each distinct response body is serialised once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::RwLock;

use bytes::Bytes;

/// Bodies kept before the cache starts over (keeps long benchmarks bounded).
const MAX_BYTES: usize = 512 * 1024 * 1024;

/// Rendered bodies keyed by endpoint plus normalised parameters.
#[derive(Debug, Default)]
pub(crate) struct RenderCache {
    map: RwLock<HashMap<String, Bytes>>,
    bytes: AtomicUsize,
}

impl RenderCache {
    /// The cached body for `key`, rendering (outside any lock) and storing it on a miss.
    pub(crate) fn get_or_render(&self, key: String, render: impl FnOnce() -> Vec<u8>) -> Bytes {
        if let Some(b) = self.map.read().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return b.clone();
        }
        let body = Bytes::from(render());
        let mut map = self.map.write().unwrap_or_else(|e| e.into_inner());
        if self.bytes.load(Ordering::Relaxed) + body.len() > MAX_BYTES {
            map.clear();
            self.bytes.store(0, Ordering::Relaxed);
        }
        self.bytes.fetch_add(body.len(), Ordering::Relaxed);
        map.entry(key).or_insert(body).clone()
    }
}
