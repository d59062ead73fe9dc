//! Accounts, tokens and the audit log in the store, beside the four layers: the same database, so
//! a backup or a move takes them along, and a county that runs PostGIS keeps its audit trail there.

mod postgres;
mod sqlite;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::access::{AuditEntry, AuditQuery, Role, StoredToken, TokenHash, User};
use crate::domain::Code;

/// What the store keeps about accounts. Every method is one statement or one transaction.
#[async_trait]
pub trait Accounts: Send + Sync {
    /// Adds an account; [`StoreError::Constraint`] when the name is taken.
    async fn add_user(&self, user: &User, password_hash: &str) -> Result<(), StoreError>;
    async fn users(&self) -> Result<Vec<User>, StoreError>;
    /// Removes an account and its tokens; false when there was none.
    async fn remove_user(&self, name: &str) -> Result<bool, StoreError>;
    /// The account and its password hash.
    async fn credentials(&self, name: &str) -> Result<Option<(User, String)>, StoreError>;

    async fn add_token(&self, hash: &TokenHash, user: &str, expires_at: DateTime<Utc>) -> Result<(), StoreError>;
    async fn token(&self, hash: &TokenHash) -> Result<Option<StoredToken>, StoreError>;
    async fn revoke_token(&self, hash: &TokenHash) -> Result<(), StoreError>;
    /// Revokes every live token of `user`; how many there were.
    async fn revoke_tokens_of(&self, user: &str) -> Result<u64, StoreError>;

    /// Appends entries in one transaction.
    async fn append_audit(&self, entries: &[AuditEntry]) -> Result<(), StoreError>;
    /// Entries matching `query`, newest first.
    async fn audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError>;
}

/// Turns stored columns back into a [`User`].
fn user_from(name: String, role: &str, scope: Option<String>, created_at: DateTime<Utc>) -> Result<User, StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt {
        layer: "users",
        code: name.clone(),
        reason,
    };
    let role = Role::parse(role).ok_or_else(|| corrupt(format!("unknown role {role:?}")))?;
    let scope = scope
        .map(|s| Code::parse(&s).map_err(|e| corrupt(format!("scope: {e}"))))
        .transpose()?;
    Ok(User {
        name,
        role,
        scope,
        created_at,
    })
}

/// RFC 3339 with microseconds and `Z`: fixed width, so text order is time order (SQLite).
pub(in crate::store) fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

pub(in crate::store) fn parse_time(s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt {
            layer: "accounts",
            code: s.to_owned(),
            reason: format!("not a time: {e}"),
        })
}
