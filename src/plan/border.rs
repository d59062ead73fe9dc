//! Borders between outlines: how long a stretch two of them share, and which neighbour a piece of
//! land belongs with. Lengths are planar, in degrees of lon/lat — enough to compare neighbours a
//! few hundred metres apart, not a ground length.

use geo::{BooleanOps, Euclidean, Length, LinesIter, MultiPolygon};

fn perimeter(mp: &MultiPolygon<f64>) -> f64 {
    mp.lines_iter().map(|l| Euclidean.length(&l)).sum()
}

/// The length of border `a` and `b` share (degrees): what their union loses of their perimeters.
pub fn shared(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> f64 {
    (perimeter(a) + perimeter(b) - perimeter(&a.union(b))) / 2.0
}

/// Which of `candidates` shares the longest border with `piece`, if any shares more than
/// `at_least` degrees (more than a corner).
pub fn longest_shared<'a>(
    piece: &MultiPolygon<f64>,
    candidates: impl IntoIterator<Item = &'a MultiPolygon<f64>>,
    at_least: f64,
) -> Option<usize> {
    let own = perimeter(piece);
    candidates
        .into_iter()
        .enumerate()
        .map(|(k, g)| (k, (perimeter(g) + own - perimeter(&g.union(piece))) / 2.0))
        .filter(|(_, shared)| *shared > at_least)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(k, _)| k)
}
