//! Dijkstra over the network: from one point to the nearest of many, and from many to everywhere
//! within a bound.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use super::graph::{Network, ground_m};
use super::snap::Snap;

/// A heap entry, smallest distance first.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Visit {
    metres: f64,
    node: u32,
}

impl Eq for Visit {}

impl Ord for Visit {
    fn cmp(&self, other: &Self) -> Ordering {
        other.metres.total_cmp(&self.metres).then(other.node.cmp(&self.node))
    }
}

impl PartialOrd for Visit {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The two ways from a snapped point onto the graph: `(node, metres)` to each end of its edge,
/// the walk from the door included.
fn ends(net: &Network, s: &Snap) -> [(u32, f64); 2] {
    let e = net.edge(s.edge);
    [(e.a, s.access_m + s.from_a_m), (e.b, s.access_m + s.to_b_m)]
}

/// Walking metres between two points on the same edge without leaving it.
fn along(s: &Snap, t: &Snap) -> Option<f64> {
    (s.edge == t.edge).then(|| s.access_m + ground_m(s.at, t.at) + t.access_m)
}

/// Shortest walks from a set of sources (stations) to every node within `bound_m` metres.
#[derive(Debug, Clone)]
pub struct Reach {
    metres: HashMap<u32, f64>,
    sources: HashMap<u32, Vec<Snap>>,
    bound_m: f64,
}

impl Reach {
    /// Multi-source Dijkstra from every snapped source, going no farther than `bound_m` metres.
    pub fn from_sources(net: &Network, sources: &[Snap], bound_m: f64) -> Self {
        let mut metres: HashMap<u32, f64> = HashMap::new();
        let mut heap = BinaryHeap::new();
        let mut by_edge: HashMap<u32, Vec<Snap>> = HashMap::new();
        for s in sources {
            by_edge.entry(s.edge).or_default().push(*s);
            for (node, m) in ends(net, s) {
                if m <= bound_m && metres.get(&node).is_none_or(|&old| m < old) {
                    metres.insert(node, m);
                    heap.push(Visit { metres: m, node });
                }
            }
        }
        while let Some(Visit { metres: m, node }) = heap.pop() {
            if metres.get(&node).is_some_and(|&best| m > best) {
                continue;
            }
            for &(next, edge) in net.neighbours(node) {
                let to = m + net.edge(edge).length_m;
                if to <= bound_m && metres.get(&next).is_none_or(|&old| to < old) {
                    metres.insert(next, to);
                    heap.push(Visit { metres: to, node: next });
                }
            }
        }
        Self {
            metres,
            sources: by_edge,
            bound_m,
        }
    }

    /// Walking metres from the nearest source to the snapped point `t`, if within the bound.
    pub fn to(&self, net: &Network, t: &Snap) -> Option<f64> {
        let via_nodes = ends(net, t)
            .into_iter()
            .filter_map(|(node, m)| self.metres.get(&node).map(|d| d + m));
        let same_edge = self
            .sources
            .get(&t.edge)
            .into_iter()
            .flatten()
            .filter_map(|s| along(s, t));
        via_nodes
            .chain(same_edge)
            .min_by(f64::total_cmp)
            .filter(|&m| m <= self.bound_m)
    }
}

impl Reach {
    /// The stretches of path within the bound of a source, as straight lines in WGS 84 degrees
    /// (x = longitude): what a walker from the sources reaches, for drawing. An edge reached from
    /// both ends far enough to meet is whole; otherwise the part from each reached end as far as
    /// the metres left, and around a source on it as far as its metres left. Positions along an
    /// edge are interpolated linearly in degrees (edges are straight pieces of a few tens of metres).
    pub fn segments(&self, net: &Network) -> Vec<geo::Line<f64>> {
        self.segments_within(net, self.bound_m)
    }

    /// [`Self::segments`] as far as `within_m` metres (at most the bound the walks were measured to).
    pub fn segments_within(&self, net: &Network, within_m: f64) -> Vec<geo::Line<f64>> {
        let bound_m = within_m.min(self.bound_m);
        let mut edges: Vec<u32> = self
            .metres
            .iter()
            .filter(|&(_, &m)| m <= bound_m)
            .flat_map(|(&n, _)| net.neighbours(n).iter().map(|&(_, e)| e))
            .chain(self.sources.keys().copied())
            .collect();
        edges.sort_unstable();
        edges.dedup();
        let mut out = Vec::new();
        for e in edges {
            let edge = net.edge(e);
            let length = edge.length_m;
            let left = |n: u32| self.metres.get(&n).map(|m| bound_m - m).filter(|&r| r >= 0.0);
            // Reached stretches of the edge, as metres from its end `a`.
            let mut spans: Vec<(f64, f64)> = Vec::new();
            if let Some(r) = left(edge.a) {
                spans.push((0.0, r.min(length)));
            }
            if let Some(r) = left(edge.b) {
                spans.push(((length - r).max(0.0), length));
            }
            for s in self.sources.get(&e).into_iter().flatten() {
                let r = bound_m - s.access_m;
                if r >= 0.0 {
                    spans.push(((s.from_a_m - r).max(0.0), (s.from_a_m + r).min(length)));
                }
            }
            spans.sort_by(|x, y| x.0.total_cmp(&y.0));
            let mut merged: Vec<(f64, f64)> = Vec::new();
            for (from, to) in spans {
                match merged.last_mut() {
                    Some(last) if from <= last.1 => last.1 = last.1.max(to),
                    _ => merged.push((from, to)),
                }
            }
            let (a, b) = (net.node(edge.a), net.node(edge.b));
            let at = |m: f64| {
                let t = if length > 0.0 { m / length } else { 0.0 };
                geo::Coord {
                    x: a.x + (b.x - a.x) * t,
                    y: a.y + (b.y - a.y) * t,
                }
            };
            out.extend(
                merged
                    .into_iter()
                    .filter(|(from, to)| to > from)
                    .map(|(from, to)| geo::Line::new(at(from), at(to))),
            );
        }
        out
    }
}

/// The `k` targets nearest to `from` by walking, within `bound_m` metres, as `(target index,
/// metres)` ascending. Targets the network does not connect to `from` are left out.
pub fn nearest_targets(net: &Network, from: &Snap, targets: &[Snap], k: usize, bound_m: f64) -> Vec<(usize, f64)> {
    // Where each target can be reached from: the ends of its edge.
    let mut at_node: HashMap<u32, Vec<(usize, f64)>> = HashMap::new();
    let mut best: HashMap<usize, f64> = HashMap::new();
    for (i, t) in targets.iter().enumerate() {
        for (node, m) in ends(net, t) {
            at_node.entry(node).or_default().push((i, m));
        }
        if let Some(m) = along(from, t) {
            best.insert(i, m);
        }
    }
    let kth = |best: &HashMap<usize, f64>| {
        if best.len() < k {
            return f64::INFINITY;
        }
        let mut v: Vec<f64> = best.values().copied().collect();
        v.sort_by(f64::total_cmp);
        v[k - 1]
    };
    let mut metres: HashMap<u32, f64> = HashMap::new();
    let mut heap = BinaryHeap::new();
    for (node, m) in ends(net, from) {
        if metres.get(&node).is_none_or(|&old| m < old) {
            metres.insert(node, m);
            heap.push(Visit { metres: m, node });
        }
    }
    let mut cutoff = kth(&best);
    while let Some(Visit { metres: m, node }) = heap.pop() {
        // Every target still to be found is at least `m` away.
        if m > bound_m || m >= cutoff {
            break;
        }
        if metres.get(&node).is_some_and(|&d| m > d) {
            continue;
        }
        if let Some(found) = at_node.get(&node) {
            for &(i, extra) in found {
                let total = m + extra;
                if best.get(&i).is_none_or(|&old| total < old) {
                    best.insert(i, total);
                }
            }
            cutoff = kth(&best);
        }
        for &(next, edge) in net.neighbours(node) {
            let to = m + net.edge(edge).length_m;
            if metres.get(&next).is_none_or(|&old| to < old) {
                metres.insert(next, to);
                heap.push(Visit { metres: to, node: next });
            }
        }
    }
    let mut out: Vec<(usize, f64)> = best.into_iter().filter(|&(_, m)| m <= bound_m).collect();
    out.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    out.truncate(k);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;
    use geo::{Coord, LineString, wkt};

    fn c(x: f64, y: f64) -> Coord<f64> {
        Coord { x, y }
    }

    /// A U-shaped lane: west leg up 112°E from 32.000 to 32.001°N, a top along 32.001°N to
    /// 112.001°E, and an east leg back down to 32.000°N. Meridian legs are 0.001° of latitude at
    /// 32°N, 110.885 m each; the top is 0.001° of longitude along 32.001°N, 94.490 m (the prime
    /// vertical radius N = 6,384,138 m times cos 32.001° = 5,414,044 m per radian).
    fn u_lane() -> Network {
        let u: LineString<f64> = wkt!(LINESTRING(112.0 32.0,112.0 32.001,112.001 32.001,112.001 32.0));
        Network::build([&u])
    }

    #[test]
    fn the_walk_goes_round_while_the_crow_flies_across() {
        let net = u_lane();
        // Two doors at the feet of the U, on the legs' bottom ends: 94.49 m apart as the crow flies
        // (along 32°N), but the walk goes up, across and down: 110.885 + 94.490 + 110.885 = 316.26 m.
        let station = net.snap(c(112.0, 32.0)).unwrap();
        let home = net.snap(c(112.001, 32.0)).unwrap();
        let reach = Reach::from_sources(&net, &[station], 1_000.0);
        assert_relative_eq!(reach.to(&net, &home).unwrap(), 316.26, epsilon = 0.05);
        let found = nearest_targets(&net, &home, &[station], 5, 1_000.0);
        assert_eq!(found.len(), 1);
        assert_relative_eq!(found[0].1, 316.26, epsilon = 0.05);
        // Bounded below that, nobody is reached.
        assert!(Reach::from_sources(&net, &[station], 300.0).to(&net, &home).is_none());
        assert!(nearest_targets(&net, &home, &[station], 5, 300.0).is_empty());
    }

    #[test]
    fn doors_off_the_lane_walk_to_it_first() {
        let net = u_lane();
        // A station 0.0001° west of the west leg at 32.0005°N (9.449 m off the lane, joining it
        // halfway up: 55.44 m from either end) and a home on the same leg at 32.0002°N, on the
        // lane: they share an edge, so the walk stays on it: 9.449 + 0.0003° of meridian (33.27 m).
        let station = net.snap(c(111.9999, 32.0005)).unwrap();
        let home = net.snap(c(112.0, 32.0002)).unwrap();
        assert_relative_eq!(station.access_m, 9.449, epsilon = 0.01);
        let reach = Reach::from_sources(&net, &[station], 1_000.0);
        assert_relative_eq!(reach.to(&net, &home).unwrap(), 42.71, epsilon = 0.02);
        // The home on the far leg at 32.0005°N: 9.449 + 55.44 up + 94.49 across + 55.44 down.
        let far = net.snap(c(112.001, 32.0005)).unwrap();
        assert_relative_eq!(reach.to(&net, &far).unwrap(), 214.82, epsilon = 0.05);
    }

    #[test]
    fn the_reached_stretches_end_where_the_metres_run_out() {
        let net = u_lane();
        // From the foot of the west leg with 200 m: the whole west leg (110.885 m) and 89.115 m of
        // the top's 94.490 m, so the top's stretch ends 5.375 m short of its east end; the east leg
        // is not reached.
        let station = net.snap(c(112.0, 32.0)).unwrap();
        let reach = Reach::from_sources(&net, &[station], 200.0);
        let mut lines = reach.segments(&net);
        lines.sort_by(|x, y| x.start.y.total_cmp(&y.start.y));
        let walked: f64 = lines.iter().map(|l| ground_m(l.start, l.end)).sum();
        assert_relative_eq!(walked, 200.0, epsilon = 0.05);
        assert_eq!(lines.len(), 2, "{lines:?}");
        let top = lines.iter().find(|l| l.start.y == 32.001 && l.end.y == 32.001).unwrap();
        assert_relative_eq!(ground_m(top.start, top.end), 89.115, epsilon = 0.05);
        // A source halfway up a leg with 30 m reaches 30 m on either side of where it joins, less
        // its walk from the door (9.449 m).
        let off = net.snap(c(111.9999, 32.0005)).unwrap();
        let lines = Reach::from_sources(&net, &[off], 30.0).segments(&net);
        assert_eq!(lines.len(), 1);
        assert_relative_eq!(
            ground_m(lines[0].start, lines[0].end),
            2.0 * (30.0 - 9.449),
            epsilon = 0.02
        );
        // Walks measured farther and drawn as far as 200 m: the same stretches.
        let far = Reach::from_sources(&net, &[station], 1_000.0);
        let walked: f64 = far
            .segments_within(&net, 200.0)
            .iter()
            .map(|l| ground_m(l.start, l.end))
            .sum();
        assert_relative_eq!(walked, 200.0, epsilon = 0.05);
        // Enough metres to go round from both ends: every edge whole.
        let all = far.segments(&net);
        let walked: f64 = all.iter().map(|l| ground_m(l.start, l.end)).sum();
        assert_relative_eq!(walked, 316.26, epsilon = 0.05);
    }

    #[test]
    fn nearest_targets_are_ranked_by_walk_not_by_crow() {
        let net = u_lane();
        let home = net.snap(c(112.001, 32.0)).unwrap();
        // Target 0 is across the U's mouth (94 m by air, 316 m on foot); target 1 is up the home's
        // own leg at 32.0008°N (88.7 m by air and on foot).
        let across = net.snap(c(112.0, 32.0)).unwrap();
        let up = net.snap(c(112.001, 32.0008)).unwrap();
        let found = nearest_targets(&net, &home, &[across, up], 2, 10_000.0);
        assert_eq!(found.iter().map(|f| f.0).collect::<Vec<_>>(), [1, 0]);
        assert_relative_eq!(found[0].1, 88.71, epsilon = 0.02);
        // k = 1 stops at the first.
        assert_eq!(nearest_targets(&net, &home, &[across, up], 1, 10_000.0).len(), 1);
    }
}
