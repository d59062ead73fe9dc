//! Snapping a point onto the network: the nearest point on any edge, and the straight walk to it.

use geo::{Coord, Point};
use rstar::PointDistance;

use super::graph::{Network, ground_m};

/// Where a point joins the network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snap {
    /// The edge it joins.
    pub edge: u32,
    /// Metres along the edge from its node `a` to the joining point, and on from there to node `b`.
    pub from_a_m: f64,
    pub to_b_m: f64,
    /// Geodesic metres from the point itself to where it joins (the walk from the door).
    pub access_m: f64,
    /// Where it joins, WGS 84 degrees.
    pub at: Coord<f64>,
}

/// Candidates whose local-frame distance is within this factor (plus [`SLACK_M`]) of the closest
/// one are measured geodesically: the frame is a few per mille off over a county.
const FACTOR: f64 = 1.02;
const SLACK_M: f64 = 2.0;

impl Network {
    /// The nearest point on the network to `p` (WGS 84 degrees), or `None` for an empty network.
    pub fn snap(&self, p: Coord<f64>) -> Option<Snap> {
        let local = self.frame.to_local(p);
        let query = Point::from(local);
        let mut best: Option<Snap> = None;
        let mut limit = f64::INFINITY;
        for entry in self.tree.nearest_neighbor_iter(&query) {
            let d2 = entry.geom().distance_2(&query);
            if d2 > limit * limit {
                break;
            }
            if limit.is_infinite() {
                limit = d2.sqrt() * FACTOR + SLACK_M;
            }
            let line = entry.geom();
            let (dx, dy) = (line.end.x - line.start.x, line.end.y - line.start.y);
            let len2 = dx * dx + dy * dy;
            let t = if len2 > 0.0 {
                (((local.x - line.start.x) * dx + (local.y - line.start.y) * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let e = self.edge(entry.data);
            let (a, b) = (self.node(e.a), self.node(e.b));
            // The frame is linear in degrees, so the same fraction along the edge in degrees.
            let foot = Coord {
                x: a.x + t * (b.x - a.x),
                y: a.y + t * (b.y - a.y),
            };
            let access_m = ground_m(p, foot);
            if best.is_none_or(|s| access_m < s.access_m) {
                best = Some(Snap {
                    edge: entry.data,
                    from_a_m: ground_m(a, foot),
                    to_b_m: ground_m(foot, b),
                    access_m,
                    at: foot,
                });
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;
    use geo::{LineString, wkt};

    #[test]
    fn a_point_beside_a_road_joins_it_at_its_foot() {
        // A north–south road along 112°E. A door 0.0005° east of it at 32.0003°N joins it at
        // (112, 32.0003): 0.0003° of meridian above the start (~33.27 m) and 0.0005° of parallel
        // away (~47.25 m; both from the ellipsoid's radii of curvature at 32°N).
        let road: LineString<f64> = wkt!(LINESTRING(112.0 32.0,112.0 32.001));
        let net = Network::build([&road]);
        let s = net
            .snap(Coord {
                x: 112.0005,
                y: 32.0003,
            })
            .unwrap();
        assert_relative_eq!(s.from_a_m, 33.27, epsilon = 0.02);
        assert_relative_eq!(s.from_a_m + s.to_b_m, net.edge(s.edge).length_m, epsilon = 1e-6);
        assert_relative_eq!(s.access_m, 47.25, epsilon = 0.02);
        // Past the end, it joins at the end node.
        let s = net.snap(Coord { x: 112.0, y: 32.002 }).unwrap();
        assert_relative_eq!(s.to_b_m.min(s.from_a_m), 0.0, epsilon = 1e-9);
    }
}
