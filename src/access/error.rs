//! The access layer's error.

use std::time::Duration;

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// No usable credentials: a missing, malformed, unknown, revoked or expired token (401).
    #[error("{0}")]
    Unauthenticated(String),
    /// A login with a wrong name or password; which of the two is not said (401).
    #[error("wrong user name or password")]
    BadCredentials,
    /// The caller is known but the role does not cover the request (403).
    #[error("{0}")]
    Forbidden(String),
    /// Too many requests from one token or address; try again after `retry_after` (429).
    #[error("too many requests; try again in {} s", retry_after.as_secs().max(1))]
    RateLimited { retry_after: Duration },
    /// Reading residents' data without being able to record it is refused (503).
    #[error("the audit log cannot be written right now, so residents' data is not served; try again shortly")]
    AuditUnavailable,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}
