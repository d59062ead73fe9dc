//! Revalidation for map resources: an `ETag` from the index snapshot's generation, `Cache-Control:
//! no-cache` so browsers ask again every time (a 304 costs a few bytes), and `If-None-Match`.

use axum::http::header::{CACHE_CONTROL, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// The entity tag of everything derived from the snapshot of `generation`.
pub fn etag(generation: u64) -> String {
    format!("\"g{generation:x}\"")
}

/// The entity tag of what a caller whose view of residents' data is `view` (see
/// [`crate::access::Grant::view_key`]) gets from the snapshot of `generation`.
pub fn etag_for(generation: u64, view: &str) -> String {
    format!("\"g{generation:x}-{view}\"")
}

/// Whether the client's `If-None-Match` already names `etag` (weak comparison, as RFC 9110 asks
/// for `If-None-Match`; `*` matches anything).
pub fn fresh(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim())
        .any(|t| t == "*" || t.trim_start_matches("W/") == etag)
}

/// `304 Not Modified` with the validators repeated.
pub fn not_modified(etag: &str) -> Response {
    with_validators(StatusCode::NOT_MODIFIED.into_response(), etag)
}

/// Adds `ETag` and `Cache-Control: no-cache`.
pub fn with_validators(mut response: Response, etag: &str) -> Response {
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(etag) {
        headers.insert(ETAG, v);
    }
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_lists_and_weak_tags() {
        let tag = etag(255);
        assert_eq!(tag, "\"gff\"");
        let mut h = HeaderMap::new();
        assert!(!fresh(&h, &tag));
        h.insert(IF_NONE_MATCH, HeaderValue::from_static("\"g1\", W/\"gff\""));
        assert!(fresh(&h, &tag));
        h.insert(IF_NONE_MATCH, HeaderValue::from_static("\"g1\""));
        assert!(!fresh(&h, &tag));
        h.insert(IF_NONE_MATCH, HeaderValue::from_static("*"));
        assert!(fresh(&h, &tag));
    }
}
