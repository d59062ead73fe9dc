//! Shared vertices and edge splits: what keeps every level of the demo a clean planar partition.
//!
//! Every polygon vertex of the demo is registered once here and referred to by id, so two polygons
//! that share a border share the very same `f64` values. When a tiling adds a vertex on an edge of
//! its parent (where a new inner border meets the parent's boundary), the split is recorded, and
//! [`Topology::expand_ring`] inserts it into every ring that has that edge: the parent, the sibling
//! on the other side and its descendants alike. So neighbours never meet in a T-junction.
//!
//! Coordinates are WGS 84 degrees already rounded to 7 decimals when registered.

use std::collections::HashMap;

use super::frame::round_pt;

/// A vertex id in the [`Topology`].
pub type Vid = u32;

/// One polygon as vertex ids: an exterior ring (counter-clockwise) and holes (clockwise), each open
/// (the first vertex is not repeated at the end).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rings {
    pub exterior: Vec<Vid>,
    pub holes: Vec<Vec<Vid>>,
}

impl Rings {
    /// Exterior first, then holes.
    pub fn all(&self) -> impl Iterator<Item = &Vec<Vid>> {
        std::iter::once(&self.exterior).chain(self.holes.iter())
    }
}

/// The vertex registry and the record of edge splits.
#[derive(Debug, Default)]
pub struct Topology {
    coords: Vec<[f64; 2]>,
    by_coord: HashMap<[u64; 2], Vid>,
    /// Vertices inserted on edge `(a, b)` with `a < b`, in order from `a` to `b`.
    splits: HashMap<(Vid, Vid), Vec<Vid>>,
}

/// A point in the registry's history to roll back to when a tiling attempt is abandoned.
#[derive(Debug, Clone, Copy)]
pub struct Checkpoint(usize);

impl Checkpoint {
    /// Ids at or above this were registered after the checkpoint.
    pub fn index(self) -> usize {
        self.0
    }
}

impl Topology {
    pub fn new() -> Self {
        Self::default()
    }

    /// The id of the vertex at `p` (rounded to 7 decimals first), registering it if new.
    pub fn vertex(&mut self, p: [f64; 2]) -> Vid {
        let p = round_pt(p);
        let key = [p[0].to_bits(), p[1].to_bits()];
        if let Some(&id) = self.by_coord.get(&key) {
            return id;
        }
        let id = self.coords.len() as Vid;
        self.coords.push(p);
        self.by_coord.insert(key, id);
        id
    }

    /// Like [`Topology::vertex`] but `None` when a vertex registered before `since` is already there:
    /// a new construction point must not land on an old vertex, or the planar structure breaks.
    pub fn fresh_vertex(&mut self, p: [f64; 2], since: Checkpoint) -> Option<Vid> {
        let id = self.vertex(p);
        (id as usize >= since.0).then_some(id)
    }

    pub fn coord(&self, id: Vid) -> [f64; 2] {
        self.coords[id as usize]
    }

    pub fn coords_of(&self, ring: &[Vid]) -> Vec<[f64; 2]> {
        ring.iter().map(|&v| self.coord(v)).collect()
    }

    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint(self.coords.len())
    }

    /// Forgets every vertex registered after `cp` (splits are only recorded on success, see [`Topology::split`]).
    pub fn rollback(&mut self, cp: Checkpoint) {
        for p in self.coords.drain(cp.0..) {
            self.by_coord.remove(&[p[0].to_bits(), p[1].to_bits()]);
        }
    }

    /// Records that `inner` (in order from `a` to `b`) now lie on edge `a b`.
    ///
    /// Tilings always work on expanded rings, so an edge is split at most once; a second split of
    /// the same edge is a bug and is reported.
    pub fn split(&mut self, a: Vid, b: Vid, mut inner: Vec<Vid>) -> anyhow::Result<()> {
        if inner.is_empty() {
            return Ok(());
        }
        let key = if a < b {
            (a, b)
        } else {
            inner.reverse();
            (b, a)
        };
        anyhow::ensure!(self.splits.insert(key, inner).is_none(), "edge {a}-{b} was split twice");
        Ok(())
    }

    fn push_expanded_edge(&self, a: Vid, b: Vid, out: &mut Vec<Vid>) {
        let Some(inner) = self.splits.get(&(a.min(b), a.max(b))) else {
            return;
        };
        let ordered: Vec<Vid> = if a < b {
            inner.clone()
        } else {
            inner.iter().rev().copied().collect()
        };
        let mut prev = a;
        for v in ordered {
            self.push_expanded_edge(prev, v, out);
            out.push(v);
            prev = v;
        }
        self.push_expanded_edge(prev, b, out);
    }

    /// The ring with every vertex that was later inserted on its edges.
    pub fn expand_ring(&self, ring: &[Vid]) -> Vec<Vid> {
        let mut out = Vec::with_capacity(ring.len());
        for i in 0..ring.len() {
            out.push(ring[i]);
            self.push_expanded_edge(ring[i], ring[(i + 1) % ring.len()], &mut out);
        }
        out
    }

    /// [`Topology::expand_ring`] on every ring of a polygon.
    pub fn expand(&self, rings: &Rings) -> Rings {
        Rings {
            exterior: self.expand_ring(&rings.exterior),
            holes: rings.holes.iter().map(|h| self.expand_ring(h)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_propagate_to_both_directions_and_nest() {
        let mut t = Topology::new();
        let a = t.vertex([0.0, 0.0]);
        let b = t.vertex([1.0, 0.0]);
        let c = t.vertex([0.0, 1.0]);
        let m = t.vertex([0.5, 0.0]);
        t.split(a, b, vec![m]).unwrap();
        let q = t.vertex([0.75, 0.0]);
        t.split(m, b, vec![q]).unwrap();
        assert_eq!(t.expand_ring(&[a, b, c]), vec![a, m, q, b, c]);
        // The neighbour on the other side walks the edge the other way round.
        assert_eq!(t.expand_ring(&[b, a, c]), vec![b, q, m, a, c]);
        assert!(t.split(b, a, vec![c]).is_err());
    }

    #[test]
    fn vertices_are_rounded_deduplicated_and_rolled_back() {
        let mut t = Topology::new();
        let a = t.vertex([112.000_000_01, 32.0]);
        assert_eq!(t.vertex([112.0, 32.000_000_04]), a);
        let cp = t.checkpoint();
        assert_eq!(t.fresh_vertex([112.0, 32.0], cp), None);
        let n = t.fresh_vertex([112.5, 32.0], cp).unwrap();
        t.rollback(cp);
        assert_eq!(t.vertex([113.0, 32.0]), n, "the rolled-back id is reused");
        assert_eq!(t.coord(a), [112.0, 32.0]);
    }
}
