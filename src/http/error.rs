//! The one place errors become HTTP answers: `{"error": {"code", "message", "details"?}}`.
//!
//! Client mistakes say what and where. Internal failures are logged with their cause and answered
//! with a generic message: no SQL, paths or stack traces reach the client.

use axum::Json;
use axum::http::header::{RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::ogc::OgcError;
use crate::access::AccessError;
use crate::coverage::CoverageError;
use crate::domain::CoordError;
use crate::glyphs::GlyphError;
use crate::import::ImportError;
use crate::maps::MapError;
use crate::store::StoreError;
use crate::tiles::TileError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is wrong; `code` is a machine word such as `invalid_parameter`.
    #[error("{message}")]
    BadRequest {
        code: &'static str,
        message: String,
        details: Option<Value>,
    },
    /// No usable credentials (401, with `WWW-Authenticate: Bearer`).
    #[error("{0}")]
    Unauthorized(String),
    /// The role does not cover the request (403).
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{message}")]
    TooManyRequests { message: String, retry_after_secs: u64 },
    /// The path exists but not for this method (405).
    #[error("{0}")]
    MethodNotAllowed(String),
    /// The request contradicts the data (a redraw that would open a gap); `details` says how (409).
    #[error("{message}")]
    Conflict {
        code: &'static str,
        message: String,
        details: Option<Value>,
    },
    /// `If-Match` (or a version in the body) names a version that is no longer current (412).
    #[error("{0}")]
    PreconditionFailed(String),
    /// A write that must say which version it changes did not (428).
    #[error("{0}")]
    PreconditionRequired(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The store cannot be reached; reads from the index still work.
    #[error("{0}")]
    Unavailable(String),
    /// The request ran past the server's time limit and was stopped (503).
    #[error("{0}")]
    Timeout(String),
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    pub fn bad(code: &'static str, message: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            message: message.into(),
            details: None,
        }
    }

    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::bad("invalid_parameter", message)
    }

    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            Self::BadRequest { code, .. } => (StatusCode::BAD_REQUEST, code),
            Self::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            Self::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            Self::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            Self::MethodNotAllowed(_) => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            Self::Conflict { code, .. } => (StatusCode::CONFLICT, code),
            Self::PreconditionFailed(_) => (StatusCode::PRECONDITION_FAILED, "stale_version"),
            Self::PreconditionRequired(_) => (StatusCode::PRECONDITION_REQUIRED, "version_required"),
            Self::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            Self::UnsupportedMediaType(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
            Self::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "store_unavailable"),
            Self::Timeout(_) => (StatusCode::SERVICE_UNAVAILABLE, "timeout"),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.parts();
        let message = match &self {
            Self::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                "internal error; the cause has been logged".to_owned()
            }
            other => other.to_string(),
        };
        let mut error = json!({"code": code, "message": message});
        if let Self::BadRequest { details: Some(d), .. } | Self::Conflict { details: Some(d), .. } = &self {
            error["details"] = d.clone();
        }
        let mut response = (status, Json(json!({ "error": error }))).into_response();
        let headers = response.headers_mut();
        match &self {
            Self::Unauthorized(_) => {
                headers.insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"gridmap\""));
            }
            Self::TooManyRequests { retry_after_secs, .. } => {
                headers.insert(RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            }
            _ => {}
        }
        response
    }
}

impl From<AccessError> for ApiError {
    fn from(e: AccessError) -> Self {
        match e {
            AccessError::Unauthenticated(_) | AccessError::BadCredentials => Self::Unauthorized(e.to_string()),
            AccessError::Forbidden(m) => Self::Forbidden(m),
            AccessError::RateLimited { retry_after } => Self::TooManyRequests {
                message: e.to_string(),
                retry_after_secs: retry_after.as_secs_f64().ceil().max(1.0) as u64,
            },
            AccessError::AuditUnavailable => Self::Unavailable(e.to_string()),
            AccessError::Store(s) => s.into(),
            AccessError::Internal(m) => Self::Internal(m),
        }
    }
}

impl From<CoverageError> for ApiError {
    fn from(e: CoverageError) -> Self {
        match e {
            CoverageError::UnknownArea(_) => Self::NotFound(e.to_string()),
            CoverageError::MalformedKind(_) | CoverageError::UnknownKind { .. } => {
                Self::bad("unknown_kind", e.to_string())
            }
            CoverageError::TooManyCandidates { .. } => Self::bad("too_many_candidates", e.to_string()),
            CoverageError::NoPaths => Self::Conflict {
                code: "no_paths",
                message: e.to_string(),
                details: None,
            },
            CoverageError::Radius { .. }
            | CoverageError::MalformedArea { .. }
            | CoverageError::MalformedLevel(_)
            | CoverageError::LevelAbove { .. }
            | CoverageError::K { .. }
            | CoverageError::Candidates(_)
            | CoverageError::Distance(_)
            | CoverageError::Spacing { .. } => Self::invalid_parameter(e.to_string()),
        }
    }
}

impl From<CoordError> for ApiError {
    fn from(e: CoordError) -> Self {
        Self::bad("invalid_coordinate", e.to_string())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Constraint(m) => Self::bad("constraint_violation", m),
            e @ StoreError::Stale { .. } => Self::PreconditionFailed(format!(
                "{e}: someone committed a change since it was read; reload and redo"
            )),
            e @ StoreError::CodeUsed { .. } => Self::Conflict {
                code: "code_used",
                message: format!("{e}; reload and redo"),
                details: None,
            },
            e if e.is_unavailable() => {
                tracing::warn!(error = %e, "store unavailable");
                Self::Unavailable("the database cannot be reached; nothing was changed".into())
            }
            e => Self::Internal(e.to_string()),
        }
    }
}

impl From<ImportError> for ApiError {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::Store(s) => s.into(),
            ImportError::Features { problems, total } => Self::BadRequest {
                code: "invalid_features",
                message: ImportError::Features {
                    problems: problems.clone(),
                    total,
                }
                .to_string(),
                details: Some(json!({ "problems": problems, "total": total })),
            },
            // A CSV that cannot be read is not a GeoJSON problem; the code says which reader refused it.
            ImportError::Malformed { ref file, .. } if file.to_ascii_lowercase().ends_with(".csv") => {
                Self::bad("invalid_csv", e.to_string())
            }
            e @ ImportError::Malformed { .. } => Self::bad("invalid_geojson", e.to_string()),
            ImportError::Io { .. } => Self::Internal(e.to_string()),
        }
    }
}

impl From<TileError> for ApiError {
    fn from(e: TileError) -> Self {
        match e {
            TileError::Zoom { .. } | TileError::OutOfRange { .. } | TileError::NotANumber { .. } => {
                Self::bad("invalid_tile", e.to_string())
            }
            TileError::Radius(_) => Self::bad("invalid_parameter", e.to_string()),
            TileError::UnknownLayer(_) | TileError::NotMvt(_) => Self::NotFound(e.to_string()),
            TileError::Coverage(e) => e.into(),
            TileError::Encode { .. } | TileError::Prepare(_) | TileError::Cut(_) => Self::Internal(e.to_string()),
        }
    }
}

impl From<GlyphError> for ApiError {
    fn from(e: GlyphError) -> Self {
        match e {
            GlyphError::Range(_) => Self::bad("invalid_glyph_range", e.to_string()),
            GlyphError::FontMissing(_) | GlyphError::UnknownFontstack(_) => Self::NotFound(e.to_string()),
            GlyphError::Render { .. } => Self::Internal(e.to_string()),
        }
    }
}

impl From<OgcError> for ApiError {
    fn from(e: OgcError) -> Self {
        match e {
            OgcError::UnknownCollection(_) | OgcError::UnknownFeature { .. } => Self::NotFound(e.to_string()),
            OgcError::Bbox(_) => Self::bad("invalid_bbox", e.to_string()),
            OgcError::BboxCrs { .. } | OgcError::Range { .. } | OgcError::Datetime(_) => {
                Self::invalid_parameter(e.to_string())
            }
        }
    }
}

impl From<MapError> for ApiError {
    fn from(e: MapError) -> Self {
        match e {
            MapError::Size { .. } => Self::invalid_parameter(e.to_string()),
            MapError::Encode(_) => Self::Internal(e.to_string()),
        }
    }
}
