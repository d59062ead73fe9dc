//! Reading the real source data in `geodata/source/`: county polygons (WGS 84, RFC 7946 GeoJSON)
//! and the NBS code tables (CSV). See `geodata/source/README.md` for provenance and licences.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, bail};
use serde::Deserialize;

use super::geom::signed_area;

/// A county-level division with its real polygons: parts → rings (exterior first) → open rings of
/// WGS 84 degrees, exterior counter-clockwise and holes clockwise.
#[derive(Debug, Clone)]
pub struct County {
    pub code: String,
    pub name: String,
    pub parts: Vec<Vec<Vec<[f64; 2]>>>,
}

/// A township- or village-level unit from the NBS code tables.
#[derive(Debug, Clone, Deserialize)]
pub struct Unit {
    pub code: String,
    pub name: String,
    pub parent_code: String,
    /// 镇/乡/街道/类似乡级单位, or 居委会/村委会/类似居委会/类似村委会.
    #[serde(rename = "type")]
    pub kind: String,
    /// For village-level units: the name without 委员会 (e.g. 李庙社区, 滋坪村).
    #[serde(default)]
    pub short_name: Option<String>,
}

impl Unit {
    /// The short name where there is one, else the full name.
    pub fn short(&self) -> &str {
        self.short_name.as_deref().unwrap_or(&self.name)
    }

    /// Urban units: 街道 townships and 居委会 communities.
    pub fn is_urban(&self) -> bool {
        self.kind == "街道" || self.kind.contains("居委会")
    }
}

#[derive(Debug, Deserialize)]
struct CountyRow {
    code: String,
    name: String,
}

#[derive(Debug, Deserialize)]
struct BboxRow {
    code: String,
    center_lon: Option<f64>,
    center_lat: Option<f64>,
}

/// Everything the generator reads.
#[derive(Debug, Clone)]
pub struct Source {
    /// The 9 counties of 襄阳市, by code.
    pub counties: Vec<County>,
    /// Townships of 南漳县 and 襄城区.
    pub townships: Vec<Unit>,
    /// Villages and communities of 李庙镇 and 襄城区.
    pub villages: Vec<Unit>,
    /// Township code → centre (degrees) of its bounding box, where the source has one.
    pub township_centres: BTreeMap<String, [f64; 2]>,
}

impl Source {
    pub fn load(dir: &Path) -> anyhow::Result<Self> {
        let counties = read_counties(&dir.join("xiangyang_counties.geojson"))?;
        let names: Vec<CountyRow> = read_csv(&dir.join("xiangyang_counties.csv"))?;
        for c in &counties {
            if !names.iter().any(|n| n.code == c.code && n.name == c.name) {
                bail!(
                    "county {} {} of the GeoJSON is not in xiangyang_counties.csv",
                    c.code,
                    c.name
                );
            }
        }
        let mut townships: Vec<Unit> = read_csv(&dir.join("nanzhang_townships.csv"))?;
        townships.extend(read_csv::<Unit>(&dir.join("xiangcheng_townships.csv"))?);
        let mut villages: Vec<Unit> = read_csv(&dir.join("limiao_villages.csv"))?;
        villages.extend(read_csv::<Unit>(&dir.join("xiangcheng_communities.csv"))?);
        let township_centres = read_csv::<BboxRow>(&dir.join("township_bboxes.csv"))?
            .into_iter()
            .filter_map(|r| Some((r.code, [r.center_lon?, r.center_lat?])))
            .collect();
        Ok(Self {
            counties,
            townships,
            villages,
            township_centres,
        })
    }

    /// The units whose parent is `code`, in code order.
    pub fn children<'a>(&'a self, units: &'a [Unit], code: &str) -> Vec<&'a Unit> {
        let mut v: Vec<&Unit> = units.iter().filter(|u| u.parent_code == code).collect();
        v.sort_by(|a, b| a.code.cmp(&b.code));
        v
    }
}

fn read_csv<T: for<'de> Deserialize<'de>>(path: &Path) -> anyhow::Result<Vec<T>> {
    let mut reader = csv::Reader::from_path(path).with_context(|| format!("opening {}", path.display()))?;
    reader
        .deserialize()
        .enumerate()
        .map(|(i, r)| r.with_context(|| format!("reading row {} of {}", i + 1, path.display())))
        .collect()
}

fn read_counties(path: &Path) -> anyhow::Result<Vec<County>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let fc: serde_json::Value = serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let features = fc["features"]
        .as_array()
        .with_context(|| format!("{} has no features", path.display()))?;
    let mut out = Vec::new();
    for (i, f) in features.iter().enumerate() {
        let what = || format!("feature {i} of {}", path.display());
        let code = f["properties"]["code"]
            .as_str()
            .with_context(|| format!("{}: no code", what()))?;
        let name = f["properties"]["name"]
            .as_str()
            .with_context(|| format!("{}: no name", what()))?;
        let g = &f["geometry"];
        let polys: Vec<Vec<Vec<Vec<f64>>>> = match g["type"].as_str() {
            Some("MultiPolygon") => serde_json::from_value(g["coordinates"].clone()),
            Some("Polygon") => serde_json::from_value(g["coordinates"].clone()).map(|p| vec![p]),
            _ => bail!("{}: geometry is not a (multi)polygon", what()),
        }
        .with_context(|| format!("{}: bad coordinates", what()))?;
        let mut parts = Vec::new();
        for poly in polys {
            let mut rings = Vec::new();
            for (k, ring) in poly.into_iter().enumerate() {
                let mut r: Vec<[f64; 2]> = ring.iter().map(|c| [c[0], c[1]]).collect();
                if r.len() > 1 && r.first() == r.last() {
                    r.pop();
                }
                if r.len() < 3 {
                    bail!("{}: a ring has fewer than 3 points", what());
                }
                // RFC 7946: exterior counter-clockwise, holes clockwise.
                if (signed_area(&r) > 0.0) != (k == 0) {
                    r.reverse();
                }
                rings.push(r);
            }
            parts.push(rings);
        }
        out.push(County {
            code: code.to_owned(),
            name: name.to_owned(),
            parts,
        });
    }
    out.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(out)
}
