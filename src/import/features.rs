//! One feature's properties and geometry to a domain record, per layer.

use geojson::GeometryValue;
use uuid::Uuid;

use super::geometry;
use super::props::Props;
use crate::domain::{Area, Building, Code, Crs, Household, Level, LonLat, Path, Station, StationKind, clip};

/// Where a feature's geometry came from: a GeoJSON geometry (any CRS), or the `lon,lat` columns of a
/// CSV row (already converted to WGS 84).
pub enum Source<'a> {
    GeoJson(Option<&'a GeometryValue>, Crs),
    Point(LonLat),
}

impl Source<'_> {
    fn point(&self) -> Result<LonLat, String> {
        match self {
            Source::Point(p) => Ok(*p),
            Source::GeoJson(Some(g), crs) => geometry::point(g, *crs),
            Source::GeoJson(None, _) => Err("the feature has no geometry".into()),
        }
    }

    fn geojson(&self, layer: &str) -> Result<(&GeometryValue, Crs), String> {
        match self {
            Source::GeoJson(Some(g), crs) => Ok((g, *crs)),
            Source::GeoJson(None, _) => Err("the feature has no geometry".into()),
            Source::Point(_) => Err(format!("{layer} need polygon geometry; CSV is only for point layers")),
        }
    }
}

/// Tiers of governance centers (综治中心), top to bottom.
pub const TIERS: [&str; 4] = ["city", "county", "township", "village"];

pub fn area(mut p: Props, src: &Source<'_>) -> Result<Area, String> {
    let code = p.required_code("code")?;
    let level_text = p.required_string("level")?;
    let level = Level::parse(&level_text).ok_or_else(|| {
        format!(
            "property 'level' must be one of county, township, community, grid, red_yard; got {:?}",
            clip(&level_text)
        )
    })?;
    let parent_code = p.code("parent_code")?;
    match (level, &parent_code) {
        (Level::County, Some(_)) => return Err("a county has no parent_code".into()),
        (Level::County, None) => {}
        (_, None) => return Err(format!("property 'parent_code' is required for a {level}")),
        (_, Some(parent)) if *parent == code => return Err("an area cannot be its own parent".into()),
        _ => {}
    }
    let (g, crs) = src.geojson("areas")?;
    Ok(Area {
        id: Uuid::new_v4(),
        name: p.required_string("name")?,
        leader_name: p.string("leader_name")?,
        leader_phone: p.string("leader_phone")?,
        geometry: geometry::polygonal(g, crs)?,
        properties: p.rest(),
        version: 1,
        code,
        level,
        parent_code,
    })
}

pub fn building(mut p: Props, src: &Source<'_>) -> Result<Building, String> {
    let code = p.required_code("code")?;
    let geometry = match src {
        Source::Point(ll) => geo::Geometry::Point(ll.to_point()),
        _ => {
            let (g, crs) = src.geojson("buildings")?;
            geometry::building(g, crs)?
        }
    };
    Ok(Building {
        address: p.string("address")?,
        floors: p.int("floors", 0, 300)?,
        properties: p.rest(),
        code,
        geometry,
    })
}

pub fn household(mut p: Props, src: &Source<'_>) -> Result<Household, String> {
    let code = p.required_code("code")?;
    let center_code = p.code("center_code")?;
    if center_code.as_ref() == Some(&code) {
        return Err("a household cannot be its own center household".into());
    }
    Ok(Household {
        head_name: p.string("head_name")?,
        phone: p.string("phone")?,
        members: p.int("members", 0, 100)?,
        address: p.string("address")?,
        building_code: p.code("building_code")?,
        party_member: p.flag("party_member")?,
        center_household: p.flag("center_household")?,
        location: src.point()?,
        properties: p.rest(),
        code,
        center_code,
    })
}

pub fn station(mut p: Props, src: &Source<'_>) -> Result<Station, String> {
    let code = p.required_code("code")?;
    let kind = StationKind::parse(&p.required_string("kind")?)?;
    let tier = p.string("tier")?;
    if let Some(t) = &tier
        && !TIERS.contains(&t.as_str())
    {
        return Err(format!(
            "property 'tier' must be one of {}; got {:?}",
            TIERS.join(", "),
            clip(t)
        ));
    }
    Ok(Station {
        name: p.string("name")?,
        phone: p.string("phone")?,
        open_hours: p.string("open_hours")?,
        services: p.list("services")?,
        location: src.point()?,
        properties: p.rest(),
        code,
        kind,
        tier,
    })
}

/// A path (road, street, footpath). Its `code` is optional, as OSM extracts carry none: without one
/// (and without a feature `id`) it gets `path-` and twelve hex digits of a hash of its geometry, so
/// importing the same file again updates the same paths instead of doubling them.
pub fn path(mut p: Props, src: &Source<'_>) -> Result<Path, String> {
    let code = p.code("code")?;
    let (g, crs) = src.geojson("paths")?;
    let geometry = geometry::lines(g, crs)?;
    let code = match code {
        Some(code) => code,
        None => geometry_code(&geometry)?,
    };
    Ok(Path {
        name: p.string("name")?,
        highway: p.string("highway")?,
        properties: p.rest(),
        code,
        geometry,
    })
}

fn geometry_code(g: &geo::MultiLineString<f64>) -> Result<Code, String> {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    for line in g {
        for c in line.coords() {
            hash.update(c.x.to_le_bytes());
            hash.update(c.y.to_le_bytes());
        }
        hash.update(b"|");
    }
    let hex: String = hash.finalize()[..6].iter().map(|b| format!("{b:02x}")).collect();
    Code::parse(&format!("path-{hex}")).map_err(|e| e.to_string())
}
