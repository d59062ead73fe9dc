//! A polygon in Web Mercator world units, with its edges in runs so that a tile far from most of
//! a long outline (a county's, thousands of vertices) handles only the runs near it.

use geo::{BoundingRect, Coord, Intersects, Rect};

/// One polygon in world units: open rings (last point not repeated), exterior first.
pub struct Part {
    pub bbox: Rect<f64>,
    pub rings: Vec<Vec<Coord<f64>>>,
    /// Runs of up to [`CHUNK`] consecutive edges of every ring, as (box, ring, first vertex, end),
    /// so a tile can tell without walking thousands of vertices that none of a county's edges
    /// comes near it.
    chunks: Vec<(Rect<f64>, u32, u32, u32)>,
}

/// Edges per run in [`Part::chunks`].
const CHUNK: usize = 32;

impl Part {
    pub fn new(rings: Vec<Vec<Coord<f64>>>) -> Option<Self> {
        let bbox = geo::LineString::from(rings.first()?.clone()).bounding_rect()?;
        let mut chunks = Vec::new();
        for (k, ring) in rings.iter().enumerate() {
            let n = ring.len();
            for start in (0..n).step_by(CHUNK) {
                // Edges start..end, the last one closing the ring back to its first vertex.
                let end = (start + CHUNK).min(n);
                let run = ring[start..end].iter().chain(std::iter::once(&ring[end % n]));
                if let Some(b) = geo::LineString::from_iter(run.copied()).bounding_rect() {
                    chunks.push((b, k as u32, start as u32, end as u32));
                }
            }
        }
        Some(Self { bbox, rings, chunks })
    }

    /// The vertices of ring `k` that matter when clipping to `bounds`: every run of edges lying
    /// wholly beyond one side of `bounds` is cut down to its first vertex (the next run starts
    /// where it ended). Far from the tile, a county outline of thousands of vertices shrinks to a
    /// few dozen; see [`super::clip::beyond_a_side`] for why the clipped ring is the same.
    pub fn ring_near(&self, k: usize, bounds: Rect<f64>) -> impl Iterator<Item = Coord<f64>> + '_ {
        let ring = &self.rings[k];
        self.chunks
            .iter()
            .filter(move |c| c.1 as usize == k)
            .flat_map(move |&(b, _, start, end)| {
                let end = if super::clip::beyond_a_side(bounds, b) {
                    start + 1
                } else {
                    end
                };
                ring[start as usize..end as usize].iter().copied()
            })
    }

    /// Whether an edge of the part meets `r`.
    pub fn edges_meet(&self, r: Rect<f64>) -> bool {
        self.chunks.iter().any(|&(b, k, start, end)| {
            let ring = &self.rings[k as usize];
            super::clip::rects_meet(b, r)
                && (start..end).any(|i| {
                    let next = ring[(i as usize + 1) % ring.len()];
                    geo::Line::new(ring[i as usize], next).intersects(&r)
                })
        })
    }
}

#[cfg(test)]
mod tests {
    use geo::{Area, LineString, Polygon};

    use super::*;
    use crate::tiles::clip::clip_ring;

    fn clipped_area(ring: &[Coord<f64>], bounds: Rect<f64>) -> f64 {
        Polygon::new(LineString::from(clip_ring(ring, bounds)), vec![]).signed_area()
    }

    #[test]
    fn far_runs_left_out_clip_to_the_same_area() {
        // A wavy ring of 5,000 vertices around (0.5, 0.5) whose radius swings between 0.2 and 0.4:
        // runs of it pass round boxes on every side, concave and convex.
        let ring: Vec<Coord<f64>> = (0..5_000)
            .map(|i| {
                let a = f64::from(i) / 5_000.0 * std::f64::consts::TAU;
                let r = 0.3 + 0.1 * (7.0 * a).sin();
                Coord {
                    x: 0.5 + r * a.cos(),
                    y: 0.5 + r * a.sin(),
                }
            })
            .collect();
        let part = Part::new(vec![ring.clone()]).unwrap();
        let mut checked = 0;
        for i in 0..40 {
            for j in 0..40 {
                let min = Coord {
                    x: f64::from(i) / 40.0,
                    y: f64::from(j) / 40.0,
                };
                for size in [0.01, 0.05, 0.3] {
                    let bounds = Rect::new(min, min + Coord { x: size, y: size });
                    let near: Vec<Coord<f64>> = part.ring_near(0, bounds).collect();
                    assert!(near.len() <= ring.len());
                    let (full, cut) = (clipped_area(&ring, bounds), clipped_area(&near, bounds));
                    assert!((full - cut).abs() <= 1e-12, "box {bounds:?}: {full} vs {cut}");
                    checked += usize::from(near.len() < ring.len() / 4);
                }
            }
        }
        assert!(checked > 1_000, "most boxes are far from most of the ring ({checked})");
    }
}
