//! The planner's desk: checks of how areas tile their parent and what a redraw would change.
//!
//! Pure functions over an [`crate::index::Index`] snapshot and candidate geometries; nothing here
//! writes. Geometry is WGS 84 lon/lat; areas are geodesic m².

pub mod area;
pub mod balance;
pub mod border;
pub mod edit;
pub mod impact;
pub mod json;
pub mod restructure;
pub mod snap;
pub mod split;
pub mod tally;
pub mod topology;
pub mod undo;
pub mod validate;
pub mod yards;

pub use balance::{Band, Bands, Measure};
pub use impact::{Impact, Problem, Redraw, assess};
pub use validate::{Child, Options, Report, report, stored_children};
