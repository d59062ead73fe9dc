//! Authentication at the edge: `POST /api/v1/auth/token` (log in), `DELETE /api/v1/auth/token`
//! (log out), `GET /api/v1/auth/me`, and the middleware every data route sits behind.
//!
//! The middleware ([`require_caller`]) turns `Authorization: Bearer …` into an [`Auth`] (who, from
//! where) in the request's extensions, or answers 401/429 itself; handlers take [`Auth`] as an
//! extractor. What a caller then sees is decided by [`crate::access::Grant`], not here.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::ApiError;
use super::extract::Json;
use super::respond;
use crate::access::{AccessError, Action, AuditEntry, Caller};
use crate::state::AppState;

/// The authenticated caller of one request.
#[derive(Debug, Clone)]
pub struct Auth {
    pub caller: Arc<Caller>,
    /// Where the request came from, for the audit log; written out only when an entry is made.
    peer: Option<SocketAddr>,
    forwarded: Option<axum::http::HeaderValue>,
}

impl Auth {
    /// An audit entry for this caller and address.
    pub fn entry(&self, action: Action, target: &str) -> AuditEntry {
        AuditEntry::new(&self.caller, action, target).remote(self.remote())
    }

    /// The peer address, with what `X-Forwarded-For` claims.
    pub fn remote(&self) -> Option<String> {
        describe_remote(self.peer, self.forwarded.as_ref().and_then(|v| v.to_str().ok()))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        // Only reachable without the middleware through a routing mistake; refuse rather than serve.
        parts
            .extensions
            .get::<Auth>()
            .cloned()
            .ok_or_else(|| AccessError::Unauthenticated("this endpoint needs a bearer token".into()).into())
    }
}

/// Where a request came from: the peer address, and what `X-Forwarded-For` claims (kept as given,
/// clipped; a proxy in front is what makes it trustworthy).
fn describe_remote(peer: Option<SocketAddr>, forwarded: Option<&str>) -> Option<String> {
    let forwarded = forwarded.map(|v| super::params::clip(v.trim()));
    match (peer, forwarded) {
        (Some(p), Some(f)) => Some(format!("{} (forwarded for {f})", p.ip())),
        (Some(p), None) => Some(p.ip().to_string()),
        (None, Some(f)) => Some(format!("forwarded for {f}")),
        (None, None) => None,
    }
}

fn remote(headers: &HeaderMap, peer: Option<SocketAddr>) -> Option<String> {
    describe_remote(peer, headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()))
}

fn peer(extensions: &axum::http::Extensions) -> Option<SocketAddr> {
    extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0)
}

/// The token of an `Authorization: Bearer …` header.
fn bearer(headers: &HeaderMap) -> Result<&str, AccessError> {
    let value = headers.get(AUTHORIZATION).ok_or_else(|| {
        AccessError::Unauthenticated(
            "this endpoint needs 'Authorization: Bearer TOKEN'; get a token from POST /api/v1/auth/token".into(),
        )
    })?;
    let value = value
        .to_str()
        .map_err(|_| AccessError::Unauthenticated("the Authorization header is not text".into()))?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => Ok(token.trim()),
        _ => Err(AccessError::Unauthenticated(
            "the Authorization header must be 'Bearer TOKEN'".into(),
        )),
    }
}

/// Middleware: authenticates the request and spends one request of the token's allowance.
pub async fn require_caller(State(state): State<AppState>, mut req: Request, next: Next) -> Result<Response, ApiError> {
    let token = bearer(req.headers())?;
    let (caller, hash) = state.sessions().authenticate(&**state.store(), token).await?;
    state.check_rate(&hash)?;
    let auth = Auth {
        caller,
        peer: peer(req.extensions()),
        forwarded: req.headers().get("x-forwarded-for").cloned(),
    };
    req.extensions_mut().insert(auth);
    Ok(next.run(req).await)
}

/// `POST /api/v1/auth/token` body.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// A new token.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenAnswer {
    /// Send as `Authorization: Bearer TOKEN`.
    pub token: String,
    /// RFC 3339, UTC.
    pub expires_at: String,
    pub user: String,
    pub role: String,
    /// The area the account's residents' data is limited to, if any.
    pub scope: Option<String>,
}

/// Exchanges a user name and password for a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "access", request_body = LoginRequest,
    responses((status = 200, body = TokenAnswer), (status = 401, description = "wrong user name or password"),
        (status = 429, description = "too many attempts from this address for this user")))]
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Peer(peer_addr): Peer,
    Json(body): Json<LoginRequest>,
) -> Result<Response, ApiError> {
    let from = remote(&headers, peer_addr);
    let name = super::params::clip(&body.username);
    // Keyed by the peer's address, not by what X-Forwarded-For claims (a client could vary that to
    // escape the limit), and by the name, so guessing one account's password stays slow.
    let peer_ip = peer_addr.map_or_else(|| "-".to_owned(), |p| p.ip().to_string());
    state.check_login_rate(format!("{peer_ip}|{name}"))?;
    match state
        .sessions()
        .login(&**state.store(), &body.username, &body.password)
        .await
    {
        Ok(issued) => {
            state.audit(AuditEntry::new(&issued.caller, Action::Login, "account").remote(from))?;
            respond::json(&TokenAnswer {
                token: issued.token,
                expires_at: issued.expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                user: issued.caller.user.to_string(),
                role: issued.caller.role.as_str().to_owned(),
                scope: issued.caller.scope.as_ref().map(|c| c.to_string()),
            })
        }
        Err(e) => {
            if matches!(e, AccessError::BadCredentials) {
                state.audit(AuditEntry::anonymous(&name, Action::LoginFailed, "account").remote(from))?;
            }
            Err(e.into())
        }
    }
}

/// The peer address, when the server was started with connection info.
pub struct Peer(Option<SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(peer(&parts.extensions)))
    }
}

/// Revokes the token the request carries.
#[utoipa::path(delete, path = "/api/v1/auth/token", tag = "access",
    responses((status = 204, description = "the token no longer works"), (status = 401)))]
pub async fn logout(
    State(state): State<AppState>,
    Peer(peer_addr): Peer,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    // Outside the middleware: logging out must not spend the rate allowance, and works on its own.
    let token = bearer(&headers)?;
    let (caller, _) = state.sessions().authenticate(&**state.store(), token).await?;
    state.sessions().revoke(&**state.store(), token).await?;
    let auth = Auth {
        caller,
        peer: peer_addr,
        forwarded: headers.get("x-forwarded-for").cloned(),
    };
    state.audit(auth.entry(Action::Logout, "account"))?;
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}

/// Who the token belongs to and what the account may do.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeAnswer {
    pub user: String,
    pub role: String,
    pub scope: Option<String>,
    /// Whether the account sees household records (masked or in full).
    pub sees_households: bool,
}

#[utoipa::path(get, path = "/api/v1/auth/me", tag = "access",
    responses((status = 200, body = MeAnswer), (status = 401)))]
pub async fn me(auth: Auth) -> Result<Response, ApiError> {
    let c = &auth.caller;
    respond::json(&MeAnswer {
        user: c.user.to_string(),
        role: c.role.as_str().to_owned(),
        scope: c.scope.as_ref().map(|s| s.to_string()),
        sees_households: c.role != crate::access::Role::Viewer,
    })
}
