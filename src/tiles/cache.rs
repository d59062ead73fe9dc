//! The tile source of the current snapshot, built once per data change, and where tiles are cut.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use arc_swap::ArcSwapOption;
use tokio::runtime::{Handle, RuntimeFlavor};
use tokio::sync::Mutex;

use super::TileError;
use super::coverage::CoverageTiles;
use super::source::TileSource;
use crate::coverage::Distance;
use crate::domain::StationKind;
use crate::index::Index;

/// Coverage (kind, radius, distance) triples kept per snapshot: the web app's radii for a few kinds.
const COVERAGE_KEPT: usize = 16;

/// Holds the [`TileSource`] of the newest snapshot seen. Reading it takes no lock, so tile requests
/// never queue behind one another; requests that arrive together while a new one is being built
/// wait for that one build instead of each starting their own.
#[derive(Default)]
pub struct TileCache {
    current: ArcSwapOption<TileSource>,
    building: Mutex<()>,
    /// Tiles being cut right now.
    cutting: AtomicUsize,
    /// Coverage of the (kind, radius, distance) triples asked for lately, newest last, of the newest
    /// snapshot.
    coverage: Mutex<Vec<Arc<CoverageTiles>>>,
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

    /// Runs `cut` (tens of microseconds to a few milliseconds of CPU) without stalling the async
    /// workers: on this worker's thread when no other tile is being cut, which spares the one request
    /// in flight two thread hand-offs (a fifth of a street-level tile's round trip when the server
    /// is otherwise idle; tokio moves this worker's other tasks to another thread meanwhile), and on
    /// the blocking pool while others are, where hand-offs are cheaper than taking a worker away
    /// again and again.
    pub async fn cut<T: Send + 'static>(&self, cut: impl FnOnce() -> T + Send + 'static) -> Result<T, TileError> {
        let alone = self.cutting.fetch_add(1, Ordering::Relaxed) == 0;
        let _cutting = Cutting(&self.cutting);
        // (block_in_place needs the multi-threaded runtime `gridmap serve` runs on.)
        if alone && Handle::current().runtime_flavor() == RuntimeFlavor::MultiThread {
            Ok(tokio::task::block_in_place(cut))
        } else {
            tokio::task::spawn_blocking(cut)
                .await
                .map_err(|e| TileError::Cut(e.to_string()))
        }
    }

    /// Coverage of `kind` at `radius_m` measured by `distance` over `index`, computed (off the
    /// async runtime) the first time a snapshot is asked for it, then kept until the data changes.
    pub async fn coverage(
        &self,
        index: &Arc<Index>,
        kind: &StationKind,
        radius_m: u32,
        distance: Distance,
    ) -> Result<Arc<CoverageTiles>, TileError> {
        let generation = index.generation();
        let mut kept = self.coverage.lock().await;
        if let Some(c) = kept.iter().find(|c| c.is_for(generation, kind, radius_m, distance)) {
            return Ok(c.clone());
        }
        let (for_build, kind) = (index.clone(), kind.clone());
        let built = tokio::task::spawn_blocking(move || CoverageTiles::build(&for_build, kind, radius_m, distance))
            .await
            .map_err(|e| TileError::Prepare(e.to_string()))?
            .map(Arc::new)?;
        kept.retain(|c| c.generation() >= generation);
        if kept.iter().all(|c| c.generation() == generation) {
            if kept.len() >= COVERAGE_KEPT {
                kept.remove(0);
            }
            kept.push(built.clone());
        }
        Ok(built)
    }

    fn matching(&self, index: &Index) -> Option<Arc<TileSource>> {
        self.current
            .load_full()
            .filter(|s| s.generation() == index.generation())
    }
}

/// Counts one tile being cut while it lives.
struct Cutting<'a>(&'a AtomicUsize);

impl Drop for Cutting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::thread;

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_lone_cut_stays_on_its_thread_and_others_go_to_the_pool() {
        let cache = Arc::new(TileCache::default());
        let here = thread::current().id();
        let there = cache.cut(|| thread::current().id()).await.unwrap();
        assert_eq!(there, here, "no other tile being cut: no hand-off");

        // Hold one cut open, then cut another beside it.
        let (release, held) = mpsc::channel::<()>();
        let (started, running) = tokio::sync::oneshot::channel();
        let first = tokio::spawn({
            let cache = cache.clone();
            async move {
                cache
                    .cut(move || {
                        started.send(()).unwrap();
                        held.recv().unwrap();
                        1
                    })
                    .await
            }
        });
        running.await.unwrap();
        let here = thread::current().id();
        let (there, two) = cache.cut(|| (thread::current().id(), 2)).await.unwrap();
        assert_ne!(there, here, "another tile being cut: the blocking pool");
        assert_eq!(two, 2);
        release.send(()).unwrap();
        assert_eq!(first.await.unwrap().unwrap(), 1);
        assert_eq!(cache.cutting.load(Ordering::Relaxed), 0, "every cut counted out");
    }

    #[tokio::test]
    async fn the_single_threaded_runtime_cuts_on_the_pool() {
        let cache = TileCache::default();
        let here = thread::current().id();
        assert_ne!(cache.cut(|| thread::current().id()).await.unwrap(), here);
    }
}
