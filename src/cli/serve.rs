//! `gridmap serve`.

use std::time::Duration;

use anyhow::Context;

use super::{load_demo, open_store};
use crate::config::{DEFAULT_DATABASE, ServeArgs};
use crate::state::{AppState, Limits};
use crate::store::redact_url;

pub async fn run(database: &str, args: ServeArgs) -> anyhow::Result<()> {
    let store = open_store(database).await?;
    let limits = Limits {
        max_batch_points: args.max_batch_points,
        ..Limits::default()
    };
    let state = AppState::load(store.clone(), limits)
        .await
        .context("loading the stored data")?;
    let empty = state.index().areas.is_empty() && store.revisions().await?.0.iter().all(|&r| r == 0);
    if empty && database == DEFAULT_DATABASE && !args.no_demo {
        tracing::info!(geodata = %args.geodata.display(), "the store is empty: loading the demo data");
        load_demo(&state, &args.geodata).await.with_context(|| {
            format!(
                "the store is empty and the demo could not be loaded from {}; run from the repository root, \
                 point --geodata at the demo folder, or start empty with --no-demo",
                args.geodata.display()
            )
        })?;
    }
    let index = state.index();
    tracing::info!(
        store = %redact_url(database),
        areas = index.areas.len(),
        households = index.households.len(),
        "index loaded"
    );
    drop(index);

    let refresher = tokio::spawn(refresh_loop(
        state.clone(),
        Duration::from_secs(args.refresh_secs.max(1)),
    ));
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("binding {}", args.bind))?;
    tracing::info!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, crate::http::app(state))
        .with_graceful_shutdown(shutdown())
        .await?;
    refresher.abort();
    store.close().await;
    Ok(())
}

/// Picks up writes made by other processes; a store outage is logged and retried.
async fn refresh_loop(state: AppState, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = state.refresh().await {
            tracing::warn!(error = %e, "cannot refresh the index from the store; still serving the last snapshot");
        }
    }
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
