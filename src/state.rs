//! The application state: the store, the current index snapshot, and the write path that keeps the
//! two in step.
//!
//! Reads take the current [`Index`] snapshot (`ArcSwap`, lock-free). Writes go through
//! [`AppState::import`]: under one lock, references are checked against the snapshot, the store
//! writes in one transaction, and a new snapshot is built from the store and swapped in. Writes made
//! by another process (`gridmap import` beside a running server) are picked up by
//! [`AppState::refresh`], which the server calls periodically: it compares the store's per-layer
//! revisions with those the snapshot was built from and reloads only the layers that changed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use arc_swap::ArcSwap;
use tokio::sync::Mutex;

use crate::access::{AccessError, AuditEntry, AuditLog, Rate, RateLimiter, Sessions, TokenHash};
use crate::domain::Layer;
use crate::glyphs::Glyphs;
use crate::import::{ImportError, Parsed, check_references};
use crate::index::{Dataset, Index};
use crate::store::{AreaChange, Batch, ChangeNote, Revisions, Store, StoreError, UpsertSummary};
use crate::tiles::TileCache;

#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn Store>,
    index: ArcSwap<Index>,
    /// Held while writing or rebuilding; guards `built_from`.
    write: Mutex<Revisions>,
    limits: Limits,
    /// The last [`Index::generation`] handed out.
    generation: AtomicU64,
    /// Tile geometry prepared from the current snapshot, and glyphs rendered so far.
    tiles: TileCache,
    glyphs: Glyphs,
    /// Open sessions, the audit log's buffer, and the per-token and per-login rate limits.
    sessions: Sessions,
    audit: AuditLog,
    per_token: RateLimiter<TokenHash>,
    per_login: RateLimiter<String>,
}

/// Request limits the HTTP layer enforces.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most points in one `POST /api/v1/locate`.
    pub max_batch_points: usize,
    /// Largest request body, bytes.
    pub max_body_bytes: usize,
    /// Requests one token may make; `None` is unlimited.
    pub per_token: Option<Rate>,
    /// Login attempts per address and user name.
    pub per_login: Option<Rate>,
    /// How long a token lives.
    pub token_lifetime: Duration,
    /// How long a validated token is trusted before the store is asked again (how soon a
    /// revocation by another process takes effect).
    pub session_recheck: Duration,
    /// Longest a request may take before it is answered 503.
    pub request_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_batch_points: 200_000,
            max_body_bytes: 32 * 1024 * 1024,
            // A map view loads a few dozen tiles at once and panning asks for more; a person's
            // browser stays well inside this, a script scraping the households does not.
            per_token: Some(Rate {
                per_second: 100.0,
                burst: 400.0,
            }),
            // Ten quick tries, then one a minute: slows password guessing without locking out
            // a person who mistyped.
            per_login: Some(Rate {
                per_second: 1.0 / 60.0,
                burst: 10.0,
            }),
            token_lifetime: Duration::from_secs(12 * 3600),
            session_recheck: crate::access::RECHECK,
            request_timeout: Duration::from_secs(60),
        }
    }
}

/// How often buffered audit entries are written.
const AUDIT_EVERY: Duration = Duration::from_millis(200);

impl AppState {
    /// Loads everything from `store` and builds the first index.
    pub async fn load(store: Arc<dyn Store>, limits: Limits) -> Result<Self, StoreError> {
        let revisions = store.revisions().await?;
        let data = load_dataset(&*store).await?;
        // Generations start from the clock so a restarted server never reuses one (a browser may
        // still hold tiles tagged by the last process).
        let first = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
        let index = build(data, first).await;
        let state = Self {
            inner: Arc::new(Inner {
                store,
                index: ArcSwap::from_pointee(index),
                write: Mutex::new(revisions),
                limits,
                generation: AtomicU64::new(first),
                tiles: TileCache::default(),
                glyphs: Glyphs::system(),
                sessions: Sessions::new(limits.token_lifetime, limits.session_recheck),
                audit: AuditLog::default(),
                per_token: RateLimiter::new(limits.per_token),
                per_login: RateLimiter::new(limits.per_login),
            }),
        };
        state.prepare_tiles();
        spawn_audit_writer(Arc::downgrade(&state.inner));
        Ok(state)
    }

    /// Builds the tile source of the current snapshot in the background, so the first map request
    /// after a load or a data change does not wait for it.
    fn prepare_tiles(&self) {
        let state = self.clone();
        tokio::spawn(async move {
            let index = state.index();
            if let Err(e) = state.tiles().source(&index).await {
                tracing::warn!("preparing tiles: {e}");
            }
        });
    }

    /// The current snapshot. Cheap; hold it for the whole of one request so the request sees one
    /// consistent state.
    pub fn index(&self) -> Arc<Index> {
        self.inner.index.load_full()
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.inner.store
    }

    pub fn limits(&self) -> Limits {
        self.inner.limits
    }

    pub fn tiles(&self) -> &TileCache {
        &self.inner.tiles
    }

    pub fn glyphs(&self) -> &Glyphs {
        &self.inner.glyphs
    }

    pub fn sessions(&self) -> &Sessions {
        &self.inner.sessions
    }

    /// Queues an audit entry; refused (and the caller must not serve the data) when the log has
    /// been unwritable for too long.
    pub fn audit(&self, entry: AuditEntry) -> Result<(), AccessError> {
        self.inner.audit.record(entry)
    }

    /// Writes every queued audit entry now (the writer task does it a few times a second anyway).
    pub async fn flush_audit(&self) -> Result<(), StoreError> {
        self.inner.audit.flush(&*self.inner.store).await
    }

    /// Takes one request from a token's allowance.
    pub fn check_rate(&self, token: &TokenHash) -> Result<(), AccessError> {
        self.inner
            .per_token
            .check(token)
            .map_err(|retry_after| AccessError::RateLimited { retry_after })
    }

    /// Takes one login attempt from an address's and user name's allowance.
    pub fn check_login_rate(&self, key: String) -> Result<(), AccessError> {
        self.inner
            .per_login
            .check(&key)
            .map_err(|retry_after| AccessError::RateLimited { retry_after })
    }

    /// Checks and writes a parsed import in one transaction, then refreshes the index. Nothing is
    /// written when any reference does not resolve or the store refuses the batch.
    pub async fn import(&self, parsed: Parsed) -> Result<UpsertSummary, ImportError> {
        // An empty file (the export of an empty layer) changes nothing, so it writes nothing: a new
        // revision would make every process rebuild its index and every cached tile look stale.
        if parsed.batch.is_empty() {
            return Ok(UpsertSummary::default());
        }
        let mut built_from = self.inner.write.lock().await;
        let retired = match parsed.batch {
            Batch::Areas(_) => self.inner.store.retired_codes().await?.into_iter().collect(),
            _ => Default::default(),
        };
        check_references(&parsed, &self.index(), &retired)?;
        let summary = self.inner.store.upsert(&parsed.batch).await?;
        self.refresh_locked(&mut built_from).await?;
        Ok(summary)
    }

    /// Commits a change of the areas layer in one transaction (each area only if still at the
    /// version its editor read), then refreshes the index: geometry, the households and buildings
    /// that change area with it, and the tiles all move together.
    pub async fn commit_change(&self, change: &AreaChange, note: &ChangeNote) -> Result<(), StoreError> {
        let mut built_from = self.inner.write.lock().await;
        self.inner.store.commit_change(change, note).await?;
        self.refresh_locked(&mut built_from).await?;
        Ok(())
    }

    /// Reloads the layers whose store revision moved since the snapshot was built (another process
    /// wrote them). Returns whether anything changed.
    pub async fn refresh(&self) -> Result<bool, StoreError> {
        let mut built_from = self.inner.write.lock().await;
        self.refresh_locked(&mut built_from).await
    }

    async fn refresh_locked(&self, built_from: &mut Revisions) -> Result<bool, StoreError> {
        let store = &self.inner.store;
        let now = store.revisions().await?;
        if now == *built_from {
            return Ok(false);
        }
        let mut data = self.index().dataset();
        for layer in Layer::ALL {
            if now.get(layer) == built_from.get(layer) {
                continue;
            }
            match layer {
                Layer::Areas => data.areas = Arc::new(store.load_areas().await?),
                Layer::Buildings => data.buildings = Arc::new(store.load_buildings().await?),
                Layer::Households => data.households = Arc::new(store.load_households().await?),
                Layer::Stations => data.stations = Arc::new(store.load_stations().await?),
                Layer::Paths => data.paths = Arc::new(store.load_paths().await?),
            }
        }
        let generation = self.inner.generation.fetch_add(1, Ordering::Relaxed) + 1;
        let index = build(data, generation).await;
        self.inner.index.store(Arc::new(index));
        self.prepare_tiles();
        *built_from = now;
        tracing::info!(revisions = ?now.0, "index refreshed");
        Ok(true)
    }
}

/// Every layer of `store`, for an index.
pub async fn load_dataset(store: &dyn Store) -> Result<Dataset, StoreError> {
    Ok(Dataset {
        areas: Arc::new(store.load_areas().await?),
        buildings: Arc::new(store.load_buildings().await?),
        households: Arc::new(store.load_households().await?),
        stations: Arc::new(store.load_stations().await?),
        paths: Arc::new(store.load_paths().await?),
    })
}

/// Writes buffered audit entries until the state is dropped; an outage is logged once and retried.
fn spawn_audit_writer(state: Weak<Inner>) {
    tokio::spawn(async move {
        let mut failing = false;
        loop {
            tokio::time::sleep(AUDIT_EVERY).await;
            let Some(inner) = state.upgrade() else { break };
            match inner.audit.flush(&*inner.store).await {
                Ok(()) if failing => {
                    tracing::info!("the audit log is being written again");
                    failing = false;
                }
                Ok(()) => {}
                Err(e) => {
                    if !failing {
                        tracing::warn!(error = %e, pending = inner.audit.pending(), "cannot write the audit log; entries are kept in memory");
                    }
                    failing = true;
                }
            }
        }
    });
}

/// Builds an index off the async runtime: a city-sized build takes seconds of CPU.
async fn build(data: Dataset, generation: u64) -> Index {
    match tokio::task::spawn_blocking(move || Index::build(data).with_generation(generation)).await {
        Ok(index) => index,
        // A panic inside the build is a bug; surface it rather than serve a half-built index.
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}
