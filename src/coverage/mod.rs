//! Coverage analysis: which households have a station of a kind within reach, how far the
//! nearest one is, and where new stations would reach the most households left out.
//!
//! Pure functions over an [`crate::index::Index`] snapshot; nothing here does I/O. Distances are
//! straight-line geodesic metres on the WGS 84 ellipsoid, or metres walked along the path network
//! (each piece geodesic), positions WGS 84 longitude/latitude.
//!
//! The path of a question: [`Question::parse`] checks kind, radius, area and level once →
//! [`report`] finds every household's nearest station of the kind (the dispatcher's nearest
//! search, [`nearest`]) and tallies the households within the radius, in all and by area; on foot
//! ([`measure`] with [`Distance::Walking`]) [`walk`] adds every household's walk along the path
//! network, which then decides who is covered → [`suggest`] lays candidate sites ([`candidates`])
//! near the households left out and picks the K that cover the most of them, in the report's
//! measure ([`sites`]) → [`json`] writes the answers the HTTP API and the command line share.

pub mod candidates;
mod error;
pub mod json;
pub mod nearest;
mod question;
mod report;
pub mod sites;
pub mod walking;

pub use candidates::{Candidate, Source};
pub use error::CoverageError;
pub use question::{Question, Radius, station_kind};
pub use report::{Report, Tally, measure, report};
pub use sites::{Site, Suggestions, suggest};
pub use walking::{Distance, Walking, walk};
