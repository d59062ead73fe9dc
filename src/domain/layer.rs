//! The layers gridmap stores: four of governance features, and the path network walked on.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Layer {
    Areas,
    Buildings,
    Households,
    Stations,
    /// Roads, streets and footpaths (lines), for walking distances.
    Paths,
}

impl Layer {
    /// In dependency order: households point at buildings, areas are needed to place everything.
    pub const ALL: [Layer; 5] = [
        Self::Areas,
        Self::Buildings,
        Self::Households,
        Self::Stations,
        Self::Paths,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Areas => "areas",
            Self::Buildings => "buildings",
            Self::Households => "households",
            Self::Stations => "stations",
            Self::Paths => "paths",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// Layers whose features are points (and so may come from CSV with `lon,lat` columns).
    pub fn is_point_layer(self) -> bool {
        matches!(self, Self::Households | Self::Stations)
    }
}

impl std::fmt::Display for Layer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
