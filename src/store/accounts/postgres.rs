//! [`Accounts`] in the PostGIS store.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Accounts, user_from};
use crate::access::{AuditEntry, AuditQuery, StoredToken, TokenHash, User};
use crate::store::{PostgresStore, StoreError};

type UserRow = (String, String, Option<String>, DateTime<Utc>);

fn user(row: UserRow) -> Result<User, StoreError> {
    let (name, role, scope, created_at) = row;
    user_from(name, &role, scope, created_at)
}

#[async_trait]
impl Accounts for PostgresStore {
    async fn add_user(&self, user: &User, password_hash: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO users (name, role, scope_code, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&user.name)
        .bind(user.role.as_str())
        .bind(user.scope.as_ref().map(|c| c.as_str()))
        .bind(password_hash)
        .bind(user.created_at)
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
        let done = sqlx::query("DELETE FROM users WHERE name = $1")
            .bind(name)
            .execute(&self.pool)
            .await
            .map_err(StoreError::query("removing a user"))?;
        Ok(done.rows_affected() > 0)
    }

    async fn credentials(&self, name: &str) -> Result<Option<(User, String)>, StoreError> {
        let row: Option<(String, String, Option<String>, DateTime<Utc>, String)> =
            sqlx::query_as("SELECT name, role, scope_code, created_at, password_hash FROM users WHERE name = $1")
                .bind(name)
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::query("reading a user"))?;
        row.map(|(n, r, s, c, h)| Ok((user((n, r, s, c))?, h))).transpose()
    }

    async fn add_token(&self, hash: &TokenHash, user: &str, expires_at: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO tokens (hash, user_name, expires_at) VALUES ($1, $2, $3)")
            .bind(&hash.0[..])
            .bind(user)
            .bind(expires_at)
            .execute(&self.pool)
            .await
            .map_err(StoreError::query("storing a token"))?;
        Ok(())
    }

    async fn token(&self, hash: &TokenHash) -> Result<Option<StoredToken>, StoreError> {
        let row: Option<(String, String, Option<String>, DateTime<Utc>, DateTime<Utc>, bool)> = sqlx::query_as(
            "SELECT u.name, u.role, u.scope_code, u.created_at, t.expires_at, t.revoked_at IS NOT NULL
             FROM tokens t JOIN users u ON u.name = t.user_name WHERE t.hash = $1",
        )
        .bind(&hash.0[..])
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::query("reading a token"))?;
        row.map(|(n, r, s, c, expires_at, revoked)| {
            Ok(StoredToken {
                user: user((n, r, s, c))?,
                expires_at,
                revoked,
            })
        })
        .transpose()
    }

    async fn revoke_token(&self, hash: &TokenHash) -> Result<(), StoreError> {
        sqlx::query("UPDATE tokens SET revoked_at = now() WHERE hash = $1 AND revoked_at IS NULL")
            .bind(&hash.0[..])
            .execute(&self.pool)
            .await
            .map_err(StoreError::query("revoking a token"))?;
        Ok(())
    }

    async fn revoke_tokens_of(&self, user: &str) -> Result<u64, StoreError> {
        let done = sqlx::query("UPDATE tokens SET revoked_at = now() WHERE user_name = $1 AND revoked_at IS NULL")
            .bind(user)
            .execute(&self.pool)
            .await
            .map_err(StoreError::query("revoking tokens"))?;
        Ok(done.rows_affected())
    }

    async fn append_audit(&self, entries: &[AuditEntry]) -> Result<(), StoreError> {
        // One statement for the whole batch: every column bound as an array.
        let mut at = Vec::with_capacity(entries.len());
        let mut user = Vec::with_capacity(entries.len());
        let mut role = Vec::with_capacity(entries.len());
        let mut action = Vec::with_capacity(entries.len());
        let mut target = Vec::with_capacity(entries.len());
        let mut codes = Vec::with_capacity(entries.len());
        let mut remote = Vec::with_capacity(entries.len());
        let mut detail = Vec::with_capacity(entries.len());
        for e in entries {
            at.push(e.at);
            user.push(e.user.clone());
            role.push(e.role.clone());
            action.push(e.action.clone());
            target.push(e.target.clone());
            codes.push(serde_json::to_string(&e.codes).unwrap_or_else(|_| "[]".into()));
            remote.push(e.remote.clone());
            detail.push(e.detail.clone());
        }
        sqlx::query(
            "INSERT INTO audit_log (at, user_name, role, action, target, codes, remote, detail)
             SELECT at, user_name, role, action, target, codes::jsonb, remote, detail
             FROM UNNEST($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
                  AS t (at, user_name, role, action, target, codes, remote, detail)",
        )
        .bind(at)
        .bind(user)
        .bind(role)
        .bind(action)
        .bind(target)
        .bind(codes)
        .bind(remote)
        .bind(detail)
        .execute(&self.pool)
        .await
        .map_err(StoreError::query("writing the audit log"))?;
        Ok(())
    }

    async fn audit(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        type Row = (
            DateTime<Utc>,
            String,
            Option<String>,
            String,
            String,
            sqlx::types::Json<Vec<String>>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT at, user_name, role, action, target, codes, remote, detail FROM audit_log
             WHERE ($1::text IS NULL OR user_name = $1)
               AND ($2::text IS NULL OR codes ? $2)
               AND ($3::text IS NULL OR action = $3)
               AND ($4::timestamptz IS NULL OR at >= $4)
             ORDER BY id DESC LIMIT $5",
        )
        .bind(&q.user)
        .bind(&q.code)
        .bind(&q.action)
        .bind(q.since)
        .bind(i64::from(q.limit))
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("reading the audit log"))?;
        Ok(rows
            .into_iter()
            .map(|(at, user, role, action, target, codes, remote, detail)| AuditEntry {
                at,
                user,
                role,
                action,
                target,
                codes: codes.0,
                remote,
                detail,
            })
            .collect())
    }
}
