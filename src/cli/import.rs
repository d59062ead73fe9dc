//! `gridmap import`.

use std::path::Path;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use super::open_store;
use crate::access::{Action, AuditEntry};
use crate::config::{ImportArgs, cli_user};
use crate::domain::{Crs, Layer};
use crate::import::{InputFile, parse_files};
use crate::state::{AppState, Limits};

pub async fn run(database: &str, args: ImportArgs) -> anyhow::Result<()> {
    let store = open_store(database).await?;
    let state = AppState::load(store.clone(), Limits::default())
        .await
        .context("loading the stored data")?;
    let result = import_files(&state, args.layer, args.crs.into(), &args.files, true).await;
    if let Ok((_, summary)) = &result {
        let files: Vec<String> = args.files.iter().map(|f| f.display().to_string()).collect();
        let entry = AuditEntry::anonymous(&cli_user(), Action::Import, args.layer.as_str()).detail(format!(
            "{} new, {} updated, from {}",
            summary.inserted,
            summary.updated,
            files.join(", ")
        ));
        store
            .append_audit(&[entry])
            .await
            .context("recording the import in the audit log")?;
    }
    store.close().await;
    let (features, summary) = result?;
    eprintln!(
        "imported {features} {} ({} new, {} updated) into {}",
        args.layer,
        summary.inserted,
        summary.updated,
        store.backend()
    );
    Ok(())
}

/// Reads, checks and writes `files` as one all-or-nothing import. With `progress`, a progress bar
/// on standard error follows large files (it hides itself when standard error is not a terminal).
pub async fn import_files(
    state: &AppState,
    layer: Layer,
    crs: Crs,
    files: &[impl AsRef<Path>],
    progress: bool,
) -> anyhow::Result<(usize, crate::store::UpsertSummary)> {
    let mut inputs = Vec::new();
    for path in files {
        let path = path.as_ref();
        let bytes = tokio::fs::read(path)
            .await
            .with_context(|| format!("reading {}", path.display()))?;
        inputs.push(InputFile {
            name: path.display().to_string(),
            bytes,
        });
    }
    let bar = if progress {
        ProgressBar::new_spinner()
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {pos} features ({per_sec})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(format!("checking {layer}"));
    let parsed = tokio::task::spawn_blocking(move || {
        parse_files(layer, crs, &inputs, &mut |n| {
            if n % 1000 == 0 {
                bar.set_position(n as u64);
            }
        })
        .inspect(|_| bar.finish_and_clear())
    })
    .await
    .context("the import check stopped unexpectedly")??;
    let n = parsed.batch.len();
    let summary = state.import(parsed).await?;
    Ok((n, summary))
}
