//! The five levels of governance areas, top to bottom.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An area's level. An area's parent is always exactly one level up; counties have no parent in gridmap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 区/县/县级市, 6-digit GB/T 2260 code.
    County,
    /// 乡/镇/街道, 9-digit statistical code.
    Township,
    /// 村/社区, 12-digit statistical code.
    Community,
    /// 网格, community code + 3 digits.
    Grid,
    /// 红色屋场 / 微网格, grid code + 2 digits.
    RedYard,
}

impl Level {
    /// All levels, top to bottom.
    pub const ALL: [Level; 5] = [Self::County, Self::Township, Self::Community, Self::Grid, Self::RedYard];

    /// Parses the API name (`county`, `township`, `community`, `grid`, `red_yard`).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::County => "county",
            Self::Township => "township",
            Self::Community => "community",
            Self::Grid => "grid",
            Self::RedYard => "red_yard",
        }
    }

    /// 0 for county … 4 for red_yard.
    pub fn depth(self) -> usize {
        self as usize
    }

    /// The level one down, `None` for red house-yards.
    pub fn child(self) -> Option<Level> {
        Self::ALL.get(self.depth() + 1).copied()
    }

    /// The level a parent must have, `None` for counties.
    pub fn parent(self) -> Option<Level> {
        self.depth().checked_sub(1).map(|d| Self::ALL[d])
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_are_one_level_up() {
        assert_eq!(Level::County.parent(), None);
        assert_eq!(Level::RedYard.parent(), Some(Level::Grid));
        assert_eq!(Level::parse("red_yard"), Some(Level::RedYard));
        assert_eq!(Level::parse("village"), None);
    }
}
