//! Where the children of an area are seeded: spread out inside the parent, then evened out.
//!
//! Points are WGS 84 degrees; spacing is judged in metres through the polygon's metric frame.

use super::geom::IndexedPolygon;
use super::rng::Rng;

/// Adds `n` seeds to `fixed` by Mitchell's best-candidate sampling: each new seed is, of `candidates`
/// random interior points that pass `accept`, the one farthest from every seed placed so far. This
/// gives evenly spread but not regular seeds (blue noise). Returns `fixed` followed by the new seeds.
pub fn spread(
    poly: &IndexedPolygon,
    fixed: &[[f64; 2]],
    n: usize,
    candidates: usize,
    rng: &mut Rng,
    accept: impl Fn([f64; 2]) -> bool,
) -> Vec<[f64; 2]> {
    let f = &poly.frame;
    let mut seeds = fixed.to_vec();
    for _ in 0..n {
        let mut best: Option<([f64; 2], f64)> = None;
        let mut tries = 0;
        while tries < candidates || best.is_none() {
            tries += 1;
            let p = poly.sample(rng);
            if !accept(p) && tries < candidates * 50 {
                continue;
            }
            let d = seeds.iter().map(|s| f.dist_m(*s, p)).fold(f64::INFINITY, f64::min);
            if best.is_none_or(|b| d > b.1) {
                best = Some((p, d));
            }
        }
        seeds.push(best.map(|b| b.0).unwrap_or_default());
    }
    seeds
}

/// Lloyd's relaxation on random samples: each seed with `movable[i]` moves to the centre of the
/// sample points nearest to it, if that centre lies inside the polygon (a concave parent can put it
/// outside) and passes `accept`. Seeds end up near the middle of their cells, so cells are compact.
pub fn relax(
    poly: &IndexedPolygon,
    seeds: &mut [[f64; 2]],
    movable: &[bool],
    rounds: usize,
    samples_per_seed: usize,
    rng: &mut Rng,
    accept: impl Fn([f64; 2]) -> bool,
) {
    let f = &poly.frame;
    for _ in 0..rounds {
        let mut sum = vec![[0.0f64; 3]; seeds.len()];
        for _ in 0..samples_per_seed * seeds.len() {
            let p = poly.sample(rng);
            let m = f.to_m(p);
            let nearest = (0..seeds.len())
                .min_by(|&a, &b| {
                    let (sa, sb) = (f.to_m(seeds[a]), f.to_m(seeds[b]));
                    let da = (sa[0] - m[0]).powi(2) + (sa[1] - m[1]).powi(2);
                    let db = (sb[0] - m[0]).powi(2) + (sb[1] - m[1]).powi(2);
                    da.total_cmp(&db)
                })
                .unwrap_or(0);
            sum[nearest] = [sum[nearest][0] + p[0], sum[nearest][1] + p[1], sum[nearest][2] + 1.0];
        }
        for (i, s) in sum.iter().enumerate() {
            if movable[i] && s[2] > 0.0 {
                let c = [s[0] / s[2], s[1] / s[2]];
                if poly.contains(c) && accept(c) {
                    seeds[i] = c;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_are_inside_spread_and_keep_the_fixed_ones() {
        let poly = IndexedPolygon::new(vec![vec![[112.0, 32.0], [112.1, 32.0], [112.1, 32.1], [112.0, 32.1]]]);
        let mut rng = Rng::keyed(3, "seeds");
        let fixed = [[112.05, 32.05]];
        let mut s = spread(&poly, &fixed, 8, 10, &mut rng, |_| true);
        assert_eq!(s[0], fixed[0]);
        assert_eq!(s.len(), 9);
        let movable: Vec<bool> = (0..9).map(|i| i > 0).collect();
        relax(&poly, &mut s, &movable, 2, 50, &mut rng, |_| true);
        assert_eq!(s[0], fixed[0]);
        assert!(s.iter().all(|p| poly.contains(*p)));
        let min_gap = (0..9)
            .flat_map(|i| (0..i).map(move |j| (i, j)))
            .map(|(i, j)| poly.frame.dist_m(s[i], s[j]))
            .fold(f64::INFINITY, f64::min);
        assert!(
            min_gap > 1000.0,
            "seeds of a 10 km square are spread out, got {min_gap} m"
        );
    }
}
