//! The demo data set in `geodata/`: reproducible from its sources, and a clean hierarchy in which
//! children tile their parents exactly, as the service's point-in-polygon lookups assume.
//!
//! The first test regenerates the data twice (in parallel) and compares both runs byte for byte
//! with each other and with the committed files. The other tests check the committed files, which
//! that test proves are exactly what the generator writes.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::OnceLock;

use geo::{Area, BooleanOps, BoundingRect, Contains, CoordinatePosition, Intersects, Validation, Winding};
use geo::{Coord, Line, LineString, MultiPolygon, Point, Polygon, Rect, coordinate_position::CoordPos};
use gridmap::demo::{FILES, generate};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn demo_generation_is_byte_identical_and_matches_the_committed_files() {
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let source = root().join("geodata/source");
    std::thread::scope(|s| {
        let runs: Vec<_> = dirs.iter().map(|d| s.spawn(|| generate(&source, d.path()))).collect();
        for r in runs {
            r.join().unwrap().unwrap();
        }
    });
    for f in FILES {
        let a = std::fs::read(dirs[0].path().join(f)).unwrap();
        let b = std::fs::read(dirs[1].path().join(f)).unwrap();
        assert!(a == b, "{f} differs between two runs");
        let committed = std::fs::read(root().join("geodata").join(f)).unwrap();
        assert!(
            a == committed,
            "geodata/{f} is stale: regenerate with `cargo run --release -- demo generate`"
        );
    }
}

struct AreaF {
    code: String,
    level: String,
    parent: Option<String>,
    props: serde_json::Map<String, Value>,
    geom: MultiPolygon<f64>,
    is_single_polygon: bool,
    bbox: Rect<f64>,
}

struct Data {
    areas: Vec<AreaF>,
    buildings: Vec<(serde_json::Map<String, Value>, Value)>,
    households: Vec<(serde_json::Map<String, Value>, Point<f64>)>,
    stations: Vec<(serde_json::Map<String, Value>, Point<f64>)>,
}

fn features(name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(root().join("geodata").join(name)).unwrap();
    let mut fc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(fc["type"], "FeatureCollection");
    fc["features"].take().as_array().unwrap().clone()
}

fn ring(v: &Value) -> LineString<f64> {
    let pts: Vec<Coord<f64>> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|p| Coord {
            x: p[0].as_f64().unwrap(),
            y: p[1].as_f64().unwrap(),
        })
        .collect();
    assert!(pts.len() >= 4 && pts.first() == pts.last(), "rings are closed");
    for c in &pts {
        for x in [c.x, c.y] {
            assert_eq!(x, (x * 1e7).round() / 1e7, "at most 7 decimals");
        }
    }
    LineString(pts)
}

fn polygon(v: &Value) -> Polygon<f64> {
    let rings: Vec<LineString<f64>> = v.as_array().unwrap().iter().map(ring).collect();
    let p = Polygon::new(rings[0].clone(), rings[1..].to_vec());
    assert!(p.exterior().is_ccw(), "exterior rings are counter-clockwise");
    assert!(p.interiors().iter().all(|r| r.is_cw()), "holes are clockwise");
    p
}

fn point(g: &Value) -> Point<f64> {
    assert_eq!(g["type"], "Point");
    Point::new(
        g["coordinates"][0].as_f64().unwrap(),
        g["coordinates"][1].as_f64().unwrap(),
    )
}

fn data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| {
        let areas = features("areas.geojson")
            .into_iter()
            .map(|f| {
                let props = f["properties"].as_object().unwrap().clone();
                let g = &f["geometry"];
                let geom = match g["type"].as_str().unwrap() {
                    "Polygon" => MultiPolygon(vec![polygon(&g["coordinates"])]),
                    "MultiPolygon" => MultiPolygon(g["coordinates"].as_array().unwrap().iter().map(polygon).collect()),
                    other => panic!("area geometry {other}"),
                };
                AreaF {
                    code: props["code"].as_str().unwrap().to_owned(),
                    level: props["level"].as_str().unwrap().to_owned(),
                    parent: props["parent_code"].as_str().map(str::to_owned),
                    is_single_polygon: g["type"] == "Polygon",
                    bbox: geom.bounding_rect().unwrap(),
                    props,
                    geom,
                }
            })
            .collect();
        let split = |name| {
            features(name)
                .into_iter()
                .map(|f| (f["properties"].as_object().unwrap().clone(), f["geometry"].clone()))
        };
        Data {
            areas,
            buildings: split("buildings.geojson").collect(),
            households: split("households.geojson").map(|(p, g)| (p, point(&g))).collect(),
            stations: split("stations.geojson").map(|(p, g)| (p, point(&g))).collect(),
        }
    })
}

fn s<'a>(p: &'a serde_json::Map<String, Value>, k: &str) -> &'a str {
    p[k].as_str().unwrap_or_else(|| panic!("{k} missing in {p:?}"))
}

const LEVELS: [&str; 5] = ["county", "township", "community", "grid", "red_yard"];

#[test]
fn demo_codes_are_unique_and_parents_resolve_one_level_up_and_come_first() {
    let d = data();
    let mut seen: HashMap<&str, &AreaF> = HashMap::new();
    for a in &d.areas {
        let depth = LEVELS.iter().position(|l| *l == a.level).expect("known level");
        match &a.parent {
            None => assert_eq!(a.level, "county"),
            Some(p) => {
                let parent = seen
                    .get(p.as_str())
                    .unwrap_or_else(|| panic!("{}: parent {p} not listed before", a.code));
                assert_eq!(LEVELS[depth - 1], parent.level, "{} is one level below {p}", a.code);
            }
        }
        assert!(seen.insert(&a.code, a).is_none(), "area code {} repeated", a.code);
        assert!(
            a.geom.is_valid(),
            "area {} is invalid: {:?}",
            a.code,
            a.geom.validation_errors()
        );
    }
    let mut codes = BTreeSet::new();
    for p in d
        .buildings
        .iter()
        .map(|b| &b.0)
        .chain(d.households.iter().map(|h| &h.0))
        .chain(d.stations.iter().map(|x| &x.0))
    {
        assert!(codes.insert(s(p, "code").to_owned()), "code {} repeated", s(p, "code"));
    }
    let limiao_yards = d
        .areas
        .iter()
        .filter(|a| a.level == "red_yard" && a.code.starts_with("420624103"))
        .count();
    assert_eq!(limiao_yards, 138, "李庙镇 has 138 red house-yards");
    for a in d.areas.iter().filter(|a| a.level != "county") {
        assert!(a.is_single_polygon, "{} is one polygon", a.code);
    }
}

/// Directed edges as exact coordinate bits.
type Edge = ([u64; 2], [u64; 2]);

fn edges(mp: &MultiPolygon<f64>) -> Vec<Edge> {
    let k = |c: Coord<f64>| [c.x.to_bits(), c.y.to_bits()];
    let mut out = Vec::new();
    for p in &mp.0 {
        for r in std::iter::once(p.exterior()).chain(p.interiors()) {
            out.extend(r.lines().map(|l| (k(l.start), k(l.end))));
        }
    }
    out
}

#[test]
fn demo_children_tile_their_parent_exactly() {
    let d = data();
    let mut children: BTreeMap<&str, Vec<&AreaF>> = BTreeMap::new();
    for a in &d.areas {
        if let Some(p) = &a.parent {
            children.entry(p).or_default().push(a);
        }
    }
    let by_code: HashMap<&str, &AreaF> = d.areas.iter().map(|a| (a.code.as_str(), a)).collect();
    for (parent, kids) in &children {
        let parent = by_code[parent];
        // Areas add up (holes respected).
        let sum: f64 = kids.iter().map(|k| k.geom.unsigned_area()).sum();
        let whole = parent.geom.unsigned_area();
        assert!(
            ((sum - whole) / whole).abs() < 1e-6,
            "{}: children {sum} vs parent {whole}",
            parent.code
        );
        // Exact partition: every inner edge is met by the reverse edge of exactly one sibling (no T-junction,
        // no gap, no overlap), and what is left over is exactly the parent's boundary.
        let mut count: HashMap<Edge, i64> = HashMap::new();
        for k in kids {
            for (a, b) in edges(&k.geom) {
                *count.entry((a, b)).or_default() += 1;
                *count.entry((b, a)).or_default() -= 1;
            }
        }
        for (a, b) in edges(&parent.geom) {
            *count.entry((a, b)).or_default() -= 1;
            *count.entry((b, a)).or_default() += 1;
        }
        let bad = count.values().filter(|c| **c != 0).count();
        assert_eq!(
            bad, 0,
            "{}: {bad} edges of its children do not pair up with a sibling or the parent",
            parent.code
        );
        for k in kids {
            for c in k.geom.0.iter().flat_map(|p| p.exterior().coords()) {
                assert_ne!(
                    parent.geom.coordinate_position(c),
                    CoordPos::Outside,
                    "{} reaches outside {}",
                    k.code,
                    parent.code
                );
            }
        }
        // And, independently, siblings overlap nowhere.
        for (i, a) in kids.iter().enumerate() {
            for b in &kids[i + 1..] {
                if a.bbox.intersects(&b.bbox) {
                    let overlap = a.geom.intersection(&b.geom).unsigned_area();
                    assert!(overlap < 1e-9 * whole, "{} and {} overlap by {overlap}", a.code, b.code);
                }
            }
        }
    }
}

#[test]
fn demo_counties_keep_their_real_outlines() {
    let text = std::fs::read_to_string(root().join("geodata/source/xiangyang_counties.geojson")).unwrap();
    let src: Value = serde_json::from_str(&text).unwrap();
    let d = data();
    for f in src["features"].as_array().unwrap() {
        let code = f["properties"]["code"].as_str().unwrap();
        let out = d.areas.iter().find(|a| a.code == code).unwrap();
        assert_eq!(out.level, "county");
        let parts = f["geometry"]["coordinates"].as_array().unwrap();
        assert_eq!(parts.len(), out.geom.0.len(), "{code}: same parts");
        for (sp, op) in parts.iter().zip(&out.geom.0) {
            let rings = sp.as_array().unwrap();
            assert_eq!(rings.len(), 1 + op.interiors().len(), "{code}: same holes");
            // Every source vertex is kept, in order; only vertices where new borders meet are added.
            let src_ring = ring(&rings[0]);
            let mut it = op.exterior().coords();
            for c in src_ring.coords() {
                assert!(
                    it.any(|o| o == c),
                    "{code}: source vertex {c:?} missing or out of order"
                );
            }
        }
    }
}

/// Areas of one level indexed by bounding box, and their boundary segments, for fast lookups.
struct Level<'a> {
    areas: Vec<&'a AreaF>,
    boxes: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
    borders: RTree<Line<f64>>,
}

impl<'a> Level<'a> {
    fn new(d: &'a Data, level: &str) -> Self {
        let areas: Vec<&AreaF> = d.areas.iter().filter(|a| a.level == level).collect();
        let rect = |r: Rect<f64>| Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
        let boxes = RTree::bulk_load(
            areas
                .iter()
                .enumerate()
                .map(|(i, a)| GeomWithData::new(rect(a.bbox), i))
                .collect(),
        );
        let borders = RTree::bulk_load(
            areas
                .iter()
                .flat_map(|a| {
                    a.geom
                        .0
                        .iter()
                        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                })
                .flat_map(|r| r.lines())
                .collect(),
        );
        Self { areas, boxes, borders }
    }

    /// The areas containing `p` (strictly inside).
    fn locate(&self, p: Point<f64>) -> Vec<&'a AreaF> {
        let q = [p.x(), p.y()];
        self.boxes
            .locate_all_at_point(&q)
            .map(|g| self.areas[g.data])
            .filter(|a| a.geom.coordinate_position(&p.0) == CoordPos::Inside)
            .collect()
    }

    /// The one area that holds the whole footprint: its corners are inside and no border crosses it.
    fn holding(&self, footprint: &Polygon<f64>) -> Option<&'a AreaF> {
        let r = footprint.bounding_rect()?;
        let env = AABB::from_corners(Point(r.min()), Point(r.max()));
        if self
            .borders
            .locate_in_envelope_intersecting(&env)
            .any(|l| l.intersects(footprint))
        {
            return None;
        }
        let corner = self.locate(Point(footprint.exterior().0[0]));
        (corner.len() == 1).then(|| corner[0])
    }
}

#[test]
fn demo_buildings_and_households_sit_inside_one_grid_and_link_up() {
    let d = data();
    let (grids, yards) = (Level::new(d, "grid"), Level::new(d, "red_yard"));
    let mut building: HashMap<&str, (Shape, &str)> = HashMap::new();
    for (p, g) in &d.buildings {
        let code = s(p, "code");
        let (shape, grid) = match g["type"].as_str().unwrap() {
            "Polygon" => {
                let poly = polygon(&g["coordinates"]);
                assert!(poly.is_valid(), "{code} is valid");
                let grid = grids
                    .holding(&poly)
                    .unwrap_or_else(|| panic!("{code} lies inside one grid"));
                if grid.code.starts_with("420624103") {
                    assert!(yards.holding(&poly).is_some(), "{code} lies inside one red yard");
                }
                (Shape::Footprint(poly), grid)
            }
            _ => {
                let pt = point(g);
                let grid = grids.locate(pt);
                assert_eq!(grid.len(), 1, "{code} is in one grid");
                (Shape::Point(pt), grid[0])
            }
        };
        assert!(s(p, "address").starts_with("湖北省襄阳市"));
        assert!(p["floors"].as_u64().unwrap() >= 1);
        building.insert(code, (shape, grid.code.as_str()));
    }
    let households: HashMap<&str, &(serde_json::Map<String, Value>, Point<f64>)> =
        d.households.iter().map(|h| (s(&h.0, "code"), h)).collect();
    let mut party = 0;
    let mut centers = 0;
    for (p, pt) in &d.households {
        let code = s(p, "code");
        let (shape, grid) = building
            .get(s(p, "building_code"))
            .unwrap_or_else(|| panic!("{code}: building missing"));
        match shape {
            Shape::Footprint(poly) => assert!(poly.contains(pt), "{code} inside its building"),
            Shape::Point(b) => assert_eq!(b, pt, "{code} at its point building"),
        }
        let located = grids.locate(*pt);
        assert!(
            located.len() == 1 && located[0].code == *grid,
            "{code} is in exactly one grid, its building's"
        );
        assert!((1..=6).contains(&p["members"].as_u64().unwrap()));
        let phone = s(p, "phone");
        assert!(
            phone.len() == 11 && phone.starts_with("100"),
            "{code}: fictional phone {phone}"
        );
        party += usize::from(p["party_member"] == true);
        if p["center_household"] == true {
            centers += 1;
            assert!(
                p["party_member"] == true && p["center_code"].is_null(),
                "{code}: a center is a party member"
            );
        } else {
            let c = households
                .get(s(p, "center_code"))
                .unwrap_or_else(|| panic!("{code}: center missing"));
            assert!(c.0["center_household"] == true, "{code} points at a center household");
            assert_eq!(
                building[s(&c.0, "building_code")].1,
                *grid,
                "{code}: its center is in the same grid"
            );
        }
    }
    let n = d.households.len() as f64;
    assert!(
        (0.06..0.12).contains(&(party as f64 / n)),
        "party share {}",
        party as f64 / n
    );
    assert!(
        (10.0..15.0).contains(&(n / centers as f64)),
        "households per center {}",
        n / centers as f64
    );
}

enum Shape {
    Footprint(Polygon<f64>),
    Point(Point<f64>),
}

#[test]
fn demo_red_yard_leaders_are_center_households_in_their_yard() {
    let d = data();
    let households: HashMap<&str, &(serde_json::Map<String, Value>, Point<f64>)> =
        d.households.iter().map(|h| (s(&h.0, "code"), h)).collect();
    for y in d.areas.iter().filter(|a| a.level == "red_yard") {
        let h = households[s(&y.props, "leader_household_code")];
        assert!(
            h.0["center_household"] == true,
            "{}: leader is a center household",
            y.code
        );
        assert!(y.geom.contains(&h.1), "{}: leader lives in the yard", y.code);
        assert_eq!(y.props["leader_name"], h.0["head_name"]);
        assert_eq!(y.props["leader_phone"], h.0["phone"]);
    }
}

#[test]
fn demo_stations_of_every_kind_sit_in_their_area() {
    let d = data();
    let by_code: HashMap<&str, &AreaF> = d.areas.iter().map(|a| (a.code.as_str(), a)).collect();
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    let mut tiers: BTreeMap<&str, usize> = BTreeMap::new();
    for (p, pt) in &d.stations {
        let code = s(p, "code");
        *kinds.entry(s(p, "kind")).or_default() += 1;
        if s(p, "kind") == "governance_center" {
            *tiers.entry(s(p, "tier")).or_default() += 1;
        }
        assert!(
            !p["services"].as_array().unwrap().is_empty() && !s(p, "name").is_empty() && !s(p, "open_hours").is_empty()
        );
        let area = code.split('-').nth(1).unwrap();
        if area == "420600" {
            assert_eq!(Level::new(d, "county").locate(*pt).len(), 1, "{code} is in 襄阳市");
        } else {
            assert!(by_code[area].geom.contains(pt), "{code} is inside {area}");
        }
    }
    assert_eq!(kinds.len(), 7, "{kinds:?}");
    let townships = d.areas.iter().filter(|a| a.level == "township").count();
    let parents: BTreeSet<&str> = d.areas.iter().filter_map(|a| a.parent.as_deref()).collect();
    let villages = d
        .areas
        .iter()
        .filter(|a| a.level == "community" && parents.contains(a.code.as_str()))
        .count();
    assert_eq!(
        tiers,
        BTreeMap::from([
            ("city", 1),
            ("county", 9),
            ("township", townships),
            ("village", villages)
        ])
    );
    assert_eq!(kinds["talk_room"], 138);
}
