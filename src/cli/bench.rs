//! `gridmap bench load`: a generated city written into any store.

use std::path::Path;
use std::time::Instant;

use super::open_store;
use crate::citygen::{self, Scale, Summary};

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
    let result = citygen::write(store.as_ref(), data, |w| {
        eprintln!(
            "{}: {} written ({} new) in {:.1} s",
            w.layer,
            w.features,
            w.inserted,
            w.took.as_secs_f64()
        )
    })
    .await;
    store.close().await;
    result?;
    eprintln!("the city at scale {scale} is in the {} store", store.backend());
    Ok(())
}
