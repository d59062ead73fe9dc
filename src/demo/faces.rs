//! Faces of a planar graph of half-edges, and tracing children as unions of faces.
//!
//! Used by [`super::arrangement`]: the graph holds the parent's edges and the border pieces inside
//! it (WGS 84 degrees from the [`Topology`]). Faces are traced with the face on the left of each
//! half-edge; a face holding a seed becomes that seed's child, and seedless fragments join the
//! labelled neighbour with which they share the longest border (in metres).

use std::collections::{BTreeMap, HashMap};

use super::arrangement::Degenerate;
use super::geom::{IndexedPolygon, orient, point_in_rings, signed_area};
use super::topology::{Rings, Topology, Vid};

/// Half-edges `2k` and `2k + 1` are twins. `kind` is +1 along a parent edge (parent inside on the
/// left), −1 against it, 0 for border pieces.
#[derive(Default)]
pub struct Graph {
    verts: Vec<Vid>,
    local: HashMap<Vid, usize>,
    from: Vec<usize>,
    kind: Vec<i8>,
}

impl Graph {
    fn id(&mut self, v: Vid) -> usize {
        *self.local.entry(v).or_insert_with(|| {
            self.verts.push(v);
            self.verts.len() - 1
        })
    }

    pub fn add(&mut self, a: Vid, b: Vid, kind: i8) {
        let (a, b) = (self.id(a), self.id(b));
        self.from.extend([a, b]);
        self.kind.extend([kind, -kind]);
    }

    fn to(&self, h: usize) -> usize {
        self.from[h ^ 1]
    }

    /// For each half-edge, the next one around its face (face on the left).
    fn next_table(&self, topo: &Topology) -> Result<Vec<usize>, Degenerate> {
        let mut out: Vec<Vec<usize>> = vec![Vec::new(); self.verts.len()];
        for h in 0..self.from.len() {
            out[self.from[h]].push(h);
        }
        let mut pos = vec![0; self.from.len()];
        let mut tie = false;
        for (v, list) in out.iter_mut().enumerate() {
            let o = topo.coord(self.verts[v]);
            let dir = |h: usize| topo.coord(self.verts[self.to(h)]);
            let half = |p: [f64; 2]| u8::from(!(p[1] > o[1] || (p[1] == o[1] && p[0] > o[0])));
            list.sort_by(|&a, &b| {
                let (pa, pb) = (dir(a), dir(b));
                half(pa).cmp(&half(pb)).then_with(|| {
                    let s = orient(o, pa, pb);
                    tie |= s == 0.0 && a != b;
                    // Counter-clockwise order: pa before pb when pb lies to the left of o → pa.
                    if s > 0.0 {
                        std::cmp::Ordering::Less
                    } else if s < 0.0 {
                        std::cmp::Ordering::Greater
                    } else {
                        std::cmp::Ordering::Equal
                    }
                })
            });
            for (i, &h) in list.iter().enumerate() {
                pos[h] = i;
            }
        }
        if tie {
            return Err(Degenerate("two edges leave a vertex in the same direction"));
        }
        // Arriving along h at v, the face on the left continues with the edge just clockwise of h's twin.
        Ok((0..self.from.len())
            .map(|h| {
                let t = h ^ 1;
                let list = &out[self.from[t]];
                list[(pos[t] + list.len() - 1) % list.len()]
            })
            .collect())
    }

    /// One child per seed (in seed order), each a single outline plus holes.
    pub fn children(
        &self,
        topo: &Topology,
        seeds: &[[f64; 2]],
        poly: &IndexedPolygon,
    ) -> Result<Vec<Rings>, Degenerate> {
        let next = self.next_table(topo)?;
        let n_he = self.from.len();
        // Faces.
        let mut face = vec![usize::MAX; n_he];
        let mut cycles: Vec<Vec<[f64; 2]>> = Vec::new();
        let mut inside: Vec<bool> = Vec::new();
        for start in 0..n_he {
            if face[start] != usize::MAX {
                continue;
            }
            let (f, mut h, mut pts, mut side) = (cycles.len(), start, Vec::new(), 0i8);
            loop {
                face[h] = f;
                pts.push(topo.coord(self.verts[self.from[h]]));
                side = if self.kind[h] != 0 { self.kind[h] } else { side };
                h = next[h];
                if h == start {
                    break;
                }
                if pts.len() > n_he {
                    return Err(Degenerate("a face does not close"));
                }
            }
            cycles.push(pts);
            inside.push(side >= 0);
        }
        let area: Vec<f64> = cycles.iter().map(|c| signed_area(c)).collect();
        if area.contains(&0.0) {
            return Err(Degenerate("a face has no area"));
        }
        // The smallest positive inside face whose outline contains p.
        let containing = |p: [f64; 2], skip: usize| -> Option<usize> {
            (0..cycles.len())
                .filter(|&f| f != skip && inside[f] && area[f] > 0.0)
                .filter(|&f| point_in_rings([cycles[f].as_slice()], p) == Some(true))
                .min_by(|&a, &b| area[a].total_cmp(&area[b]))
        };
        // A negative inside cycle is the outline of a part not connected to the rest (around an
        // untouched hole, say); it belongs to the face that contains it.
        let mut rep: Vec<usize> = (0..cycles.len()).collect();
        for f in 0..cycles.len() {
            if inside[f] && area[f] < 0.0 {
                rep[f] = containing(cycles[f][0], f).ok_or(Degenerate("a loose part lies in no face"))?;
            }
        }
        let mut label: Vec<Option<usize>> = vec![None; cycles.len()];
        for (i, s) in seeds.iter().enumerate() {
            if poly.locate(*s) != Some(true) {
                return Err(Degenerate("a seed is not inside the parent"));
            }
            let f = containing(*s, usize::MAX).ok_or(Degenerate("a seed lies on a border"))?;
            if label[f].replace(i).is_some() {
                return Err(Degenerate("two seeds in one face"));
            }
        }
        // Fragments join the labelled neighbour with the longest shared border (metres).
        let mut shared: BTreeMap<(usize, usize), f64> = BTreeMap::new();
        for h in 0..n_he {
            let (f, g) = (rep[face[h]], rep[face[h ^ 1]]);
            if f != g && inside[f] && inside[g] {
                let (a, b) = (topo.coord(self.verts[self.from[h]]), topo.coord(self.verts[self.to(h)]));
                *shared.entry((f, g)).or_default() += poly.frame.dist_m(a, b);
            }
        }
        loop {
            let open: Vec<usize> = (0..cycles.len())
                .filter(|&f| rep[f] == f && inside[f] && label[f].is_none())
                .collect();
            if open.is_empty() {
                break;
            }
            let mut progress = false;
            for f in open {
                let best = shared
                    .range((f, 0)..(f + 1, 0))
                    .filter_map(|(&(_, g), &len)| label[g].map(|l| (len, l)))
                    .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
                if let Some((_, l)) = best {
                    label[f] = Some(l);
                    progress = true;
                }
            }
            if !progress {
                return Err(Degenerate("a fragment has no labelled neighbour"));
            }
        }
        let lab = |h: usize| -> Option<usize> {
            let f = rep[face[h]];
            if inside[f] { label[f] } else { None }
        };
        // Trace each child's outline: boundary half-edges have the child on the left only.
        let mut children = Vec::with_capacity(seeds.len());
        let mut done = vec![false; n_he];
        for l in 0..seeds.len() {
            let is_border = |h: usize| lab(h) == Some(l) && lab(h ^ 1) != Some(l);
            let mut rings = Rings {
                exterior: Vec::new(),
                holes: Vec::new(),
            };
            for start in (0..n_he).filter(|&h| is_border(h)) {
                if done[start] {
                    continue;
                }
                let (mut ring, mut h) = (Vec::new(), start);
                loop {
                    done[h] = true;
                    ring.push(self.verts[self.from[h]]);
                    let mut n = next[h];
                    while !is_border(n) {
                        n = next[n ^ 1];
                    }
                    h = n;
                    if h == start {
                        break;
                    }
                    if ring.len() > n_he {
                        return Err(Degenerate("a child's outline does not close"));
                    }
                }
                if signed_area(&topo.coords_of(&ring)) > 0.0 {
                    if !rings.exterior.is_empty() {
                        return Err(Degenerate("a child came out in two pieces"));
                    }
                    rings.exterior = ring;
                } else {
                    rings.holes.push(ring);
                }
            }
            if rings.exterior.is_empty() {
                return Err(Degenerate("a child has no outline"));
            }
            children.push(rings);
        }
        Ok(children)
    }
}
