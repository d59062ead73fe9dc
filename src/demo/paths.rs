//! A plausible road and path network for the demo: roads along every grid's border (so along
//! community and township borders too, which grids follow), lanes joining the buildings of each
//! grid to one another and to the road around it ([`lanes`]), and straight connecting roads joining
//! pieces that would otherwise be apart (the separate districts of the demo), so that the whole
//! network is one piece.
//!
//! Deterministic like the rest of the demo: areas and buildings are visited in their (code) order,
//! metres come from [`Frame`] (no platform maths library), positions are rounded to 7 decimals
//! before anything is measured or joined.

use std::collections::HashSet;

use geo::{Coord, LineString};
use rstar::RTree;
use rstar::primitives::GeomWithData;

use super::frame::{Frame, round_pt};
use super::model::{DemoArea, DemoBuilding, Setting};
use super::people::ancestor;
use super::topology::Topology;
use crate::domain::Level;
use crate::network::Network;

/// How far a lane runs on past the road it meets (metres), so that it crosses the road and the
/// crossing becomes a junction whatever rounding does to the positions.
const OVERSHOOT_M: f64 = 1.5;

/// Most rounds of joining pieces (each round joins every piece to the largest one).
const JOIN_ROUNDS: usize = 8;

#[derive(Debug, Clone)]
pub struct DemoPath {
    pub code: String,
    pub name: Option<String>,
    pub highway: &'static str,
    pub line: Vec<[f64; 2]>,
}

/// The network for `areas` (grids' borders from `topo`) and `buildings`.
pub fn build(topo: &Topology, areas: &[DemoArea], buildings: &[DemoBuilding]) -> Vec<DemoPath> {
    let mut paths = border_roads(topo, areas);
    paths.extend(lanes(topo, areas, buildings));
    join_pieces(&mut paths);
    paths
}

/// Each grid border edge once, as runs of edges along each grid's rings.
fn border_roads(topo: &Topology, areas: &[DemoArea]) -> Vec<DemoPath> {
    let mut grids: Vec<&DemoArea> = areas.iter().filter(|a| a.level == Level::Grid).collect();
    grids.sort_by(|a, b| a.code.cmp(&b.code));
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for grid in grids {
        let highway = match grid.setting {
            Setting::Urban => "residential",
            Setting::Rural => "unclassified",
        };
        let mut n = 0;
        for part in &grid.parts {
            for ring in topo.expand(part).all() {
                let mut run: Vec<[f64; 2]> = Vec::new();
                let mut flush = |run: &mut Vec<[f64; 2]>| {
                    if run.len() >= 2 {
                        n += 1;
                        out.push(DemoPath {
                            code: format!("RD-{}-{n}", grid.code),
                            name: Some(format!("{}环路", grid.short_name)),
                            highway,
                            line: std::mem::take(run),
                        });
                    }
                    run.clear();
                };
                for i in 0..ring.len() {
                    let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
                    if seen.insert((a.min(b), a.max(b))) {
                        if run.is_empty() {
                            run.push(round_pt(topo.coord(a)));
                        }
                        run.push(round_pt(topo.coord(b)));
                    } else {
                        flush(&mut run);
                    }
                }
                flush(&mut run);
            }
        }
    }
    out
}

/// The lanes of each grid: lanes joining its buildings to one another as a village's lanes do
/// (the shortest set of straight lanes that joins them all, a Euclidean minimum spanning tree),
/// and a straight lane from a building to the nearest point of the grid's border road, and a
/// little beyond, where that road is near ([`BORDER_LANE_M`]), and on each side of the grid from
/// the building whose lane that way is shortest, so that every grid's lanes meet its roads.
///
/// Lanes from every building to the border alone would make neighbours a few metres apart walk to
/// the border and back: in the countryside, where a grid is kilometres across and its houses sit
/// together in the middle, that is kilometres.
fn lanes(topo: &Topology, areas: &[DemoArea], buildings: &[DemoBuilding]) -> Vec<DemoPath> {
    let mut by_grid: std::collections::BTreeMap<usize, Vec<&DemoBuilding>> = Default::default();
    for b in buildings {
        if let Some(grid) = ancestor(areas, b.leaf, Level::Grid) {
            by_grid.entry(grid).or_default().push(b);
        }
    }
    let mut out = Vec::new();
    for (grid, members) in by_grid {
        let border: Vec<Vec<[f64; 2]>> = areas[grid]
            .parts
            .iter()
            .flat_map(|part| topo.expand(part).all().map(|r| topo.coords_of(r)).collect::<Vec<_>>())
            .collect();
        let code = &areas[grid].code;
        for (n, (a, b)) in spanning_tree(&members).into_iter().enumerate() {
            out.push(DemoPath {
                code: format!("LN-{code}-{}", n + 1),
                name: None,
                highway: "footway",
                line: vec![round_pt(members[a].centre), round_pt(members[b].centre)],
            });
        }
        let feet: Vec<Option<([f64; 2], f64)>> = members.iter().map(|b| foot_on(&border, b.centre)).collect();
        // The shortest lane heading each way (north, east, south, west) leaves the grid on that
        // side, so a walk to the next grid need not go round by one far exit.
        let mut exits: [Option<usize>; 4] = [None; 4];
        for (i, b) in members.iter().enumerate() {
            let Some((past, d)) = feet[i] else { continue };
            let (dx, dy) = (
                (past[0] - b.centre[0]) * b.centre[1].to_radians().cos(),
                past[1] - b.centre[1],
            );
            let side = if dy.abs() >= dx.abs() {
                if dy >= 0.0 { 0 } else { 2 }
            } else if dx >= 0.0 {
                1
            } else {
                3
            };
            if exits[side].is_none_or(|e| feet[e].is_some_and(|(_, de)| d < de)) {
                exits[side] = Some(i);
            }
        }
        for (i, b) in members.iter().enumerate() {
            let Some((past, d)) = feet[i] else { continue };
            if d < 0.5 || (d > BORDER_LANE_M && !exits.contains(&Some(i))) {
                continue;
            }
            out.push(DemoPath {
                code: format!("LN-{}", b.code),
                name: None,
                highway: "footway",
                line: vec![round_pt(b.centre), round_pt(past)],
            });
        }
    }
    out
}

/// Buildings nearer their grid's border road than this, metres, have a lane straight to it.
const BORDER_LANE_M: f64 = 250.0;

/// The point a little past the nearest point of `border` (rings of WGS 84 positions) from `centre`
/// ([`OVERSHOOT_M`] beyond, so the lane crosses the road), and the distance to it, metres.
fn foot_on(border: &[Vec<[f64; 2]>], centre: [f64; 2]) -> Option<([f64; 2], f64)> {
    let frame = Frame::at(centre[0], centre[1]);
    let c = frame.to_m(centre);
    let mut best: Option<([f64; 2], f64)> = None;
    for ring in border {
        for i in 0..ring.len() {
            let (p, q) = (frame.to_m(ring[i]), frame.to_m(ring[(i + 1) % ring.len()]));
            let (dx, dy) = (q[0] - p[0], q[1] - p[1]);
            let len2 = dx * dx + dy * dy;
            let t = if len2 > 0.0 {
                (((c[0] - p[0]) * dx + (c[1] - p[1]) * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let foot = [p[0] + t * dx, p[1] + t * dy];
            let d = ((foot[0] - c[0]).powi(2) + (foot[1] - c[1]).powi(2)).sqrt();
            if best.is_none_or(|(_, bd)| d < bd) {
                best = Some((foot, d));
            }
        }
    }
    let (foot, d) = best?;
    if d == 0.0 {
        return Some((frame.to_deg(foot), d));
    }
    let past = [
        foot[0] + (foot[0] - c[0]) / d * OVERSHOOT_M,
        foot[1] + (foot[1] - c[1]) / d * OVERSHOOT_M,
    ];
    Some((frame.to_deg(past), d))
}

/// The edges (pairs of positions in `members`) of a minimum spanning tree of the buildings'
/// centres by straight-line metres (Prim's algorithm, O(n²): a grid has at most a few hundred
/// buildings). Ties go to the lower position, so the tree is the same on every machine.
fn spanning_tree(members: &[&DemoBuilding]) -> Vec<(usize, usize)> {
    let n = members.len();
    if n < 2 {
        return Vec::new();
    }
    let frame = Frame::at(members[0].centre[0], members[0].centre[1]);
    let at: Vec<[f64; 2]> = members.iter().map(|b| frame.to_m(b.centre)).collect();
    let dist = |i: usize, j: usize| ((at[i][0] - at[j][0]).powi(2) + (at[i][1] - at[j][1]).powi(2)).sqrt();
    let mut in_tree = vec![false; n];
    // For each building outside the tree: its distance to the tree and the member it is nearest.
    let mut best: Vec<(f64, usize)> = (0..n).map(|j| (dist(0, j), 0)).collect();
    in_tree[0] = true;
    let mut edges = Vec::with_capacity(n - 1);
    for _ in 1..n {
        let next = (0..n)
            .filter(|&j| !in_tree[j])
            .min_by(|&i, &j| best[i].0.total_cmp(&best[j].0).then(i.cmp(&j)));
        let Some(j) = next else { break };
        in_tree[j] = true;
        edges.push((best[j].1, j));
        for k in 0..n {
            if !in_tree[k] {
                let d = dist(j, k);
                if d < best[k].0 {
                    best[k] = (d, j);
                }
            }
        }
    }
    edges
}

fn network(paths: &[DemoPath]) -> Network {
    let lines: Vec<LineString<f64>> = paths.iter().map(|p| line(&p.line)).collect();
    Network::build(lines.iter())
}

fn line(points: &[[f64; 2]]) -> LineString<f64> {
    LineString::new(points.iter().map(|p| Coord { x: p[0], y: p[1] }).collect())
}

/// Joins every piece of the network to the largest one by a straight road between their closest
/// vertices, until it is one piece.
fn join_pieces(paths: &mut Vec<DemoPath>) {
    for round in 0..JOIN_ROUNDS {
        let net = network(paths);
        let labels = net.component_labels();
        let piece_of = |p: &DemoPath| {
            let c = Coord {
                x: p.line[0][0],
                y: p.line[0][1],
            };
            net.node_at(c).map(|n| labels[n as usize])
        };
        let pieces: Vec<Option<u32>> = paths.iter().map(piece_of).collect();
        let mut sizes: std::collections::BTreeMap<u32, usize> = Default::default();
        for p in pieces.iter().flatten() {
            *sizes.entry(*p).or_default() += 1;
        }
        if sizes.len() <= 1 {
            return;
        }
        // The largest piece (the lowest label among equals).
        let main = sizes
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(k, _)| *k)
            .unwrap_or_default();
        let main_vertices: Vec<[f64; 2]> = paths
            .iter()
            .zip(&pieces)
            .filter(|(_, p)| **p == Some(main))
            .flat_map(|(path, _)| path.line.iter().copied())
            .collect();
        let frame = Frame::at(main_vertices[0][0], main_vertices[0][1]);
        let tree: RTree<GeomWithData<[f64; 2], usize>> = RTree::bulk_load(
            main_vertices
                .iter()
                .enumerate()
                .map(|(i, v)| GeomWithData::new(frame.to_m(*v), i))
                .collect(),
        );
        let mut joins = Vec::new();
        for (&piece, _) in sizes.iter().filter(|(k, _)| **k != main) {
            let mut best: Option<([f64; 2], [f64; 2], f64)> = None;
            for (path, _) in paths.iter().zip(&pieces).filter(|(_, p)| **p == Some(piece)) {
                for &v in &path.line {
                    let Some(m) = tree.nearest_neighbor(&frame.to_m(v)) else {
                        continue;
                    };
                    let m = main_vertices[m.data];
                    let d = frame.dist_m(v, m);
                    if best.is_none_or(|(_, _, bd)| d < bd) {
                        best = Some((v, m, d));
                    }
                }
            }
            if let Some((from, to, _)) = best {
                joins.push(DemoPath {
                    code: format!("RD-LINK-{round}-{piece}"),
                    name: Some("连接公路".to_owned()),
                    highway: "secondary",
                    line: vec![from, to],
                });
            }
        }
        paths.extend(joins);
    }
}
