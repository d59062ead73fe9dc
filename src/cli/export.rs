//! `gridmap export`.

use std::io::Write;

use anyhow::Context;

use super::open_store;
use crate::access::{Action, AuditEntry};
use crate::config::{ExportArgs, Format, cli_user};
use crate::domain::Layer;
use crate::export::{write_csv, write_geojson};
use crate::index::Dataset;

pub async fn run(database: &str, args: ExportArgs) -> anyhow::Result<()> {
    let store = open_store(database).await?;
    let mut data = Dataset::default();
    match args.layer {
        Layer::Areas => data.areas = store.load_areas().await?.into(),
        Layer::Buildings => data.buildings = store.load_buildings().await?.into(),
        Layer::Households => data.households = store.load_households().await?.into(),
        Layer::Stations => data.stations = store.load_stations().await?.into(),
        Layer::Paths => data.paths = store.load_paths().await?.into(),
    }
    // The command line reads the store directly and so sees everything; what it took is recorded.
    let entry = AuditEntry::anonymous(&cli_user(), Action::Export, args.layer.as_str()).detail(format!(
        "{} features to {}",
        crate::features::count(&data, args.layer),
        args.output
            .as_ref()
            .map_or("standard output".into(), |p| p.display().to_string())
    ));
    let recorded = store.append_audit(&[entry]).await;
    store.close().await;
    recorded.context("recording the export in the audit log")?;
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let n = match args.format {
        Format::Geojson => write_geojson(&data, args.layer, &mut out)?,
        Format::Csv => write_csv(&data, args.layer, &mut out)?,
    };
    out.flush().context("writing the export")?;
    if let Some(path) = &args.output {
        eprintln!("exported {n} {} to {}", args.layer, path.display());
    }
    Ok(())
}
