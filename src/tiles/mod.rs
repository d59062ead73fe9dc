//! Mapbox Vector Tiles cut from the in-memory index, TileJSON describing them, and the MapLibre
//! style that draws them. Both stores serve the same tiles: nothing here reads the database.
//!
//! The pipeline, as martin's in-memory GeoJSON source has it: **reproject once** (WGS 84 degrees →
//! Web Mercator world units, per index snapshot, `source.rs`) → **R-tree** (one per area level, one
//! per point layer) → **per tile search** (the tile's square plus a buffer) → **clip with buffer**
//! (`clip.rs`, 64 of 4096 units) → **simplify in tile units** (`simplify.rs`) → **tile space**
//! (integers, 4096 across, `y` down, exteriors clockwise on screen) → **encode** (`encode.rs`).
//!
//! Which features appear at which zoom is decided in `layers.rs`.

mod cache;
mod clip;
mod coord;
pub mod coverage;
mod cut;
mod encode;
mod error;
mod layers;
mod part;
mod simplify;
mod source;
mod style;
mod tilejson;

pub use cache::TileCache;
pub use coord::{BUFFER, EXTENT, MAX_ZOOM, TileCoord, to_world};
pub use coverage::CoverageTiles;
pub use cut::render;
pub use error::TileError;
pub use layers::{ALL_HOUSEHOLDS_FROM, AREA_LABELS, TileLayer, level_minzoom};
pub use source::TileSource;
pub use style::{kind_mark, style};
pub use tilejson::tilejson;
