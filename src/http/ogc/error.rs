//! What can be wrong with an OGC API – Features request. Turned into HTTP answers, with every other
//! error, in [`crate::http::ApiError`]'s conversions.

#[derive(Debug, thiserror::Error)]
pub enum OgcError {
    #[error("no collection {0:?}: the collections are listed at /ogc/collections")]
    UnknownCollection(String),
    #[error("collection {collection} has no feature with id {id:?}")]
    UnknownFeature { collection: &'static str, id: String },
    /// `bbox` is not four (or six) numbers of a box in CRS84; the text says which part is wrong.
    #[error("query parameter 'bbox' {0}")]
    Bbox(String),
    #[error("query parameter 'bbox-crs' must be {crs84}, the only CRS gridmap serves; got {given:?}", crs84 = super::CRS84)]
    BboxCrs { given: String },
    #[error("query parameter '{name}' must be a whole number from {min} to {max}, got {given:?}")]
    Range {
        name: &'static str,
        min: u64,
        max: u64,
        given: String,
    },
    #[error(
        "query parameter 'datetime' must be an RFC 3339 date-time, or an interval of two of them (either may be '..'), got {0:?}"
    )]
    Datetime(String),
}
