//! Planar helpers on WGS 84 longitude/latitude degrees: exact orientation and point-in-polygon
//! tests, ring areas, and a polygon with a latitude-band index for fast containment and clearance
//! (distance to the boundary, in metres) queries.
//!
//! Topological decisions (which side, inside or not) use Shewchuk's exact `orient2d`, so they are
//! the same on every machine; only distances go through the metric [`Frame`].

use super::frame::Frame;

/// Sign of the turn `a → b → c`: > 0 counter-clockwise, < 0 clockwise, 0 collinear (exact).
pub fn orient(a: [f64; 2], b: [f64; 2], c: [f64; 2]) -> f64 {
    let k = |p: [f64; 2]| robust::Coord { x: p[0], y: p[1] };
    robust::orient2d(k(a), k(b), k(c))
}

/// Signed area of an open ring (no repeated closing point) in square degrees; > 0 when counter-clockwise.
/// Coordinates are taken relative to the first vertex to keep the shoelace sum precise.
pub fn signed_area(ring: &[[f64; 2]]) -> f64 {
    let Some(o) = ring.first() else { return 0.0 };
    let mut s = 0.0;
    for i in 0..ring.len() {
        let a = ring[i];
        let b = ring[(i + 1) % ring.len()];
        s += (a[0] - o[0]) * (b[1] - o[1]) - (b[0] - o[0]) * (a[1] - o[1]);
    }
    s / 2.0
}

/// Whether edge `a → b` crosses the ray from `p` towards +x; `None` when `p` lies on the edge.
fn ray_crossing(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> Option<bool> {
    if (a[1] > p[1]) != (b[1] > p[1]) {
        let o = orient(a, b, p);
        if o == 0.0 {
            return None;
        }
        // Upward edge: crossing when p is to its left; downward edge: when p is to its right.
        return Some((o > 0.0) == (b[1] > a[1]));
    }
    if a[1] == p[1] && b[1] == p[1] && (a[0].min(b[0])..=a[0].max(b[0])).contains(&p[0]) {
        return None;
    }
    if a == p {
        return None;
    }
    Some(false)
}

/// Exact point-in-polygon over open rings (exterior and holes alike, even–odd rule):
/// `Some(true)` inside, `Some(false)` outside, `None` exactly on a boundary.
pub fn point_in_rings<'a>(rings: impl IntoIterator<Item = &'a [[f64; 2]]>, p: [f64; 2]) -> Option<bool> {
    let mut inside = false;
    for ring in rings {
        for i in 0..ring.len() {
            if ray_crossing(p, ring[i], ring[(i + 1) % ring.len()])? {
                inside = !inside;
            }
        }
    }
    Some(inside)
}

/// Distance in metres from `p` to segment `a b`, all three given in metres.
pub fn seg_dist(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (ex, ey) = (a[0] + t * dx - p[0], a[1] + t * dy - p[1]);
    (ex * ex + ey * ey).sqrt()
}

/// `[west, south, east, north]` of some points, in degrees.
pub fn bbox<'a>(points: impl IntoIterator<Item = &'a [f64; 2]>) -> [f64; 4] {
    let mut b = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    for p in points {
        b = [b[0].min(p[0]), b[1].min(p[1]), b[2].max(p[0]), b[3].max(p[1])];
    }
    b
}

/// A polygon (exterior and holes as open rings, degrees) with its edges bucketed by latitude band.
#[derive(Debug, Clone)]
pub struct IndexedPolygon {
    pub rings: Vec<Vec<[f64; 2]>>,
    pub bbox: [f64; 4],
    pub frame: Frame,
    edges: Vec<[[f64; 2]; 2]>,
    band_h: f64,
    bands: Vec<Vec<u32>>,
}

impl IndexedPolygon {
    /// Indexes `rings` (the first is the exterior). The metric frame is centred on the bounding box.
    pub fn new(rings: Vec<Vec<[f64; 2]>>) -> Self {
        let bbox = bbox(rings.iter().flatten());
        let edges: Vec<[[f64; 2]; 2]> = rings
            .iter()
            .flat_map(|r| (0..r.len()).map(move |i| [r[i], r[(i + 1) % r.len()]]))
            .collect();
        let n_bands = ((edges.len() as f64).sqrt() as usize * 2).clamp(1, 256);
        let band_h = ((bbox[3] - bbox[1]) / n_bands as f64).max(1e-12);
        let mut bands = vec![Vec::new(); n_bands];
        for (i, e) in edges.iter().enumerate() {
            let lo = ((e[0][1].min(e[1][1]) - bbox[1]) / band_h) as usize;
            let hi = ((e[0][1].max(e[1][1]) - bbox[1]) / band_h) as usize;
            for band in &mut bands[lo.min(n_bands - 1)..=hi.min(n_bands - 1)] {
                band.push(i as u32);
            }
        }
        Self {
            frame: Frame::for_bbox(bbox),
            rings,
            bbox,
            edges,
            band_h,
            bands,
        }
    }

    fn band_of(&self, lat: f64) -> usize {
        (((lat - self.bbox[1]) / self.band_h).max(0.0) as usize).min(self.bands.len() - 1)
    }

    /// Exact location: `Some(true)` inside, `Some(false)` outside, `None` on the boundary.
    pub fn locate(&self, p: [f64; 2]) -> Option<bool> {
        if p[0] < self.bbox[0] || p[0] > self.bbox[2] || p[1] < self.bbox[1] || p[1] > self.bbox[3] {
            return Some(false);
        }
        let mut inside = false;
        for &i in &self.bands[self.band_of(p[1])] {
            let [a, b] = self.edges[i as usize];
            if ray_crossing(p, a, b)? {
                inside = !inside;
            }
        }
        Some(inside)
    }

    /// Strictly inside (a point on the boundary counts as outside).
    pub fn contains(&self, p: [f64; 2]) -> bool {
        self.locate(p) == Some(true)
    }

    /// Indices (ring by ring, edge `i` runs from vertex `i` to `i + 1`) of the edges whose bounding
    /// boxes meet the box `b = [w, s, e, n]`, sorted and without duplicates.
    pub fn edges_in_bbox(&self, b: [f64; 4], out: &mut Vec<u32>) {
        out.clear();
        if b[0] > self.bbox[2] || b[2] < self.bbox[0] || b[1] > self.bbox[3] || b[3] < self.bbox[1] {
            return;
        }
        for band in &self.bands[self.band_of(b[1])..=self.band_of(b[3])] {
            for &i in band {
                let [p, q] = self.edges[i as usize];
                if p[0].min(q[0]) <= b[2] && p[0].max(q[0]) >= b[0] && p[1].min(q[1]) <= b[3] && p[1].max(q[1]) >= b[1]
                {
                    out.push(i);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
    }

    /// Distance in metres from `p` to the nearest boundary edge, or `limit_m` if none is nearer.
    pub fn clearance_m(&self, p: [f64; 2], limit_m: f64) -> f64 {
        let f = &self.frame;
        let dlat = limit_m / f.ky;
        let (lo, hi) = (self.band_of(p[1] - dlat), self.band_of(p[1] + dlat));
        let pm = f.to_m(p);
        let mut best = limit_m;
        let seen_in_lower_band = |i: u32, band: usize| {
            // An edge spanning several bands is listed in each; measure it in its lowest listed band only.
            band > lo && self.bands[band - 1].binary_search(&i).is_ok()
        };
        for band in lo..=hi {
            for &i in &self.bands[band] {
                if seen_in_lower_band(i, band) {
                    continue;
                }
                let [a, b] = self.edges[i as usize];
                best = best.min(seg_dist(pm, f.to_m(a), f.to_m(b)));
            }
        }
        best
    }

    /// A uniformly random point strictly inside (rejection sampling in the bounding box).
    pub fn sample(&self, rng: &mut super::rng::Rng) -> [f64; 2] {
        loop {
            let p = [
                rng.range(self.bbox[0], self.bbox[2]),
                rng.range(self.bbox[1], self.bbox[3]),
            ];
            if self.contains(p) {
                return p;
            }
        }
    }

    /// Area in square metres (holes subtracted), through the metric frame.
    pub fn area_m2(&self) -> f64 {
        let f = &self.frame;
        self.rings
            .iter()
            .map(|r| signed_area(&r.iter().map(|p| f.to_m(*p)).collect::<Vec<_>>()))
            .sum::<f64>()
            .abs()
    }

    /// The point of `tries` random interior samples that lies farthest from the boundary: a good,
    /// deterministic spot for a label or a station deep inside the polygon.
    pub fn deep_point(&self, rng: &mut super::rng::Rng, tries: usize) -> [f64; 2] {
        let diag = self
            .frame
            .dist_m([self.bbox[0], self.bbox[1]], [self.bbox[2], self.bbox[3]]);
        let mut best = (self.sample(rng), -1.0);
        for _ in 0..tries {
            let p = self.sample(rng);
            let c = self.clearance_m(p, diag);
            if c > best.1 {
                best = (p, c);
            }
        }
        best.0
    }
}

/// Area-weighted centroid of an open ring, degrees.
pub fn ring_centroid(ring: &[[f64; 2]]) -> [f64; 2] {
    let o = ring[0];
    let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for i in 0..ring.len() {
        let p = [ring[i][0] - o[0], ring[i][1] - o[1]];
        let q = [
            ring[(i + 1) % ring.len()][0] - o[0],
            ring[(i + 1) % ring.len()][1] - o[1],
        ];
        let c = p[0] * q[1] - q[0] * p[1];
        a += c;
        cx += (p[0] + q[0]) * c;
        cy += (p[1] + q[1]) * c;
    }
    if a == 0.0 {
        return o;
    }
    [o[0] + cx / (3.0 * a), o[1] + cy / (3.0 * a)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square_with_hole() -> IndexedPolygon {
        IndexedPolygon::new(vec![
            vec![[112.0, 32.0], [112.1, 32.0], [112.1, 32.1], [112.0, 32.1]],
            vec![[112.04, 32.04], [112.04, 32.06], [112.06, 32.06], [112.06, 32.04]],
        ])
    }

    #[test]
    fn containment_respects_holes_and_boundaries() {
        let p = square_with_hole();
        assert!(p.contains([112.01, 32.01]));
        assert!(!p.contains([112.05, 32.05]), "in the hole");
        assert!(!p.contains([112.0, 32.05]), "on the boundary");
        assert!(!p.contains([112.2, 32.05]));
        let rings: Vec<&[[f64; 2]]> = p.rings.iter().map(|r| r.as_slice()).collect();
        assert_eq!(point_in_rings(rings.clone(), [112.1, 32.1]), None);
        assert_eq!(point_in_rings(rings, [112.03, 32.05]), Some(true));
    }

    #[test]
    fn clearance_is_metres_to_the_nearest_edge_including_holes() {
        let p = square_with_hole();
        // 0.01° of latitude south of the hole's south edge is ~1109 m; the outer edges are farther.
        let c = p.clearance_m([112.05, 32.03], 5000.0);
        assert!((c - 1108.9).abs() < 2.0, "{c}");
        assert_eq!(p.clearance_m([112.05, 32.03], 10.0), 10.0);
    }

    #[test]
    fn area_and_centroid() {
        let sq = [[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0]];
        assert_eq!(signed_area(&sq), 4.0);
        assert_eq!(ring_centroid(&sq), [1.0, 1.0]);
        let p = IndexedPolygon::new(vec![vec![
            [112.0, 32.0],
            [112.01, 32.0],
            [112.01, 32.01],
            [112.0, 32.01],
        ]]);
        assert!((p.area_m2() - 1_047_000.0).abs() < 5_000.0, "{}", p.area_m2());
    }
}
