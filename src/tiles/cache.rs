//! The tile source of the current snapshot, built once per data change.

use std::sync::Arc;

use arc_swap::ArcSwapOption;
use tokio::sync::Mutex;

use super::TileError;
use super::source::TileSource;
use crate::index::Index;

/// Holds the [`TileSource`] of the newest snapshot seen. Reading it takes no lock, so tile requests
/// never queue behind one another; requests that arrive together while a new one is being built
/// wait for that one build instead of each starting their own.
#[derive(Default)]
pub struct TileCache {
    current: ArcSwapOption<TileSource>,
    building: Mutex<()>,
}

impl TileCache {
    /// The tile source for `index`, built (off the async runtime) when the cached one is of another
    /// generation.
    pub async fn source(&self, index: &Arc<Index>) -> Result<Arc<TileSource>, TileError> {
        if let Some(s) = self.matching(index) {
            return Ok(s);
        }
        let _building = self.building.lock().await;
        // Someone may have built it while this request waited.
        if let Some(s) = self.matching(index) {
            return Ok(s);
        }
        let for_build = index.clone();
        let built = tokio::task::spawn_blocking(move || TileSource::build(&for_build))
            .await
            .map(Arc::new)
            .map_err(|e| TileError::Prepare(e.to_string()))?;
        // A request still holding an older snapshot must not evict the newer source.
        if self
            .current
            .load()
            .as_ref()
            .is_none_or(|s| s.generation() < built.generation())
        {
            self.current.store(Some(built.clone()));
        }
        Ok(built)
    }

    fn matching(&self, index: &Index) -> Option<Arc<TileSource>> {
        self.current
            .load_full()
            .filter(|s| s.generation() == index.generation())
    }
}
