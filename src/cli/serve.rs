//! `gridmap serve`.

use std::time::Duration;

use anyhow::Context;

use std::path::Path;

use super::demo::{demo_accounts, print_logins};
use super::{load_demo, open_store};
use crate::access::Rate;
use crate::config::{DEFAULT_DATABASE, ServeArgs};
use crate::state::{AppState, Limits};
use crate::store::redact_url;

/// Where the demo's generated logins are kept, beside the default store.
pub const DEMO_LOGINS: &str = "data/demo-logins.txt";

pub async fn run(database: &str, args: ServeArgs) -> anyhow::Result<()> {
    if !(args.rate_limit.is_finite() && args.rate_limit >= 0.0) {
        anyhow::bail!("--rate-limit must be a number of requests per second, 0 for none");
    }
    if !(args.token_hours.is_finite() && args.token_hours > 0.0 && args.token_hours <= 24.0 * 366.0) {
        anyhow::bail!("--token-hours must be more than 0 and at most a year");
    }
    let store = open_store(database).await?;
    let limits = Limits {
        max_batch_points: args.max_batch_points,
        per_token: (args.rate_limit > 0.0).then_some(Rate {
            per_second: args.rate_limit,
            burst: 4.0 * args.rate_limit,
        }),
        token_lifetime: Duration::from_secs_f64(args.token_hours * 3600.0),
        ..Limits::default()
    };
    let state = AppState::load(store.clone(), limits)
        .await
        .context("loading the stored data")?;
    let empty = state.index().areas.is_empty() && store.revisions().await?.0.iter().all(|&r| r == 0);
    let mut printed_logins = false;
    if empty && database == DEFAULT_DATABASE && !args.no_demo {
        tracing::info!(geodata = %args.geodata.display(), "the store is empty: loading the demo data");
        load_demo(&state, &args.geodata).await.with_context(|| {
            format!(
                "the store is empty and the demo could not be loaded from {}; run from the repository root, \
                 point --geodata at the demo folder, or start empty with --no-demo",
                args.geodata.display()
            )
        })?;
        let saved = Path::new(DEMO_LOGINS);
        let accounts = demo_accounts(&*store, Some(saved)).await?;
        print_logins(&accounts, Some(saved));
        printed_logins = !accounts.is_empty();
    }
    if store.users().await?.is_empty() {
        tracing::warn!(
            "no accounts yet: every data endpoint answers 401 until one is added with `gridmap user add NAME --role admin`"
        );
    } else if !printed_logins && database == DEFAULT_DATABASE && Path::new(DEMO_LOGINS).is_file() {
        tracing::info!("the demo accounts' passwords are in {DEMO_LOGINS}");
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
    // The peer address goes into the audit log.
    let app = crate::http::app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown()).await?;
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
