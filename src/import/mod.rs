//! Reading GeoJSON and CSV files into checked batches, all-or-nothing.
//!
//! Pipeline: parse the file(s) → turn every feature into a domain record, collecting every problem
//! with its file, index and code → check references against what is stored (parents one level up,
//! buildings, center households) → only then hand one batch to the store, which writes it in one
//! transaction. A single bad feature stops the whole import before anything is written.

mod error;
mod features;
mod geometry;
pub use geometry::{line, polygonal};
mod props;
mod references;
mod validity;

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::value::RawValue;

pub use error::{FeatureProblem, ImportError, Problems};
pub use features::TIERS;
pub use references::check_references;

use crate::domain::{Crs, Layer, Properties, clip};
use crate::store::Batch;
use features::Source;
use props::Props;

/// A file to import: a name for messages and its bytes.
pub struct InputFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Parsed and checked features of one layer, with where each came from.
pub struct Parsed {
    pub batch: Batch,
    /// `(file, index)` of each record in `batch`, in the same order.
    pub origins: Vec<(String, usize)>,
}

/// Parses every file (GeoJSON, or CSV for point layers when the name ends in `.csv`) into one batch.
/// `progress` is called with the number of features read so far.
pub fn parse_files(
    layer: Layer,
    crs: Crs,
    files: &[InputFile],
    progress: &mut dyn FnMut(usize),
) -> Result<Parsed, ImportError> {
    let mut problems = Problems::default();
    let mut records = Records::new(layer);
    let mut origins = Vec::new();
    let mut seen: HashMap<String, (String, usize)> = HashMap::new();
    // Features read, good or bad: what progress reports (not records kept, which stall on bad ones).
    let mut read = 0;
    for file in files {
        let features = if file.name.to_ascii_lowercase().ends_with(".csv") {
            read_csv(layer, crs, file, &mut problems)?
        } else {
            read_geojson(file)?
        };
        for (index, item) in features.into_iter().enumerate() {
            read += 1;
            progress(read);
            let (props, result) = match item {
                Item::GeoJson(raw) => parse_feature(layer, crs, &raw),
                Item::Csv(props, point) => {
                    let props = Props::new(props);
                    (props.peek_code(), build(layer, props, &Source::Point(point)))
                }
            };
            match result {
                Err(reason) => problems.push(&file.name, index, props.as_deref(), reason),
                Ok(record) => {
                    let code = record.code().to_owned();
                    if let Some((f, i)) = seen.get(&code) {
                        problems.push(
                            &file.name,
                            index,
                            Some(&code),
                            format!("code {code} already used by {f}: feature {i}"),
                        );
                    } else {
                        seen.insert(code, (file.name.clone(), index));
                        records.push(record);
                        origins.push((file.name.clone(), index));
                    }
                }
            }
        }
    }
    problems.into_result()?;
    Ok(Parsed {
        batch: records.into_batch(),
        origins,
    })
}

/// A feature waiting to be turned into a record.
enum Item {
    GeoJson(Box<RawValue>),
    Csv(Properties, crate::domain::LonLat),
}

#[derive(Deserialize)]
struct Collection {
    #[serde(rename = "type")]
    kind: String,
    features: Option<Vec<Box<RawValue>>>,
    crs: Option<serde_json::Value>,
}

/// Names of the CRS a legacy GeoJSON `crs` member may carry that gridmap reads as WGS 84.
const WGS84_NAMES: [&str; 5] = ["CRS84", "EPSG:4326", "EPSG::4326", "EPSG:4490", "EPSG::4490"];

fn read_geojson(file: &InputFile) -> Result<Vec<Item>, ImportError> {
    let malformed = |reason: String| ImportError::Malformed {
        file: file.name.clone(),
        reason: error::brief(reason),
    };
    // A byte order mark is not JSON, but Windows tools write one; RFC 8259 lets readers skip it (and
    // the CSV reader does).
    let bytes = file.bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&file.bytes);
    let collection: Collection = serde_json::from_slice(bytes).map_err(|e| {
        malformed(format!(
            "not valid GeoJSON: {e} (a FeatureCollection object is expected)"
        ))
    })?;
    if let Some(crs) = &collection.crs {
        let name = crs
            .pointer("/properties/name")
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        if !WGS84_NAMES.iter().any(|w| name.ends_with(w)) {
            return Err(malformed(format!(
                "the file declares crs {}; gridmap reads WGS 84 longitude/latitude (RFC 7946), or GCJ-02/BD-09 with --crs",
                clip(&crs.to_string())
            )));
        }
    }
    match collection.kind.as_str() {
        "FeatureCollection" => Ok(collection
            .features
            .ok_or_else(|| malformed("the FeatureCollection has no \"features\" array".into()))?
            .into_iter()
            .map(Item::GeoJson)
            .collect()),
        "Feature" => {
            let raw = RawValue::from_string(String::from_utf8_lossy(bytes).into_owned())
                .map_err(|e| malformed(e.to_string()))?;
            Ok(vec![Item::GeoJson(raw)])
        }
        other => Err(malformed(format!(
            "expected a FeatureCollection, found a {:?} object",
            clip(other)
        ))),
    }
}

/// One GeoJSON feature to a record; returns the code (if readable) for messages.
fn parse_feature(layer: Layer, crs: Crs, raw: &RawValue) -> (Option<String>, Result<Record, String>) {
    let feature: geojson::Feature = match serde_json::from_str(raw.get()) {
        Ok(f) => f,
        Err(e) => return (code_of_broken(raw), Err(format!("not a GeoJSON Feature: {e}"))),
    };
    let mut map = feature.properties.unwrap_or_default();
    // A feature `id` stands in for a missing `code`.
    if !map.contains_key("code") {
        match feature.id {
            Some(geojson::feature::Id::String(s)) => {
                map.insert("code".into(), s.into());
            }
            Some(geojson::feature::Id::Number(n)) => {
                map.insert("code".into(), n.to_string().into());
            }
            None => {}
        }
    }
    let props = Props::new(map);
    let code = props.peek_code();
    let source = Source::GeoJson(feature.geometry.as_ref().map(|g| &g.value), crs);
    (code, build(layer, props, &source))
}

/// The code of a feature too broken to read (a bad number or deep nesting somewhere), so the message
/// can still name it: only `properties.code` and `id` are read, everything else is skipped unparsed.
fn code_of_broken(raw: &RawValue) -> Option<String> {
    #[derive(Deserialize)]
    struct Bare {
        properties: Option<BareProperties>,
        id: Option<serde_json::Value>,
    }
    #[derive(Deserialize)]
    struct BareProperties {
        code: Option<serde_json::Value>,
    }
    let bare: Bare = serde_json::from_str(raw.get()).ok()?;
    let code = bare.properties.and_then(|p| p.code).or(bare.id)?;
    Props::new(Properties::from_iter([("code".to_owned(), code)])).peek_code()
}

fn read_csv(layer: Layer, crs: Crs, file: &InputFile, problems: &mut Problems) -> Result<Vec<Item>, ImportError> {
    let malformed = |reason: String| ImportError::Malformed {
        file: file.name.clone(),
        reason: error::brief(reason),
    };
    if !layer.is_point_layer() && layer != Layer::Buildings {
        return Err(malformed(format!(
            "{layer} need {} geometry; import them as GeoJSON",
            if layer == Layer::Paths { "line" } else { "polygon" }
        )));
    }
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(file.bytes.as_slice());
    let headers = reader
        .headers()
        .map_err(|e| malformed(format!("cannot read the header row: {e}")))?
        .clone();
    let find = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
    };
    let (Some(lon_col), Some(lat_col)) = (find(&["lon", "lng", "longitude"]), find(&["lat", "latitude"])) else {
        return Err(malformed("a CSV needs 'lon' and 'lat' columns".into()));
    };
    let mut items = Vec::new();
    for (index, row) in reader.records().enumerate() {
        let row = row.map_err(|e| malformed(format!("row {}: {e}", index + 1)))?;
        let mut props = Properties::new();
        for (i, value) in row.iter().enumerate() {
            if i != lon_col && i != lat_col && !value.is_empty() {
                props.insert(headers[i].to_owned(), value.into());
            }
        }
        let code = Props::new(props.clone()).peek_code();
        let number = |col: usize, name: &str| {
            row[col]
                .parse::<f64>()
                .map_err(|_| format!("column '{name}' must be a number, got {:?}", clip(&row[col])))
        };
        match number(lon_col, "lon").and_then(|lon| Ok((lon, number(lat_col, "lat")?))) {
            Err(reason) => problems.push(&file.name, index, code.as_deref(), reason),
            Ok((lon, lat)) => match crs.to_wgs84(lon, lat) {
                Ok(p) => items.push(Item::Csv(props, p)),
                Err(e) => problems.push(&file.name, index, code.as_deref(), e.to_string()),
            },
        }
    }
    Ok(items)
}

/// A record of any layer, while a batch is being assembled.
enum Record {
    Area(crate::domain::Area),
    Building(crate::domain::Building),
    Household(crate::domain::Household),
    Station(crate::domain::Station),
    Path(crate::domain::Path),
}

impl Record {
    fn code(&self) -> &str {
        match self {
            Record::Area(a) => a.code.as_str(),
            Record::Building(b) => b.code.as_str(),
            Record::Household(h) => h.code.as_str(),
            Record::Station(s) => s.code.as_str(),
            Record::Path(p) => p.code.as_str(),
        }
    }
}

/// One feature of `layer` to a record.
fn build(layer: Layer, props: Props, src: &Source<'_>) -> Result<Record, String> {
    props.refuse_nul()?;
    Ok(match layer {
        Layer::Areas => Record::Area(features::area(props, src)?),
        Layer::Buildings => Record::Building(features::building(props, src)?),
        Layer::Households => Record::Household(features::household(props, src)?),
        Layer::Stations => Record::Station(features::station(props, src)?),
        Layer::Paths => Record::Path(features::path(props, src)?),
    })
}

/// A batch being filled, one layer.
struct Records(Batch);

impl Records {
    fn new(layer: Layer) -> Self {
        Self(match layer {
            Layer::Areas => Batch::Areas(Vec::new()),
            Layer::Buildings => Batch::Buildings(Vec::new()),
            Layer::Households => Batch::Households(Vec::new()),
            Layer::Stations => Batch::Stations(Vec::new()),
            Layer::Paths => Batch::Paths(Vec::new()),
        })
    }

    fn push(&mut self, r: Record) {
        match (&mut self.0, r) {
            (Batch::Areas(v), Record::Area(a)) => v.push(a),
            (Batch::Buildings(v), Record::Building(b)) => v.push(b),
            (Batch::Households(v), Record::Household(h)) => v.push(h),
            (Batch::Stations(v), Record::Station(s)) => v.push(s),
            (Batch::Paths(v), Record::Path(p)) => v.push(p),
            // `build` only makes records of the batch's layer.
            _ => {}
        }
    }

    fn into_batch(self) -> Batch {
        self.0
    }
}
