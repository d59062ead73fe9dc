//! `gridmap demo load|generate`, and loading the demo into an empty store at start.

use std::path::Path;

use anyhow::Context;

use super::import::import_files;
use super::open_store;
use crate::domain::{Crs, Layer};
use crate::state::{AppState, Limits};

/// Imports `DIR/{areas,buildings,households,stations}.geojson` in dependency order.
pub async fn load_demo(state: &AppState, dir: &Path) -> anyhow::Result<()> {
    for layer in Layer::ALL {
        let file = dir.join(format!("{layer}.geojson"));
        let (n, _) = import_files(state, layer, Crs::Wgs84, &[&file], false)
            .await
            .with_context(|| format!("loading the demo {layer} from {}", file.display()))?;
        tracing::info!(layer = %layer, features = n, "demo data loaded");
    }
    Ok(())
}

pub async fn run_load(database: &str, dir: &Path) -> anyhow::Result<()> {
    let store = open_store(database).await?;
    let state = AppState::load(store.clone(), Limits::default()).await?;
    let result = load_demo(&state, dir).await;
    store.close().await;
    result?;
    eprintln!("demo data from {} loaded into {}", dir.display(), store.backend());
    Ok(())
}

pub fn run_generate(source: &Path, out: &Path) -> anyhow::Result<()> {
    let summary = crate::demo::generate(source, out)?;
    eprintln!("demo data written to {}: {summary}", out.display());
    Ok(())
}
