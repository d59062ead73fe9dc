//! [`Accounts`] in the SQLite store.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Accounts, parse_time, time_text, user_from};
use crate::access::{AuditEntry, AuditQuery, StoredToken, TokenHash, User};
use crate::store::{SqliteStore, StoreError};

type UserRow = (String, String, Option<String>, String);

fn user(row: UserRow) -> Result<User, StoreError> {
    let (name, role, scope, created_at) = row;
    user_from(name, &role, scope, parse_time(&created_at)?)
}

#[async_trait]
impl Accounts for SqliteStore {
    async fn add_user(&self, user: &User, password_hash: &str) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO users (name, role, scope_code, password_hash, created_at) VALUES (?, ?, ?, ?, ?)")
            .bind(&user.name)
            .bind(user.role.as_str())
            .bind(user.scope.as_ref().map(|c| c.as_str()))
            .bind(password_hash)
            .bind(time_text(user.created_at))
            .execute(&self.pool)
            .await
            .map_err(StoreError::query("adding a user"))?;
        Ok(())
    }

    async fn users(&self) -> Result<Vec<User>, StoreError> {
        let rows: Vec<UserRow> = sqlx::query_as("SELECT name, role, scope_code, created_at FROM users ORDER BY name")
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::query("listing users"))?;
        rows.into_iter().map(user).collect()
    }

    async fn remove_user(&self, name: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM users WHERE name = ?")
            .bind(name)
            .execute(&self.pool)
            .await
            .map_err(StoreError::query("removing a user"))?;
        Ok(done.rows_affected() > 0)
    }

    async fn credentials(&self, name: &str) -> Result<Option<(User, String)>, StoreError> {
        let row: Option<(String, String, Option<String>, String, String)> =
            sqlx::query_as("SELECT name, role, scope_code, created_at, password_hash FROM users WHERE name = ?")
                .bind(name)
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::query("reading a user"))?;
        row.map(|(n, r, s, c, h)| Ok((user((n, r, s, c))?, h))).transpose()
    }

    async fn add_token(&self, hash: &TokenHash, user: &str, expires_at: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO tokens (hash, user_name, created_at, expires_at) VALUES (?, ?, ?, ?)")
            .bind(&hash.0[..])
            .bind(user)
            .bind(time_text(Utc::now()))
            .bind(time_text(expires_at))
            .execute(&self.pool)
            .await
            .map_err(StoreError::query("storing a token"))?;
        Ok(())
    }

    async fn token(&self, hash: &TokenHash) -> Result<Option<StoredToken>, StoreError> {
        let row: Option<(String, String, Option<String>, String, String, Option<String>)> = sqlx::query_as(
            "SELECT u.name, u.role, u.scope_code, u.created_at, t.expires_at, t.revoked_at
             FROM tokens t JOIN users u ON u.name = t.user_name WHERE t.hash = ?",
        )
        .bind(&hash.0[..])
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::query("reading a token"))?;
        row.map(|(n, r, s, c, expires, revoked)| {
            Ok(StoredToken {
                user: user((n, r, s, c))?,
                expires_at: parse_time(&expires)?,
                revoked: revoked.is_some(),
            })
        })
        .transpose()
    }

    async fn revoke_token(&self, hash: &TokenHash) -> Result<(), StoreError> {
        sqlx::query("UPDATE tokens SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL")
            .bind(time_text(Utc::now()))
            .bind(&hash.0[..])
            .execute(&self.pool)
            .await
            .map_err(StoreError::query("revoking a token"))?;
        Ok(())
    }

    async fn revoke_tokens_of(&self, user: &str) -> Result<u64, StoreError> {
        let done = sqlx::query("UPDATE tokens SET revoked_at = ? WHERE user_name = ? AND revoked_at IS NULL")
            .bind(time_text(Utc::now()))
            .bind(user)
            .execute(&self.pool)
            .await
            .map_err(StoreError::query("revoking tokens"))?;
        Ok(done.rows_affected())
    }

    async fn append_audit(&self, entries: &[AuditEntry]) -> Result<(), StoreError> {
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(StoreError::query("starting an audit write"))?;
        for e in entries {
            let codes = serde_json::to_string(&e.codes).unwrap_or_else(|_| "[]".into());
            sqlx::query(
                "INSERT INTO audit_log (at, user_name, role, action, target, codes, remote, detail)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(time_text(e.at))
            .bind(&e.user)
            .bind(&e.role)
            .bind(&e.action)
            .bind(&e.target)
            .bind(codes)
            .bind(&e.remote)
            .bind(&e.detail)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::query("writing the audit log"))?;
        }
        tx.commit()
            .await
            .map_err(StoreError::query("committing the audit log"))?;
        Ok(())
    }

    async fn audit(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        type Row = (
            String,
            String,
            Option<String>,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
        );
        // Codes are letters, digits, '-', '_' and '.', so a quoted code cannot match part of another.
        let code_pattern = q.code.as_ref().map(|c| format!("%\"{c}\"%"));
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT at, user_name, role, action, target, codes, remote, detail FROM audit_log
             WHERE (?1 IS NULL OR user_name = ?1)
               AND (?2 IS NULL OR codes LIKE ?2)
               AND (?3 IS NULL OR action = ?3)
               AND (?4 IS NULL OR at >= ?4)
             ORDER BY id DESC LIMIT ?5",
        )
        .bind(&q.user)
        .bind(code_pattern)
        .bind(&q.action)
        .bind(q.since.map(time_text))
        .bind(i64::from(q.limit))
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("reading the audit log"))?;
        rows.into_iter()
            .map(|(at, user, role, action, target, codes, remote, detail)| {
                Ok(AuditEntry {
                    at: parse_time(&at)?,
                    user,
                    role,
                    action,
                    target,
                    codes: serde_json::from_str(&codes).unwrap_or_default(),
                    remote,
                    detail,
                })
            })
            .collect()
    }
}
