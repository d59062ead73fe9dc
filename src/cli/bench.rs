//! `gridmap bench load`: a generated city written into any store.

use std::path::Path;
use std::time::Instant;

use super::open_store;
use crate::citygen::{self, Scale, Summary};
use crate::index::Dataset;
use crate::store::{Batch, Store};

pub async fn run_load(database: &str, scale: Scale, source: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    let data = tokio::task::spawn_blocking({
        let source = source.to_owned();
        move || citygen::generate(&source, scale)
    })
    .await??;
    eprintln!(
        "generated the city at scale {scale} in {:.1} s: {}",
        started.elapsed().as_secs_f64(),
        Summary::of(&data)
    );
    let store = open_store(database).await?;
    let result = write(store.as_ref(), data).await;
    store.close().await;
    result?;
    eprintln!("the city at scale {scale} is in the {} store", store.backend());
    Ok(())
}

/// Writes the four layers, each in one transaction (the store chunks large batches itself).
pub async fn write(store: &dyn Store, data: Dataset) -> anyhow::Result<()> {
    fn owned<T: Clone>(v: std::sync::Arc<Vec<T>>) -> Vec<T> {
        std::sync::Arc::try_unwrap(v).unwrap_or_else(|shared| shared.to_vec())
    }
    let batches = [
        Batch::Areas(owned(data.areas)),
        Batch::Buildings(owned(data.buildings)),
        Batch::Households(owned(data.households)),
        Batch::Stations(owned(data.stations)),
    ];
    for batch in &batches {
        let started = Instant::now();
        let summary = store.upsert(batch).await?;
        eprintln!(
            "{}: {} written ({} new) in {:.1} s",
            batch.layer(),
            batch.len(),
            summary.inserted,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
