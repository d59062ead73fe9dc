//! Writing a generated city into a store, layer by layer.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::domain::Layer;
use crate::index::Dataset;
use crate::store::{Batch, Store, StoreError};

/// What writing one layer took.
#[derive(Debug, Clone, Copy)]
pub struct Written {
    pub layer: Layer,
    pub features: usize,
    pub inserted: usize,
    pub took: Duration,
}

/// Writes the four layers in dependency order through [`Store::upsert`], each layer one
/// transaction (the store chunks large batches itself). `progress` is told after each layer.
pub async fn write(store: &dyn Store, data: Dataset, mut progress: impl FnMut(Written)) -> Result<(), StoreError> {
    fn owned<T: Clone>(v: Arc<Vec<T>>) -> Vec<T> {
        Arc::try_unwrap(v).unwrap_or_else(|shared| shared.to_vec())
    }
    let batches = [
        Batch::Areas(owned(data.areas)),
        Batch::Buildings(owned(data.buildings)),
        Batch::Households(owned(data.households)),
        Batch::Stations(owned(data.stations)),
        Batch::Paths(owned(data.paths)),
    ];
    // A layer with nothing in it (a city without paths) is not written.
    for batch in batches.iter().filter(|b| !b.is_empty() || b.layer() != Layer::Paths) {
        let started = Instant::now();
        let summary = store.upsert(batch).await?;
        progress(Written {
            layer: batch.layer(),
            features: batch.len(),
            inserted: summary.inserted,
            took: started.elapsed(),
        });
    }
    Ok(())
}
