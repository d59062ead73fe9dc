//! The tile source of the current snapshot, built once per data change.

use std::sync::Arc;

use tokio::sync::Mutex;

use super::TileError;
use super::source::TileSource;
use crate::index::Index;

/// Holds the [`TileSource`] of the newest snapshot seen. Requests that arrive together while it is
/// being built wait for that one build instead of each starting their own.
#[derive(Default)]
pub struct TileCache {
    current: Mutex<Option<Arc<TileSource>>>,
}

impl TileCache {
    /// The tile source for `index`, built (off the async runtime) when the cached one is of another
    /// generation.
    pub async fn source(&self, index: &Arc<Index>) -> Result<Arc<TileSource>, TileError> {
        let mut slot = self.current.lock().await;
        if let Some(s) = slot.as_ref().filter(|s| s.generation() == index.generation()) {
            return Ok(s.clone());
        }
        let for_build = index.clone();
        let built = tokio::task::spawn_blocking(move || TileSource::build(&for_build))
            .await
            .map(Arc::new)
            .map_err(|e| TileError::Prepare(e.to_string()))?;
        // A request still holding an older snapshot must not evict the newer source.
        if slot.as_ref().is_none_or(|s| s.generation() < built.generation()) {
            *slot = Some(built.clone());
        }
        Ok(built)
    }
}
