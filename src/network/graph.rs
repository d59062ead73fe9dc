//! The graph of a path network: nodes at every vertex and every crossing, edges weighted in metres.

use std::collections::HashMap;

use geo::line_intersection::{LineIntersection, line_intersection};
use geo::{Coord, Distance, Geodesic, Line, LineString, Point};
use rstar::primitives::GeomWithData;
use rstar::{AABB, RTree};

/// A segment in the R-tree, in local metres (see [`Frame`]), with its edge number.
pub(super) type EdgeEntry = GeomWithData<Line<f64>, u32>;

/// An edge of the graph: one straight piece of a line between two nodes.
#[derive(Debug, Clone, Copy)]
pub struct Edge {
    pub a: u32,
    pub b: u32,
    /// Geodesic length on the WGS 84 ellipsoid, metres.
    pub length_m: f64,
}

/// A path network ready for walking: nodes (WGS 84 degrees), undirected edges with geodesic lengths,
/// and an R-tree of the edges for snapping points onto it.
///
/// Lines are joined where they share a vertex (positions equal to about a centimetre, 1e-7°) and
/// where they cross: a crossing becomes a node of both lines, as a walker may turn there. (Bridges and
/// tunnels are not told apart; OSM's `layer` is not read.)
pub struct Network {
    pub(super) nodes: Vec<Coord<f64>>,
    pub(super) edges: Vec<Edge>,
    /// Adjacency in compressed rows: the neighbours of node `n` are
    /// `adjacent[offsets[n]..offsets[n + 1]]`, as `(node, edge)`.
    offsets: Vec<u32>,
    adjacent: Vec<(u32, u32)>,
    pub(super) tree: RTree<EdgeEntry>,
    pub(super) frame: Frame,
    /// Node of each rounded position (see [`key`]).
    ids: HashMap<(i64, i64), u32>,
}

/// A local equirectangular frame: degrees to approximate metres around the network's middle
/// latitude. Only used to find candidates (for snapping) by closeness; every distance reported is
/// geodesic.
#[derive(Debug, Clone, Copy)]
pub(super) struct Frame {
    kx: f64,
    ky: f64,
}

impl Frame {
    fn around(lat: f64) -> Self {
        // Metres per degree on a sphere of the WGS 84 mean radius.
        let m = 6_371_008.8_f64.to_radians();
        Self {
            kx: m * lat.to_radians().cos(),
            ky: m,
        }
    }

    pub(super) fn to_local(self, c: Coord<f64>) -> Coord<f64> {
        Coord {
            x: c.x * self.kx,
            y: c.y * self.ky,
        }
    }
}

/// Geodesic metres between two WGS 84 positions (Karney).
pub(super) fn ground_m(a: Coord<f64>, b: Coord<f64>) -> f64 {
    Geodesic.distance(Point::from(a), Point::from(b))
}

/// A position rounded to about a centimetre, to join vertices that are the same place.
fn key(c: Coord<f64>) -> (i64, i64) {
    ((c.x * 1e7).round() as i64, (c.y * 1e7).round() as i64)
}

impl Network {
    /// Builds the graph of `lines` (WGS 84 degrees, x = longitude).
    pub fn build<'a>(lines: impl IntoIterator<Item = &'a LineString<f64>>) -> Self {
        let segments: Vec<Line<f64>> = lines
            .into_iter()
            .flat_map(|l| l.lines())
            .filter(|s| key(s.start) != key(s.end))
            .collect();
        let middle = if segments.is_empty() {
            0.0
        } else {
            segments.iter().map(|s| s.start.y).sum::<f64>() / segments.len() as f64
        };
        let frame = Frame::around(middle);

        // Where each segment is cut: its ends and every point where another segment meets it.
        let mut cuts: Vec<Vec<Coord<f64>>> = segments.iter().map(|s| vec![s.start, s.end]).collect();
        let boxes: RTree<GeomWithData<Line<f64>, usize>> = RTree::bulk_load(
            segments
                .iter()
                .enumerate()
                .map(|(i, s)| GeomWithData::new(*s, i))
                .collect(),
        );
        for (i, s) in segments.iter().enumerate() {
            let envelope = AABB::from_corners(Point::from(s.start), Point::from(s.end));
            for other in boxes.locate_in_envelope_intersecting(&envelope) {
                let j = other.data;
                if j <= i {
                    continue;
                }
                match line_intersection(*s, segments[j]) {
                    Some(LineIntersection::SinglePoint { intersection, .. }) => {
                        cuts[i].push(intersection);
                        cuts[j].push(intersection);
                    }
                    Some(LineIntersection::Collinear { intersection }) => {
                        for c in [intersection.start, intersection.end] {
                            cuts[i].push(c);
                            cuts[j].push(c);
                        }
                    }
                    None => {}
                }
            }
        }

        let mut ids: HashMap<(i64, i64), u32> = HashMap::new();
        let mut nodes: Vec<Coord<f64>> = Vec::new();
        let mut node = |c: Coord<f64>| {
            *ids.entry(key(c)).or_insert_with(|| {
                nodes.push(c);
                (nodes.len() - 1) as u32
            })
        };
        let mut pairs: HashMap<(u32, u32), ()> = HashMap::new();
        let mut edges: Vec<Edge> = Vec::new();
        for (s, mut points) in segments.iter().zip(cuts) {
            let (dx, dy) = (s.end.x - s.start.x, s.end.y - s.start.y);
            let along = |c: &Coord<f64>| (c.x - s.start.x) * dx + (c.y - s.start.y) * dy;
            points.sort_by(|p, q| along(p).total_cmp(&along(q)));
            let ids: Vec<(u32, Coord<f64>)> = points.into_iter().map(|c| (node(c), c)).collect();
            for w in ids.windows(2) {
                let ((a, ca), (b, cb)) = (w[0], w[1]);
                let pair = (a.min(b), a.max(b));
                if a == b || pairs.insert(pair, ()).is_some() {
                    continue;
                }
                edges.push(Edge {
                    a,
                    b,
                    length_m: ground_m(ca, cb),
                });
            }
        }

        let mut degree = vec![0u32; nodes.len() + 1];
        for e in &edges {
            degree[e.a as usize + 1] += 1;
            degree[e.b as usize + 1] += 1;
        }
        let mut offsets = degree;
        for n in 1..offsets.len() {
            offsets[n] += offsets[n - 1];
        }
        let mut fill = offsets.clone();
        let mut adjacent = vec![(0, 0); edges.len() * 2];
        for (i, e) in edges.iter().enumerate() {
            for (from, to) in [(e.a, e.b), (e.b, e.a)] {
                adjacent[fill[from as usize] as usize] = (to, i as u32);
                fill[from as usize] += 1;
            }
        }
        let tree = RTree::bulk_load(
            edges
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let line = Line::new(frame.to_local(nodes[e.a as usize]), frame.to_local(nodes[e.b as usize]));
                    GeomWithData::new(line, i as u32)
                })
                .collect(),
        );
        Self {
            nodes,
            edges,
            offsets,
            adjacent,
            tree,
            frame,
            ids,
        }
    }

    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.edges.is_empty()
    }

    /// The position of node `n`, WGS 84 degrees.
    pub fn node(&self, n: u32) -> Coord<f64> {
        self.nodes[n as usize]
    }

    pub fn edge(&self, e: u32) -> Edge {
        self.edges[e as usize]
    }

    /// `(neighbour, edge)` of every edge at node `n`.
    pub fn neighbours(&self, n: u32) -> &[(u32, u32)] {
        let (from, to) = (self.offsets[n as usize], self.offsets[n as usize + 1]);
        &self.adjacent[from as usize..to as usize]
    }

    /// The node at position `c` (a vertex of a line, or a crossing), if there is one.
    pub fn node_at(&self, c: Coord<f64>) -> Option<u32> {
        self.ids.get(&key(c)).copied()
    }

    /// How many connected pieces the network is in (0 for an empty one).
    pub fn components(&self) -> usize {
        self.component_labels().into_iter().max().map_or(0, |m| m as usize + 1)
    }

    /// For each node, the number of the connected piece it is in (0, 1, … in order of each piece's
    /// lowest node).
    pub fn component_labels(&self) -> Vec<u32> {
        let mut label = vec![u32::MAX; self.nodes.len()];
        let mut pieces = 0;
        let mut stack = Vec::new();
        for start in 0..self.nodes.len() {
            if label[start] != u32::MAX {
                continue;
            }
            label[start] = pieces;
            stack.push(start as u32);
            while let Some(n) = stack.pop() {
                for &(m, _) in self.neighbours(n) {
                    if label[m as usize] == u32::MAX {
                        label[m as usize] = pieces;
                        stack.push(m);
                    }
                }
            }
            pieces += 1;
        }
        label
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;
    use geo::wkt;

    #[test]
    fn crossing_lines_meet_in_a_node() {
        // A plus sign: two lines crossing at (112, 32) with no shared vertex. The crossing becomes a
        // node, so 5 nodes and 4 edges; one connected piece.
        let ew: LineString<f64> = wkt!(LINESTRING(111.999 32.0,112.001 32.0));
        let ns: LineString<f64> = wkt!(LINESTRING(112.0 31.999,112.0 32.001));
        let net = Network::build([&ew, &ns]);
        assert_eq!((net.node_count(), net.edge_count()), (5, 4));
        assert_eq!(net.components(), 1);
        // Each arm is 0.001° long: along the parallel at 32°N that is 94.49 m (N cos φ Δλ, N = 6,384,138 m), along the meridian 110.88 m (M Δφ, M = 6,353,348 m).
        let mut lengths: Vec<f64> = net.edges.iter().map(|e| e.length_m).collect();
        lengths.sort_by(f64::total_cmp);
        assert_relative_eq!(lengths[0], 94.49, epsilon = 0.05);
        assert_relative_eq!(lengths[3], 110.88, epsilon = 0.05);
    }

    #[test]
    fn shared_vertices_join_and_separate_lines_stay_apart() {
        let a: LineString<f64> = wkt!(LINESTRING(112.0 32.0,112.001 32.0));
        let b: LineString<f64> = wkt!(LINESTRING(112.001 32.0,112.001 32.001));
        let far: LineString<f64> = wkt!(LINESTRING(112.01 32.0,112.011 32.0));
        let net = Network::build([&a, &b, &far]);
        assert_eq!((net.node_count(), net.edge_count()), (5, 3));
        assert_eq!(net.components(), 2);
        assert!(Network::build(std::iter::empty()).is_empty());
    }
}
