//! The audit log: who read or changed which household or area, when, and from where.
//!
//! Requests hand entries to [`AuditLog::record`], which only appends to a buffer in memory; the
//! server's writer task (see `state`) stores them with [`AuditLog::flush`] in batches, one
//! transaction each, a few times a second, so the log costs a request no round trip. When the store is away the entries wait in the buffer and are
//! written when it returns; if the buffer fills up ([`MAX_PENDING`]), reads of residents' data are
//! refused until it drains — an unrecorded read would break the promise the log makes.

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::sync::Mutex;

use super::{AccessError, Caller};
use crate::store::{Store, StoreError};

/// Entries held in memory at most while the store cannot take them.
pub const MAX_PENDING: usize = 200_000;

/// Codes kept in one entry at most (a search page or a tile can touch thousands of households;
/// the entry keeps this many and the count in `detail`).
pub const MAX_CODES: usize = 1_000;

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Login,
    LoginFailed,
    Logout,
    /// Households shown: one by code, a search page, OGC items or a tile.
    ReadHouseholds,
    /// An area's record, children or statistics.
    ReadArea,
    /// An import through the API or the command line.
    Import,
    /// A commit or restore of redrawn areas.
    CommitAreas,
    Export,
    UserAdded,
    UserRemoved,
    TokensRevoked,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::LoginFailed => "login_failed",
            Self::Logout => "logout",
            Self::ReadHouseholds => "read_households",
            Self::ReadArea => "read_area",
            Self::Import => "import",
            Self::CommitAreas => "commit_areas",
            Self::Export => "export",
            Self::UserAdded => "user_added",
            Self::UserRemoved => "user_removed",
            Self::TokensRevoked => "tokens_revoked",
        }
    }
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    /// The account, or `cli:<os user>` for the command line.
    pub user: String,
    pub role: Option<String>,
    pub action: String,
    /// What was touched: a layer (`households`, `areas`, …) or `account`.
    pub target: String,
    /// Codes of the features touched (at most [`MAX_CODES`]).
    pub codes: Vec<String>,
    /// The peer address, with any `X-Forwarded-For` the request carried.
    pub remote: Option<String>,
    /// Free text: the request path, a search text, a count.
    pub detail: Option<String>,
}

impl AuditEntry {
    pub fn new(caller: &Caller, action: Action, target: &str) -> Self {
        Self {
            at: Utc::now(),
            user: caller.user.to_string(),
            role: Some(caller.role.as_str().to_owned()),
            action: action.as_str().to_owned(),
            target: target.to_owned(),
            codes: Vec::new(),
            remote: None,
            detail: None,
        }
    }

    /// An entry for something done outside any session: a failed login, the command line.
    pub fn anonymous(user: &str, action: Action, target: &str) -> Self {
        Self {
            at: Utc::now(),
            user: user.to_owned(),
            role: None,
            action: action.as_str().to_owned(),
            target: target.to_owned(),
            codes: Vec::new(),
            remote: None,
            detail: None,
        }
    }

    /// Records `codes`, keeping the first [`MAX_CODES`] and noting how many there were.
    pub fn codes<S: AsRef<str>>(mut self, codes: impl IntoIterator<Item = S>) -> Self {
        let mut n = 0usize;
        for c in codes {
            if n < MAX_CODES {
                self.codes.push(c.as_ref().to_owned());
            }
            n += 1;
        }
        if n > MAX_CODES {
            let note = format!("{n} features, the first {MAX_CODES} listed");
            self.detail = Some(match self.detail.take() {
                Some(d) => format!("{d}; {note}"),
                None => note,
            });
        }
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        let d = detail.into();
        self.detail = Some(match self.detail.take() {
            Some(old) => format!("{d}; {old}"),
            None => d,
        });
        self
    }

    pub fn remote(mut self, remote: Option<String>) -> Self {
        self.remote = remote;
        self
    }
}

/// Which entries `gridmap audit` reads, newest first.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub user: Option<String>,
    /// Entries that touched this code.
    pub code: Option<String>,
    pub action: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub limit: u32,
}

/// The buffer between requests and the store.
#[derive(Default)]
pub struct AuditLog {
    pending: Mutex<Vec<AuditEntry>>,
    /// Serialises flushes so entries are stored in the order they were recorded.
    flushing: tokio::sync::Mutex<()>,
}

impl AuditLog {
    /// Queues `entry` for the store. Refused when the store has been away long enough for the
    /// buffer to fill: the caller must then not serve what it would have recorded.
    pub fn record(&self, entry: AuditEntry) -> Result<(), AccessError> {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        if pending.len() >= MAX_PENDING {
            return Err(AccessError::AuditUnavailable);
        }
        pending.push(entry);
        Ok(())
    }

    /// Entries not stored yet.
    pub fn pending(&self) -> usize {
        self.pending.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Stores everything recorded so far in one transaction. On failure the entries stay queued
    /// (ahead of newer ones) for the next attempt.
    pub async fn flush(&self, store: &dyn Store) -> Result<(), StoreError> {
        let _order = self.flushing.lock().await;
        let batch = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()));
        if batch.is_empty() {
            return Ok(());
        }
        match store.append_audit(&batch).await {
            Ok(()) => Ok(()),
            Err(e) => {
                let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
                let newer = std::mem::replace(&mut *pending, batch);
                pending.extend(newer);
                Err(e)
            }
        }
    }
}
