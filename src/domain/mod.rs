//! Typed values of the grid-governance domain. Requests and files become these at the edge; the
//! engine and the stores never see a raw string they would have to check again.

mod code;
mod crs;
mod kind;
mod layer;
mod level;
mod lonlat;
pub mod numbering;
mod records;
mod text;

pub use code::{Code, CodeError};
pub use crs::Crs;
pub use kind::StationKind;
pub use layer::Layer;
pub use level::Level;
pub use lonlat::{CoordError, LonLat};
pub use records::{Area, Building, Household, Path, Properties, Station};
pub use text::{ShortNumber, clip, short_number};
#[cfg(test)]
pub(crate) use text::{assert_brief, query_text};

/// The case count of every property test (`GRIDMAP_FUZZ_CASES`), one helper shared with `tests/fuzz`.
#[cfg(test)]
#[path = "../../tests/fuzz/cases.rs"]
pub(crate) mod fuzz_cases;
