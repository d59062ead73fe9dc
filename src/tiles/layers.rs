//! The five tile layers: what each carries, and from which zoom.
//!
//! Zooms are chosen so a tile stays small at city scale (襄阳: ~4,500 grids, 23,000 buildings,
//! 2 million households, a few thousand stations):
//!
//! | layer | from zoom | why |
//! |---|---|---|
//! | areas: counties | 0 | a handful per city |
//! | areas: townships | 8 | ~100 per city, a tile is ~150 km across |
//! | areas: communities | 10 | ~40 km tiles |
//! | areas: grids | 12 | ~10 km tiles, a few hundred grids |
//! | areas: red house-yards | 13 | rural subdivisions of grids |
//! | buildings | 14 | footprints are a few pixels below that |
//! | households | 14 | center households (党员中心户) only below 16, every household from 16 |
//! | stations | 10 | a few hundred per tile |
//! | paths | 12 | roads, for drawing the streets under the areas; footpaths, tracks and lanes from 14 |
//!
//! Every layer is cut up to zoom 16 and overzoomed by the renderer past that (TileJSON `maxzoom`).
//! Attributes of each layer are built in one function per layer, so what a layer reveals is decided
//! in one place (households in particular: names of residents, which come from
//! [`crate::features::household_facts`], shared with GeoJSON).

use crate::access::Sight;
use crate::domain::{Area, Building, Household, Level, Path, Station};
use crate::features::household_facts;

use super::encode::{Attributes, Value};

/// A tile layer, named as in URLs and inside tiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TileLayer {
    Areas,
    Buildings,
    Households,
    Stations,
    Paths,
}

/// The second layer of area tiles: one point per area, where its name goes, with the area's
/// attributes. Labels placed on polygons would repeat in every tile the polygon touches.
pub const AREA_LABELS: &str = "area_labels";

/// The zoom from which every household (not only center households) is in the tiles.
pub const ALL_HOUSEHOLDS_FROM: u8 = 16;

/// The deepest zoom cut for every layer; renderers overzoom past it.
pub const LAYER_MAXZOOM: u8 = 16;

impl TileLayer {
    pub const ALL: [TileLayer; 5] = [
        Self::Areas,
        Self::Buildings,
        Self::Households,
        Self::Stations,
        Self::Paths,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Areas => "areas",
            Self::Buildings => "buildings",
            Self::Households => "households",
            Self::Stations => "stations",
            Self::Paths => "paths",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.name() == s)
    }

    /// The first zoom with any feature of this layer.
    pub fn minzoom(self) -> u8 {
        match self {
            Self::Areas => level_minzoom(Level::County),
            Self::Buildings | Self::Households => 14,
            Self::Stations => 10,
            Self::Paths => 12,
        }
    }

    pub fn maxzoom(self) -> u8 {
        LAYER_MAXZOOM
    }

    pub fn description(self) -> &'static str {
        match self {
            Self::Areas => {
                "Governance areas of every level (county, township, community, grid, red_yard); each level from its own \
                 minzoom, given in the feature's `minzoom` attribute"
            }
            Self::Buildings => "Buildings: footprint polygons, or points where no footprint is known",
            Self::Households => "Households: center households (党员中心户) from zoom 14, every household from zoom 16",
            Self::Stations => "Stations of every kind (红色驿站, 综治中心, police rooms, …)",
            Self::Paths => "Roads, streets and footpaths of the walking network, as lines",
        }
    }

    /// Attribute names and TileJSON types (`String`, `Number`, `Boolean`), as the attribute
    /// functions below write them.
    pub fn fields(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Self::Areas => &[
                ("code", "String"),
                ("name", "String"),
                ("level", "String"),
                ("parent_code", "String"),
                ("minzoom", "Number"),
            ],
            Self::Buildings => &[("code", "String"), ("address", "String"), ("floors", "Number")],
            Self::Households => &[
                ("code", "String"),
                ("head_name", "String"),
                ("party_member", "Boolean"),
                ("center_household", "Boolean"),
            ],
            Self::Stations => &[
                ("code", "String"),
                ("kind", "String"),
                ("name", "String"),
                ("tier", "String"),
            ],
            Self::Paths => &[("code", "String"), ("name", "String"), ("highway", "String")],
        }
    }
}

impl std::fmt::Display for TileLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The first zoom at which areas of `level` are in the tiles.
pub fn level_minzoom(level: Level) -> u8 {
    match level {
        Level::County => 0,
        Level::Township => 8,
        Level::Community => 10,
        Level::Grid => 12,
        Level::RedYard => 13,
    }
}

pub fn area_attributes(a: &Area) -> Attributes<'_> {
    let mut out = vec![
        ("code", Value::Str(a.code.as_str())),
        ("name", Value::Str(&a.name)),
        ("level", Value::Str(a.level.as_str())),
    ];
    if let Some(p) = &a.parent_code {
        out.push(("parent_code", Value::Str(p.as_str())));
    }
    out.push(("minzoom", Value::Int(i64::from(level_minzoom(a.level)))));
    out
}

pub fn building_attributes(b: &Building) -> Attributes<'_> {
    let mut out = vec![("code", Value::Str(b.code.as_str()))];
    if let Some(a) = &b.address {
        out.push(("address", Value::Str(a)));
    }
    if let Some(f) = b.floors {
        out.push(("floors", Value::Int(i64::from(f))));
    }
    out
}

/// What a household tile feature tells a reader with `sight`: a few of [`household_facts`], the one
/// place that decides what gridmap tells about residents. Masked readers get no name at all (a
/// masked name on a map dot tells nothing); `None` when the household is hidden from the reader.
pub fn household_attributes(h: &Household, sight: Sight) -> Option<Attributes<'_>> {
    let f = household_facts(h, sight)?;
    let mut out = vec![("code", Value::Str(f.code))];
    if let (Some(n), false) = (&h.head_name, f.masked) {
        out.push(("head_name", Value::Str(n)));
    }
    out.push(("party_member", Value::Bool(f.party_member)));
    out.push(("center_household", Value::Bool(f.center_household)));
    Some(out)
}

pub fn station_attributes(s: &Station) -> Attributes<'_> {
    let mut out = vec![
        ("code", Value::Str(s.code.as_str())),
        ("kind", Value::Str(s.kind.as_str())),
    ];
    if let Some(n) = &s.name {
        out.push(("name", Value::Str(n)));
    }
    if let Some(t) = &s.tier {
        out.push(("tier", Value::Str(t)));
    }
    out
}

/// The zoom from which minor paths (see [`is_minor_path`]) are in path tiles: a county's lanes
/// to every door would make a zoom-12 tile a hundred kilobytes of lines thinner than a pixel.
pub const MINOR_PATHS_FROM: u8 = 14;

/// Footways, paths, tracks, steps, cycleways, bridleways and service lanes: OSM's `highway` values
/// for ways that are not streets.
pub fn is_minor_path(p: &Path) -> bool {
    matches!(
        p.highway.as_deref(),
        Some("footway" | "path" | "track" | "steps" | "cycleway" | "bridleway" | "service" | "pedestrian")
    )
}

pub fn path_attributes(p: &Path) -> Attributes<'_> {
    let mut out = vec![("code", Value::Str(p.code.as_str()))];
    if let Some(n) = &p.name {
        out.push(("name", Value::Str(n)));
    }
    if let Some(h) = &p.highway {
        out.push(("highway", Value::Str(h)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_appear_top_down_and_every_field_is_listed() {
        let zooms: Vec<u8> = Level::ALL.into_iter().map(level_minzoom).collect();
        assert!(zooms.is_sorted(), "{zooms:?}");
        for layer in TileLayer::ALL {
            assert_eq!(TileLayer::parse(layer.name()), Some(layer));
            assert!(layer.minzoom() <= layer.maxzoom());
        }
        assert_eq!(TileLayer::parse("roads"), None);
    }
}
