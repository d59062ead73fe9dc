//! The absolute base URL (`http://host:port`, plus a proxy's path prefix) a client reached gridmap
//! at, for the URLs TileJSON, the style and OGC API documents must carry (MapLibre resolves vector
//! tile URLs in web workers, where relative URLs fail).

use axum::http::HeaderMap;
use axum::http::header::HOST;

use super::error::ApiError;

/// `scheme://host[/prefix]`, as the client sees gridmap:
/// - the host from `X-Forwarded-Host` (its first entry) when a proxy sets it, else `Host`, else an
///   absolute request URI's authority; checked to be a plain host name or address with an optional
///   port, so nothing else can be injected into the URLs;
/// - `https` when `X-Forwarded-Proto` says so;
/// - the path prefix from `X-Forwarded-Prefix` when a proxy serves gridmap below a path (e.g.
///   `/gridmap`, stripped before the request reaches it); checked to be plain path segments.
pub fn public_base(headers: &HeaderMap, uri: &axum::http::Uri) -> Result<String, ApiError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let host = header("x-forwarded-host")
        .and_then(|h| h.split(',').next())
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .or_else(|| header(HOST.as_str()))
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
            "the Host (or X-Forwarded-Host) header is not a host name or address",
        ));
    }
    let https = header("x-forwarded-proto").is_some_and(|v| v.trim().eq_ignore_ascii_case("https"));
    let prefix = header("x-forwarded-prefix").map_or(Ok(""), prefix)?;
    Ok(format!("{}://{host}{prefix}", if https { "https" } else { "http" }))
}

/// A proxy's path prefix without its trailing slash (`""` for the root): segments of letters,
/// digits and `-._~`, none of them `.` or `..`.
fn prefix(raw: &str) -> Result<&str, ApiError> {
    let p = raw.trim().trim_end_matches('/');
    let ok = p.is_empty()
        || (p.len() <= 200
            && p.starts_with('/')
            && p[1..].split('/').all(|s| {
                !s.is_empty()
                    && s != "."
                    && s != ".."
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
            }));
    if ok {
        Ok(p)
    } else {
        Err(ApiError::bad(
            "invalid_forwarded_prefix",
            "the X-Forwarded-Prefix header is not a path like /gridmap",
        ))
    }
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderValue, Uri};

    use super::*;

    #[test]
    fn from_host_and_proxy_headers() {
        let uri: Uri = "/style.json".parse().unwrap();
        let mut h = HeaderMap::new();
        assert!(public_base(&h, &uri).is_err());
        h.insert(HOST, HeaderValue::from_static("gridmap.example:8080"));
        assert_eq!(public_base(&h, &uri).unwrap(), "http://gridmap.example:8080");
        h.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert_eq!(public_base(&h, &uri).unwrap(), "https://gridmap.example:8080");
        h.insert(
            "x-forwarded-host",
            HeaderValue::from_static("maps.example, inner.example"),
        );
        assert_eq!(public_base(&h, &uri).unwrap(), "https://maps.example");
        h.insert("x-forwarded-prefix", HeaderValue::from_static("/county/gridmap/"));
        assert_eq!(public_base(&h, &uri).unwrap(), "https://maps.example/county/gridmap");
        h.insert("x-forwarded-prefix", HeaderValue::from_static("/"));
        assert_eq!(public_base(&h, &uri).unwrap(), "https://maps.example");
        h.insert(HOST, HeaderValue::from_static("evil.example/\"x"));
        h.remove("x-forwarded-host");
        assert!(public_base(&h, &uri).is_err());
    }

    #[test]
    fn prefixes_are_plain_paths() {
        for bad in [
            "gridmap",
            "/a//b",
            "/a/../b",
            "/./a",
            "/a b",
            "/a\"b",
            "/a?x=1",
            "/a#b",
            "//evil.example",
        ] {
            assert!(prefix(bad).is_err(), "{bad}");
        }
        assert_eq!(prefix(" /g-1/map_2.x~ ").unwrap(), "/g-1/map_2.x~");
        assert_eq!(prefix("").unwrap(), "");
    }
}
