//! Static maps rendered on the server, for reports and printing: no GPU, no browser, no tiles
//! from outside. Shapes are drawn with tiny-skia (a CPU rasteriser), text with FreeType from the
//! CJK font the label glyphs come from.
//!
//! The path of a map: the coverage [`crate::coverage::Report`] (the same one `GET
//! /api/v1/coverage` answers from) → [`Frame::fit`] to the area's bounding box (a local
//! equirectangular projection, see [`frame`]) → layers painted bottom to top (neighbours, the
//! area, station reach, outlines, households, stations, labels) → title, legend, scale bar, north
//! arrow and data line → PNG.

mod captions;
mod coverage;
pub mod frame;
mod furniture;
mod labels;
mod reach;
mod stations;
pub mod text;

pub use coverage::{COVERED, CoverageMap, Households, Rendered, UNCOVERED, render};
pub use frame::{Frame, Viewport};
pub use reach::REACH;

/// The smallest and largest width or height of a static map, pixels.
pub const MIN_SIDE: u32 = 200;
pub const MAX_SIDE: u32 = 4000;

/// What can go wrong drawing a map.
#[derive(Debug, thiserror::Error)]
pub enum MapError {
    #[error("{name} must be a whole number of pixels from {MIN_SIDE} to {MAX_SIDE}, got {given}")]
    Size { name: &'static str, given: u64 },
    #[error("encoding the map as PNG: {0}")]
    Encode(String),
}

/// A checked picture side, pixels.
pub fn side(name: &'static str, given: u64) -> Result<u32, MapError> {
    if (u64::from(MIN_SIDE)..=u64::from(MAX_SIDE)).contains(&given) {
        Ok(given as u32)
    } else {
        Err(MapError::Size { name, given })
    }
}
