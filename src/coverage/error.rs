//! What can be wrong with a coverage question: each variant says which value and why, for the
//! person who asked (the HTTP layer turns them into 400s and 404s, the command line prints them).

use crate::domain::Level;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CoverageError {
    /// The kind is not a well-formed kind name.
    #[error("station kind: {0}")]
    MalformedKind(String),
    /// Well formed, but neither one gridmap knows by name nor one present in the data.
    #[error("unknown station kind {kind:?}; known kinds: {known}{present}")]
    UnknownKind {
        kind: String,
        known: String,
        /// `; in the data: …`, or nothing.
        present: String,
    },
    #[error("radius_m must be a number of metres from {min} to {max}, got {given}")]
    Radius { given: f64, min: f64, max: f64 },
    #[error("area_code {given:?}: {reason}")]
    MalformedArea { given: String, reason: String },
    #[error("no area with code {0}")]
    UnknownArea(String),
    #[error("level must be county, township, community, grid or red_yard, got {0:?}")]
    MalformedLevel(String),
    /// A breakdown above the area asked about (townships of a grid).
    #[error("level {level} is above the area {code}, a {area_level}; choose {area_level} or a level below it")]
    LevelAbove {
        level: Level,
        code: String,
        area_level: Level,
    },
    #[error("k must be a whole number from 1 to {max}, got {given}")]
    K { given: usize, max: usize },
    #[error("distance must be straight or walking, got {0:?}")]
    Distance(String),
    /// Walking distance asked of a snapshot without a path network.
    #[error(
        "no paths are loaded, so there is no walking distance; import a road and path network (gridmap import --layer paths, or POST /api/v1/import/paths) or ask for straight-line distance"
    )]
    NoPaths,
    #[error("candidates must be buildings or grid, got {0:?}")]
    Candidates(String),
    #[error("spacing_m must be a number of metres from {min} to {max}, got {given}")]
    Spacing { given: f64, min: f64, max: f64 },
    /// Too many candidate sites: the work would grow past what one request may do.
    #[error("{count} or more candidate sites is more than the {max} one suggestion may weigh; {hint}")]
    TooManyCandidates {
        count: usize,
        max: usize,
        hint: &'static str,
    },
}
