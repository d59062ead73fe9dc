//! The containing area at each level, as indices into the area list.

use crate::domain::Level;

/// For one point: the index of the containing area at each level (county … red_yard), if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Chain([u32; 5]);

const NONE: u32 = u32::MAX;

impl Default for Chain {
    fn default() -> Self {
        Self([NONE; 5])
    }
}

impl Chain {
    pub fn get(&self, level: Level) -> Option<u32> {
        let i = self.0[level.depth()];
        (i != NONE).then_some(i)
    }

    pub fn set(&mut self, level: Level, area: u32) {
        self.0[level.depth()] = area;
    }

    pub fn clear(&mut self, level: Level) {
        self.0[level.depth()] = NONE;
    }

    /// Area indices top to bottom, skipping levels with no area.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.0.iter().copied().filter(|&i| i != NONE)
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|&i| i == NONE)
    }

    /// True when the area at `level` is `area`.
    pub fn has(&self, level: Level, area: u32) -> bool {
        self.0[level.depth()] == area
    }
}
