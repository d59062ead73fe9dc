//! The data: a county, buildings in it, the households stored before the import, the import file,
//! and the store's state as a fresh `gridmap::store::open` reads it.

use std::collections::BTreeMap;
use std::fs::File;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{BufWriter, Write};
use std::path::Path;

use geo::{Geometry, Point, wkt};
use gridmap::domain::{Area, Building, Code, Household, Layer, Level, LonLat, Properties};
use gridmap::store::{Batch, Revisions, Store};

/// Households stored before the import.
pub const BASE: usize = 30_000;
/// Features in the import file. Every [`UPDATE_EVERY`]th rewrites a stored household (until all
/// [`BASE`] are rewritten); the others are new.
pub const IMPORTED: usize = 210_000;
pub const UPDATE_EVERY: usize = 7;
const BUILDINGS: usize = 200;

/// The columns of a household the import rewrites, as the test compares them.
#[derive(Debug, Clone)]
pub struct Row {
    code: String,
    head_name: String,
    members: i32,
    building: String,
    lon: f64,
    lat: f64,
}

/// A spread of points inside the county (112.0–112.4 E, 31.6–31.9 N) on a 1e-5° lattice; `salt`
/// moves an updated household so its location changes too.
fn position(i: usize, salt: usize) -> (f64, f64) {
    let lon = 112.0 + ((i * 7_919 + salt * 3_001) % 39_000 + 500) as f64 * 1e-5;
    let lat = 31.6 + ((i * 104_729 + salt * 7_013) % 29_000 + 500) as f64 * 1e-5;
    (lon, lat)
}

fn building_code(i: usize) -> String {
    format!("B{:04}", i % BUILDINGS)
}

fn base_row(i: usize) -> Row {
    let (lon, lat) = position(i, 0);
    Row {
        code: format!("H{i:07}"),
        head_name: format!("户主{i}"),
        members: (i % 6) as i32 + 1,
        building: building_code(i),
        lon,
        lat,
    }
}

fn imported_row(j: usize) -> Row {
    let code = if j.is_multiple_of(UPDATE_EVERY) && j / UPDATE_EVERY < BASE {
        format!("H{:07}", j / UPDATE_EVERY)
    } else {
        format!("N{j:07}")
    };
    let (lon, lat) = position(j, 1);
    Row {
        code,
        head_name: format!("新户主{j}"),
        members: ((j + 3) % 6) as i32 + 1,
        building: building_code(j + 1),
        lon,
        lat,
    }
}

pub fn base_rows() -> Vec<Row> {
    (0..BASE).map(base_row).collect()
}

/// The households after the whole import: the stored ones, overwritten or joined by the file's.
pub fn after_rows() -> Vec<Row> {
    let mut rows: BTreeMap<String, Row> = base_rows().into_iter().map(|r| (r.code.clone(), r)).collect();
    for j in 0..IMPORTED {
        let r = imported_row(j);
        rows.insert(r.code.clone(), r);
    }
    rows.into_values().collect()
}

/// One number for a whole households layer; any changed, missing or extra household changes it.
/// Coordinates are compared bit for bit: both stores keep WKB doubles, and Rust prints the shortest
/// decimal that reads back as the same double.
pub fn fingerprint(mut rows: Vec<Row>) -> u64 {
    rows.sort_by(|a, b| a.code.cmp(&b.code));
    let mut h = DefaultHasher::new();
    for r in &rows {
        (&r.code, &r.head_name, r.members, &r.building).hash(&mut h);
        (r.lon.to_bits(), r.lat.to_bits()).hash(&mut h);
    }
    h.finish()
}

fn code(s: &str) -> Code {
    Code::parse(s).expect("test codes are valid")
}

/// Stores the county, the buildings and the [`BASE`] households, straight through the store.
pub async fn seed(store: &dyn Store) {
    let county = Area {
        id: uuid::Uuid::new_v4(),
        code: code("420624"),
        name: "南漳县".into(),
        level: Level::County,
        parent_code: None,
        leader_name: None,
        leader_phone: None,
        properties: Properties::new(),
        geometry: wkt!(MULTIPOLYGON(((112.0 31.6,112.4 31.6,112.4 31.9,112.0 31.9,112.0 31.6)))),
        version: 1,
    };
    let buildings = (0..BUILDINGS)
        .map(|k| {
            let (lon, lat) = position(k, 2);
            Building {
                code: code(&building_code(k)),
                address: Some(format!("城关镇解放路{k}号")),
                floors: Some(6),
                properties: Properties::new(),
                geometry: Geometry::Point(Point::new(lon, lat)),
            }
        })
        .collect();
    let households = base_rows()
        .into_iter()
        .map(|r| Household {
            code: code(&r.code),
            head_name: Some(r.head_name),
            phone: None,
            members: Some(r.members),
            address: None,
            building_code: Some(code(&r.building)),
            party_member: false,
            center_household: false,
            center_code: None,
            properties: Properties::new(),
            location: LonLat::new(r.lon, r.lat).expect("test points are valid"),
        })
        .collect();
    for batch in [
        Batch::Areas(vec![county]),
        Batch::Buildings(buildings),
        Batch::Households(households),
    ] {
        store.upsert(&batch).await.expect("seeding the store");
    }
}

/// Writes the import file and returns its length in bytes.
pub fn write_import(path: &Path) -> u64 {
    let mut out = BufWriter::new(File::create(path).expect("creating the import file"));
    let mut put = |s: &str| out.write_all(s.as_bytes()).expect("writing the import file");
    put("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for j in 0..IMPORTED {
        let r = imported_row(j);
        if j > 0 {
            put(",\n");
        }
        put(&format!(
            "{{\"type\":\"Feature\",\"properties\":{{\"code\":\"{}\",\"head_name\":\"{}\",\"members\":{},\
             \"building_code\":\"{}\"}},\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{},{}]}}}}",
            r.code, r.head_name, r.members, r.building, r.lon, r.lat
        ));
    }
    put("\n]}\n");
    out.flush().expect("writing the import file");
    drop(out);
    std::fs::metadata(path).expect("the import file exists").len()
}

/// A store's state as a fresh `gridmap::store::open` reads it: what a kill must leave either as it was
/// or as the whole import makes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot {
    pub areas: usize,
    pub buildings: usize,
    pub households: usize,
    pub stations: usize,
    pub revisions: Revisions,
    pub fingerprint: u64,
}

pub async fn snapshot(url: &str) -> Snapshot {
    let store = gridmap::store::open(url)
        .await
        .unwrap_or_else(|e| panic!("reopening the store: {e}"));
    let households = store.load_households().await.expect("loading households");
    let rows = households
        .iter()
        .map(|h| Row {
            code: h.code.as_str().to_owned(),
            head_name: h.head_name.clone().unwrap_or_default(),
            members: h.members.unwrap_or(-1),
            building: h
                .building_code
                .as_ref()
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default(),
            lon: h.location.lon(),
            lat: h.location.lat(),
        })
        .collect();
    let snapshot = Snapshot {
        areas: store.load_areas().await.expect("loading areas").len(),
        buildings: store.load_buildings().await.expect("loading buildings").len(),
        households: households.len(),
        stations: store.load_stations().await.expect("loading stations").len(),
        revisions: store.revisions().await.expect("reading revisions"),
        fingerprint: fingerprint(rows),
    };
    store.close().await;
    snapshot
}

/// The state one more committed import of the file leads to from `s`: the households of the whole
/// import, and the households revision one up. Nothing else moves.
pub fn imported(s: Snapshot, (households, fingerprint): (usize, u64)) -> Snapshot {
    let mut revisions = s.revisions;
    revisions.set(Layer::Households, s.revisions.get(Layer::Households) + 1);
    Snapshot {
        households,
        fingerprint,
        revisions,
        ..s
    }
}
