//! Absolute links, as OGC API clients follow them: built from the base URL the request reached
//! gridmap at (`Host`, and the `X-Forwarded-*` headers behind a proxy), the same way TileJSON's are.

use axum::http::{HeaderMap, Uri};
use serde_json::{Value, json};

use crate::http::ApiError;
use crate::http::origin::public_base;

/// The root of the OGC API at the address the client used, such as `http://127.0.0.1:8080/ogc`.
pub struct Links {
    root: String,
}

impl Links {
    pub fn from_request(headers: &HeaderMap, uri: &Uri) -> Result<Self, ApiError> {
        Ok(Self {
            root: format!("{}/ogc", public_base(headers, uri)?),
        })
    }

    /// The absolute URL of `path` (which starts with `/`, or is empty for the landing page).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.root)
    }
}

/// One link object: `href`, `rel`, `type` (media type) and `title`.
pub fn link(href: &str, rel: &str, media_type: &str, title: &str) -> Value {
    json!({"href": href, "rel": rel, "type": media_type, "title": title})
}
