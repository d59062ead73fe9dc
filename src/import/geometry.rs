//! GeoJSON geometry to checked WGS 84 geometry: positions in range and not swapped, converted from
//! GCJ-02/BD-09 where the file is in those, rings closed, polygons valid (no self-intersection, every
//! ring enclosing an area), exterior rings counter-clockwise and holes clockwise (RFC 7946), whatever
//! the file's winding. A position repeated in place (as digitising tools leave behind) is legal and
//! dropped: it adds nothing, and a zero-length edge only trips up later geometry code.

use geo::orient::{Direction, Orient};
use geo::{Coord, Geometry, LineString, MultiLineString, MultiPolygon, Point, Polygon};
use geojson::{GeometryValue, Position};

use crate::domain::{Crs, LonLat, short_number};

/// A point geometry, as a WGS 84 position.
pub fn point(value: &GeometryValue, crs: Crs) -> Result<LonLat, String> {
    match value {
        GeometryValue::Point { coordinates } => position(coordinates, crs, "the point"),
        other => Err(format!("geometry must be a Point, found {}", type_name(other))),
    }
}

/// A Polygon or MultiPolygon, as a valid multipolygon.
pub fn polygonal(value: &GeometryValue, crs: Crs) -> Result<MultiPolygon<f64>, String> {
    let polygons = match value {
        GeometryValue::Polygon { coordinates } => vec![polygon(coordinates, crs, None)?],
        GeometryValue::MultiPolygon { coordinates } => coordinates
            .iter()
            .enumerate()
            .map(|(i, p)| polygon(p, crs, Some(i)))
            .collect::<Result<Vec<_>, _>>()?,
        other => {
            return Err(format!(
                "geometry must be a Polygon or MultiPolygon, found {}",
                type_name(other)
            ));
        }
    };
    if polygons.is_empty() {
        return Err("the MultiPolygon has no polygons".into());
    }
    let mp = MultiPolygon::new(polygons).orient(Direction::Default);
    super::validity::check(&mp).map_err(|problem| format!("invalid MultiPolygon: {problem}"))?;
    Ok(mp)
}

/// A drawn line (a planner's cut): a LineString of 2 to 10,000 positions.
pub fn line(value: &GeometryValue, crs: Crs) -> Result<LineString<f64>, String> {
    let GeometryValue::LineString { coordinates } = value else {
        return Err(format!("the line must be a LineString, found {}", type_name(value)));
    };
    if !(2..=10_000).contains(&coordinates.len()) {
        return Err(format!(
            "the line has {} positions; it needs 2 to 10000",
            coordinates.len()
        ));
    }
    coordinates
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let l = position(p, crs, &format!("position {i} of the line"))?;
            Ok(l.to_coord())
        })
        .collect::<Result<Vec<_>, String>>()
        .map(LineString::new)
}

/// A path: LineString or MultiLineString, each line of at least two distinct positions (a position
/// repeated in place is dropped). Lines may cross themselves and each other: roads do.
pub fn lines(value: &GeometryValue, crs: Crs) -> Result<MultiLineString<f64>, String> {
    let parts: Vec<(&[Position], Option<usize>)> = match value {
        GeometryValue::LineString { coordinates } => vec![(coordinates.as_slice(), None)],
        GeometryValue::MultiLineString { coordinates } => coordinates
            .iter()
            .enumerate()
            .map(|(i, l)| (l.as_slice(), Some(i)))
            .collect(),
        other => {
            return Err(format!(
                "geometry must be a LineString or MultiLineString, found {}",
                type_name(other)
            ));
        }
    };
    if parts.is_empty() {
        return Err("the MultiLineString has no lines".into());
    }
    let mut out = Vec::with_capacity(parts.len());
    for (positions, part) in parts {
        let line = match part {
            Some(i) => format!("line {i}"),
            None => "the line".to_owned(),
        };
        let mut coords: Vec<Coord<f64>> = Vec::with_capacity(positions.len());
        for (i, p) in positions.iter().enumerate() {
            let l = position(p, crs, &format!("position {i} of {line}"))?;
            let c = l.to_coord();
            if coords.last() != Some(&c) {
                coords.push(c);
            }
        }
        if coords.len() < 2 {
            return Err(format!(
                "{line} has {} distinct position(s); a line needs at least 2",
                coords.len()
            ));
        }
        out.push(LineString::new(coords));
    }
    Ok(MultiLineString::new(out))
}

/// A building: Point, Polygon or MultiPolygon.
pub fn building(value: &GeometryValue, crs: Crs) -> Result<Geometry<f64>, String> {
    match value {
        GeometryValue::Point { .. } => Ok(Geometry::Point(point(value, crs)?.to_point())),
        GeometryValue::Polygon { .. } => {
            let mut mp = polygonal(value, crs)?;
            Ok(Geometry::Polygon(mp.0.remove(0)))
        }
        GeometryValue::MultiPolygon { .. } => Ok(Geometry::MultiPolygon(polygonal(value, crs)?)),
        other => Err(format!(
            "geometry must be a Point, Polygon or MultiPolygon, found {}",
            type_name(other)
        )),
    }
}

pub fn type_name(value: &GeometryValue) -> &'static str {
    match value {
        GeometryValue::Point { .. } => "Point",
        GeometryValue::MultiPoint { .. } => "MultiPoint",
        GeometryValue::LineString { .. } => "LineString",
        GeometryValue::MultiLineString { .. } => "MultiLineString",
        GeometryValue::Polygon { .. } => "Polygon",
        GeometryValue::MultiPolygon { .. } => "MultiPolygon",
        GeometryValue::GeometryCollection { .. } => "GeometryCollection",
    }
}

fn position(p: &Position, crs: Crs, what: &str) -> Result<LonLat, String> {
    let s = p.as_slice();
    if s.len() < 2 {
        return Err(format!(
            "{what} has {} number(s); a position needs longitude and latitude",
            s.len()
        ));
    }
    crs.to_wgs84(s[0], s[1]).map_err(|e| format!("{what}: {e}"))
}

fn polygon(rings: &[Vec<Position>], crs: Crs, part: Option<usize>) -> Result<Polygon<f64>, String> {
    let where_ = |ring: usize| match (part, ring) {
        (None, 0) => "the exterior ring".to_owned(),
        (None, r) => format!("hole {r}"),
        (Some(p), 0) => format!("the exterior ring of polygon {p}"),
        (Some(p), r) => format!("hole {r} of polygon {p}"),
    };
    if rings.is_empty() {
        return Err("the polygon has no rings".into());
    }
    let mut out = Vec::with_capacity(rings.len());
    for (r, ring) in rings.iter().enumerate() {
        let ring_name = where_(r);
        if ring.len() < 4 {
            return Err(format!(
                "{ring_name} has {} positions; a ring needs at least 4 (closed)",
                ring.len()
            ));
        }
        let coords = ring
            .iter()
            .enumerate()
            .map(|(i, p)| {
                position(p, crs, &format!("position {i} of {ring_name}")).map(|ll| Coord {
                    x: ll.lon(),
                    y: ll.lat(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let (first, last) = (ring[0].as_slice(), ring[ring.len() - 1].as_slice());
        if first[..2] != last[..2] {
            return Err(format!(
                "{ring_name} is not closed: it starts at {},{} and ends at {},{}",
                short_number(first[0]),
                short_number(first[1]),
                short_number(last[0]),
                short_number(last[1])
            ));
        }
        let mut coords = coords;
        coords.dedup();
        if coords.len() < 4 {
            return Err(format!(
                "{ring_name} has {} distinct position(s); a ring needs at least 3",
                // Closed, so the last repeats the first (unless all are one).
                (coords.len() - 1).max(1)
            ));
        }
        // As written and as converted: a line drawn in GCJ-02 bends a little on its way to WGS 84,
        // into a sliver nobody meant.
        let mut given: Vec<Coord<f64>> = ring.iter().map(|p| Coord { x: p[0], y: p[1] }).collect();
        given.dedup();
        if on_one_line(&coords) || on_one_line(&given) {
            return Err(format!("{ring_name} encloses no area: its positions lie on one line"));
        }
        let ls = LineString::new(coords);
        if let Some(at) = self_intersection(&ls) {
            return Err(format!(
                "{ring_name} intersects itself near {:.7},{:.7}",
                at.x(),
                at.y()
            ));
        }
        out.push(ls);
    }
    let exterior = out.remove(0);
    Ok(Polygon::new(exterior, out))
}

/// Whether every position of a ring lies on the line through its first two (distinct) positions,
/// decided exactly: such a ring passes the pairwise edge test (all its edges are neighbours when it
/// has three) yet encloses nothing and has no winding.
fn on_one_line(ring: &[Coord<f64>]) -> bool {
    let c = |p: &Coord<f64>| robust::Coord { x: p.x, y: p.y };
    let (a, b) = (c(&ring[0]), c(&ring[1]));
    ring[2..].iter().all(|p| robust::orient2d(a, b, c(p)) == 0.0)
}

/// Where a ring crosses or touches itself (other than consecutive edges meeting), if it does.
/// An R-tree of edge boxes keeps this near O(n log n) for county-sized rings.
fn self_intersection(ring: &LineString<f64>) -> Option<Point<f64>> {
    use geo::line_intersection::{LineIntersection, line_intersection};
    use rstar::RTree;
    use rstar::primitives::{GeomWithData, Rectangle};

    let lines: Vec<geo::Line<f64>> = ring.lines().collect();
    let n = lines.len();
    let boxes: Vec<GeomWithData<Rectangle<[f64; 2]>, usize>> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| GeomWithData::new(Rectangle::from_corners([l.start.x, l.start.y], [l.end.x, l.end.y]), i))
        .collect();
    let tree = RTree::bulk_load(boxes);
    for (i, a) in lines.iter().enumerate() {
        let env = rstar::AABB::from_corners([a.start.x, a.start.y], [a.end.x, a.end.y]);
        for hit in tree.locate_in_envelope_intersecting(&env) {
            let j = hit.data;
            // Each pair once; neighbours (including last–first, which close the ring) share a vertex,
            // which is no crossing, but neighbours running back along each other (a spike, or a ring
            // folded flat with no area) overlap along a stretch, which is.
            if j <= i {
                continue;
            }
            let neighbours = j == i + 1 || (i == 0 && j == n - 1);
            match line_intersection(*a, lines[j]) {
                Some(LineIntersection::SinglePoint { intersection, .. }) if !neighbours => {
                    return Some(intersection.into());
                }
                Some(LineIntersection::Collinear { intersection })
                    if !neighbours || intersection.start != intersection.end =>
                {
                    return Some(intersection.start.into());
                }
                _ => {}
            }
        }
    }
    // Rings reach here without repeated positions; every pair of edges that meets was looked at
    // above, which is all a ring's validity depends on (its area is checked by the caller).
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(json: &str) -> GeometryValue {
        serde_json::from_str::<geojson::Geometry>(json).unwrap().value
    }

    #[test]
    fn paths_are_lines_of_two_distinct_positions_and_say_which_part_is_bad() {
        let road =
            value(r#"{"type":"LineString","coordinates":[[112.1,32.0],[112.1,32.0],[112.2,32.0],[112.1,32.1]]}"#);
        let m = lines(&road, Crs::Wgs84).unwrap();
        // The repeated position is dropped; crossing itself is allowed.
        assert_eq!(m.0.len(), 1);
        assert_eq!(m.0[0].0.len(), 3);
        let bad = value(
            r#"{"type":"MultiLineString","coordinates":[[[112.1,32.0],[112.2,32.0]],[[112.3,32.0],[112.3,32.0]]]}"#,
        );
        let e = lines(&bad, Crs::Wgs84).unwrap_err();
        assert!(e.contains("line 1") && e.contains("distinct"), "{e}");
        let swapped = value(r#"{"type":"LineString","coordinates":[[32.0,112.1],[32.0,112.2]]}"#);
        assert!(
            lines(&swapped, Crs::Wgs84)
                .unwrap_err()
                .contains("position 0 of the line")
        );
        let point = value(r#"{"type":"Point","coordinates":[112.1,32.0]}"#);
        assert!(lines(&point, Crs::Wgs84).unwrap_err().contains("found Point"));
    }

    #[test]
    fn accepts_either_winding_and_orients_rfc7946() {
        use geo::Winding;
        let cw = value(r#"{"type":"Polygon","coordinates":[[[112,31],[112,32],[113,32],[113,31],[112,31]]]}"#);
        let mp = polygonal(&cw, Crs::Wgs84).unwrap();
        assert!(mp.0[0].exterior().is_ccw());
    }

    #[test]
    fn rejects_unclosed_rings_and_says_where() {
        let v = value(r#"{"type":"Polygon","coordinates":[[[112,31],[113,31],[113,32],[112,32],[112.5,31.5]]]}"#);
        let e = polygonal(&v, Crs::Wgs84).unwrap_err();
        assert!(e.contains("not closed"), "{e}");
    }

    #[test]
    fn rejects_bow_ties_with_the_crossing_point() {
        let v = value(r#"{"type":"Polygon","coordinates":[[[112,31],[113,32],[113,31],[112,32],[112,31]]]}"#);
        let e = polygonal(&v, Crs::Wgs84).unwrap_err();
        assert!(e.contains("intersects itself near 112.5000000,31.5000000"), "{e}");
    }

    #[test]
    fn rejects_swapped_positions_naming_the_position() {
        let v = value(r#"{"type":"Polygon","coordinates":[[[112,31],[113,31],[32,113],[112,32],[112,31]]]}"#);
        let e = polygonal(&v, Crs::Wgs84).unwrap_err();
        assert!(
            e.contains("position 2 of the exterior ring") && e.contains("swapped"),
            "{e}"
        );
    }

    #[test]
    fn converts_gcj02_points() {
        let v = value(r#"{"type":"Point","coordinates":[111.936,31.598]}"#);
        let p = point(&v, Crs::Gcj02).unwrap();
        assert!(p.lon() < 111.936 && p.lat() > 31.598, "{p}");
    }

    #[test]
    fn wrong_types_are_named() {
        let v = value(r#"{"type":"LineString","coordinates":[[112,31],[113,31]]}"#);
        assert_eq!(
            point(&v, Crs::Wgs84).unwrap_err(),
            "geometry must be a Point, found LineString"
        );
    }
}
