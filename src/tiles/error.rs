//! What can go wrong while addressing, cutting or encoding a tile.

use super::coord::MAX_ZOOM;

#[derive(Debug, thiserror::Error)]
pub enum TileError {
    #[error("zoom z={z} is out of range: gridmap cuts tiles for zoom 0 to {MAX_ZOOM}")]
    Zoom { z: u64 },
    #[error("tile {axis}={value} does not exist at zoom {z}: it must be below 2^{z} = {n}")]
    OutOfRange {
        axis: &'static str,
        value: u64,
        z: u64,
        n: u64,
    },
    #[error("tile {axis} must be a whole number from 0 up, got {given:?}")]
    NotANumber { axis: &'static str, given: String },
    #[error("no tile layer {0:?}: the layers are areas, buildings, households, stations and paths")]
    UnknownLayer(String),
    #[error("tiles are addressed as /tiles/{{layer}}/{{z}}/{{x}}/{{y}}.mvt; {0:?} does not end in .mvt")]
    NotMvt(String),
    #[error("coverage tiles are cut for a radius of 1 to 5000 whole metres, got {0:?}")]
    Radius(String),
    #[error("encoding tile {tile} of layer {layer}: {cause}")]
    Encode {
        layer: &'static str,
        tile: String,
        cause: String,
    },
    #[error("preparing tile geometry: {0}")]
    Prepare(String),
    #[error("cutting a tile: {0}")]
    Cut(String),
    /// The coverage a coverage tile draws could not be measured (walking without paths).
    #[error(transparent)]
    Coverage(#[from] crate::coverage::CoverageError),
}
