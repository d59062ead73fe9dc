//! Geometry to and from WKB, the form both stores keep (SQLite as a BLOB, PostGIS through
//! `ST_GeomFromWKB`/`ST_AsBinary`). Coordinates are WGS 84 degrees, x = longitude.

use geo::{Geometry, MultiPolygon};
use geo_traits::to_geo::ToGeoGeometry;

/// Little-endian WKB of any geometry.
pub fn to_wkb(geom: &Geometry<f64>) -> Vec<u8> {
    let mut out = Vec::with_capacity(wkb::writer::geometry_wkb_size(geom));
    // Writing into a Vec cannot fail.
    let _ = wkb::writer::write_geometry(&mut out, geom, &wkb::writer::WriteOptions::default());
    out
}

/// Reads WKB into a geometry; `Err` carries a reason for [`super::StoreError::Corrupt`].
pub fn from_wkb(bytes: &[u8]) -> Result<Geometry<f64>, String> {
    let parsed = wkb::reader::read_wkb(bytes).map_err(|e| e.to_string())?;
    parsed.try_to_geometry().ok_or_else(|| "empty point in WKB".to_owned())
}

/// Reads an area's WKB, accepting Polygon or MultiPolygon.
pub fn multipolygon_from_wkb(bytes: &[u8]) -> Result<MultiPolygon<f64>, String> {
    match from_wkb(bytes)? {
        Geometry::MultiPolygon(mp) => Ok(mp),
        Geometry::Polygon(p) => Ok(MultiPolygon::new(vec![p])),
        other => Err(format!("expected a polygon, found {}", geometry_name(&other))),
    }
}

/// Reads a point's WKB as `(lon, lat)`.
pub fn point_from_wkb(bytes: &[u8]) -> Result<(f64, f64), String> {
    match from_wkb(bytes)? {
        Geometry::Point(p) => Ok((p.x(), p.y())),
        other => Err(format!("expected a point, found {}", geometry_name(&other))),
    }
}

pub fn geometry_name(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "Point",
        Geometry::Line(_) => "Line",
        Geometry::LineString(_) => "LineString",
        Geometry::Polygon(_) => "Polygon",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
        Geometry::Rect(_) => "Rect",
        Geometry::Triangle(_) => "Triangle",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::wkt;

    #[test]
    fn round_trips_polygons_with_holes_and_points() {
        let mp: MultiPolygon<f64> = wkt!(MULTIPOLYGON(((0. 0.,10. 0.,10. 10.,0. 10.,0. 0.),(2. 2.,2. 4.,4. 4.,4. 2.,2. 2.)),((20. 20.,21. 20.,21. 21.,20. 20.))));
        let bytes = to_wkb(&Geometry::MultiPolygon(mp.clone()));
        assert_eq!(multipolygon_from_wkb(&bytes).unwrap(), mp);
        let pt = to_wkb(&Geometry::Point(geo::Point::new(112.1, 31.6)));
        assert_eq!(point_from_wkb(&pt).unwrap(), (112.1, 31.6));
        assert!(point_from_wkb(&bytes).is_err());
        assert!(from_wkb(&[1, 2, 3]).is_err());
    }
}
