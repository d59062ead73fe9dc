//! The absolute origin (`http://host:port`) a client reached gridmap at, for the URLs TileJSON and
//! the style must carry (MapLibre resolves vector tile URLs in web workers, where relative URLs
//! fail).

use axum::http::HeaderMap;
use axum::http::header::HOST;

use super::error::ApiError;

/// `scheme://host` from the `Host` header (or an absolute request URI's authority) and
/// `X-Forwarded-Proto` when a proxy in front says `https`. The host is checked to be a plain
/// host name or address with an optional port, so nothing else can be injected into the URLs.
pub fn origin(headers: &HeaderMap, uri: &axum::http::Uri) -> Result<String, ApiError> {
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| uri.authority().map(|a| a.to_string()))
        .ok_or_else(|| {
            ApiError::bad(
                "missing_host",
                "the request has no Host header; map documents need it to build absolute URLs",
            )
        })?;
    let ok = !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']' | b'_'));
    if !ok {
        return Err(ApiError::bad(
            "invalid_host",
            "the Host header is not a host name or address",
        ));
    }
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"));
    Ok(format!("{}://{host}", if https { "https" } else { "http" }))
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderValue, Uri};

    use super::*;

    #[test]
    fn from_host_and_proxy_headers() {
        let uri: Uri = "/style.json".parse().unwrap();
        let mut h = HeaderMap::new();
        assert!(origin(&h, &uri).is_err());
        h.insert(HOST, HeaderValue::from_static("gridmap.example:8080"));
        assert_eq!(origin(&h, &uri).unwrap(), "http://gridmap.example:8080");
        h.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert_eq!(origin(&h, &uri).unwrap(), "https://gridmap.example:8080");
        h.insert(HOST, HeaderValue::from_static("evil.example/\"x"));
        assert!(origin(&h, &uri).is_err());
    }
}
