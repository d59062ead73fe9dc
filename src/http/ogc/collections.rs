//! The collections gridmap offers: one per stored layer, and one per level of areas so a client
//! can show (or fetch) only grids, say, without a filter.

use geo::BoundingRect;
use serde_json::{Value, json};

use super::error::OgcError;
use super::links::{Links, link};
use super::{CRS84, GEOJSON, JSON};
use crate::domain::{Layer, Level};
use crate::index::Index;
use crate::tiles::{TileLayer, TileSource};

/// A collection: a whole layer, or the areas of one level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collection {
    Layer(Layer),
    Areas(Level),
}

impl Collection {
    /// Every collection, in the order `/ogc/collections` lists them.
    pub fn all() -> Vec<Collection> {
        // Paths are served as a layer of their own only by export; the OGC collections are the
        // governance features.
        let layers = Layer::ALL.into_iter().filter(|l| *l != Layer::Paths).map(Self::Layer);
        let levels = Level::ALL.into_iter().map(Self::Areas);
        layers.chain(levels).collect()
    }

    pub fn parse(id: &str) -> Result<Self, OgcError> {
        Self::all()
            .into_iter()
            .find(|c| c.id() == id)
            .ok_or_else(|| OgcError::UnknownCollection(crate::http::params::clip(id)))
    }

    pub fn id(self) -> &'static str {
        match self {
            Self::Layer(layer) => layer.as_str(),
            Self::Areas(Level::County) => "areas_county",
            Self::Areas(Level::Township) => "areas_township",
            Self::Areas(Level::Community) => "areas_community",
            Self::Areas(Level::Grid) => "areas_grid",
            Self::Areas(Level::RedYard) => "areas_red_yard",
        }
    }

    /// The stored layer the features come from.
    pub fn layer(self) -> Layer {
        match self {
            Self::Layer(layer) => layer,
            Self::Areas(_) => Layer::Areas,
        }
    }

    /// The one level of areas this collection holds, if it is limited to one.
    pub fn level(self) -> Option<Level> {
        match self {
            Self::Layer(_) => None,
            Self::Areas(level) => Some(level),
        }
    }

    pub fn tile_layer(self) -> TileLayer {
        match self.layer() {
            Layer::Areas => TileLayer::Areas,
            Layer::Buildings => TileLayer::Buildings,
            Layer::Households => TileLayer::Households,
            // Never asked: paths are not a collection (see `all`).
            Layer::Stations | Layer::Paths => TileLayer::Stations,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Layer(Layer::Areas) => "Governance areas (区县/乡镇/村社区/网格/红色屋场)",
            Self::Layer(Layer::Buildings) => "Buildings (楼栋)",
            Self::Layer(Layer::Households) => "Households (户)",
            Self::Layer(Layer::Stations) => "Stations (站点)",
            Self::Layer(Layer::Paths) => "Paths (道路)",
            Self::Areas(Level::County) => "Counties (区/县)",
            Self::Areas(Level::Township) => "Townships (乡/镇/街道)",
            Self::Areas(Level::Community) => "Villages and communities (村/社区)",
            Self::Areas(Level::Grid) => "Grids (网格)",
            Self::Areas(Level::RedYard) => "Red house-yards (红色屋场)",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Self::Layer(Layer::Areas) => {
                "Every governance area, county to red house-yard: code, name, level, parent_code, leader_name, \
                 leader_phone; MultiPolygon"
            }
            Self::Layer(Layer::Buildings) => {
                "Buildings with their standard address and floors; footprint Polygon/MultiPolygon, or Point"
            }
            Self::Layer(Layer::Households) => {
                "Households: head of household, members, address, building, party-member and center-household \
                 flags, the center household that looks after them; Point"
            }
            Self::Layer(Layer::Stations) => {
                "Stations of every kind (红色驿站, 综治中心, police rooms, …) with name, tier, phone, opening hours \
                 and services; Point"
            }
            Self::Layer(Layer::Paths) => "Roads, streets and footpaths; LineString/MultiLineString",
            Self::Areas(_) => "The areas of one level, with the same properties as the areas collection",
        }
    }

    /// The extent of the collection's data, CRS84 `[west, south, east, north]`; `None` when empty.
    pub fn extent(self, index: &Index, source: &TileSource) -> Option<[f64; 4]> {
        match self {
            Self::Layer(_) => source.bounds(self.tile_layer()),
            Self::Areas(level) => index
                .areas
                .all()
                .iter()
                .filter(|a| a.level == level)
                .filter_map(|a| a.geometry.bounding_rect())
                .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
                .reduce(|a, b| [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])]),
        }
    }

    /// The collection's description document (`/ogc/collections/{id}` and each entry of
    /// `/ogc/collections`).
    pub fn document(self, links: &Links, extent: Option<[f64; 4]>) -> Value {
        let here = links.url(&format!("/collections/{}", self.id()));
        let mut doc = json!({
            "id": self.id(),
            "title": self.title(),
            "description": self.description(),
            "links": [
                link(&here, "self", JSON, "this collection"),
                link(&format!("{here}/items"), "items", GEOJSON, "its features as GeoJSON"),
            ],
            "itemType": "feature",
            "crs": [CRS84],
        });
        if let Some(bbox) = extent {
            doc["extent"] = json!({"spatial": {"bbox": [bbox], "crs": CRS84}});
        }
        doc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_back_and_are_unique() {
        let all = Collection::all();
        for c in &all {
            assert_eq!(Collection::parse(c.id()).unwrap(), *c);
        }
        let mut ids: Vec<&str> = all.iter().map(|c| c.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all.len());
        assert!(Collection::parse("roads").is_err());
    }
}
