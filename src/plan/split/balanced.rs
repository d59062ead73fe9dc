//! Cutting an area into N parts balanced on households, by recursive bisection.

use geo::{BoundingRect, Centroid, Coord, LineString, LinesIter, MultiPolygon, Rect};

use super::{Frame, SplitError, by_line};

/// Cuts `area` into `parts` pieces, each one polygon, balanced on `points` (households, lon/lat):
/// recursive bisection, each cut a straight line across the longer or the shorter axis or a
/// diagonal, placed so the two sides hold households in proportion to the parts they will be cut
/// into. With `seeds` (indices into `points`: center households) every part holds at least one.
/// Parts come in no particular order.
pub fn balanced(
    area: &MultiPolygon<f64>,
    points: &[Coord<f64>],
    seeds: Option<&[usize]>,
    parts: usize,
    tolerance_m2: f64,
) -> Result<Vec<MultiPolygon<f64>>, SplitError> {
    if !(2..=50).contains(&parts) {
        return Err(SplitError::PartCount(parts));
    }
    if let Some(s) = seeds
        && s.len() < parts
    {
        return Err(SplitError::TooFewSeeds {
            parts,
            centers: s.len(),
        });
    }
    let frame = Frame::of(area);
    let all: Vec<usize> = (0..points.len()).collect();
    let is_seed: Vec<bool> = match seeds {
        Some(s) => {
            let mut v = vec![false; points.len()];
            s.iter().for_each(|&i| v[i] = true);
            v
        }
        None => vec![true; points.len()],
    };
    let mut out = Vec::with_capacity(parts);
    let job = Job {
        points,
        is_seed: &is_seed,
        seeded: seeds.is_some(),
        frame,
        tolerance_m2,
    };
    job.bisect(area.clone(), all, parts, &mut out)?;
    Ok(out)
}

struct Job<'a> {
    points: &'a [Coord<f64>],
    is_seed: &'a [bool],
    seeded: bool,
    frame: Frame,
    tolerance_m2: f64,
}

/// One candidate cut: the two sides with the points on each.
struct Cut {
    sides: [(MultiPolygon<f64>, Vec<usize>); 2],
    /// How far the household split is from the wanted one (households).
    error: usize,
}

impl Job<'_> {
    fn bisect(
        &self,
        area: MultiPolygon<f64>,
        members: Vec<usize>,
        parts: usize,
        out: &mut Vec<MultiPolygon<f64>>,
    ) -> Result<(), SplitError> {
        if parts == 1 {
            out.push(area);
            return Ok(());
        }
        let first = parts / 2;
        let mut best: Option<Cut> = None;
        for dir in self.directions(&area) {
            if let Some(cut) = self.cut(&area, &members, dir, first, parts - first)
                && best.as_ref().is_none_or(|b| cut.error < b.error)
            {
                best = Some(cut);
            }
        }
        let Some(Cut { sides: [a, b], .. }) = best else {
            return Err(SplitError::NotContiguous { parts });
        };
        self.bisect(a.0, a.1, first, out)?;
        self.bisect(b.0, b.1, parts - first, out)
    }

    /// Unit directions to cut across (in the local frame): the longer axis of the area first.
    fn directions(&self, area: &MultiPolygon<f64>) -> Vec<Coord<f64>> {
        let r = area.bounding_rect().unwrap_or(Rect::new(Coord::zero(), Coord::zero()));
        let (w, h) = (r.width() * self.frame.kx, r.height());
        let d = std::f64::consts::FRAC_1_SQRT_2;
        let (x, y) = (Coord { x: 1.0, y: 0.0 }, Coord { x: 0.0, y: 1.0 });
        let axes = if w >= h { [x, y] } else { [y, x] };
        vec![axes[0], axes[1], Coord { x: d, y: d }, Coord { x: d, y: -d }]
    }

    /// The cut across `dir` (points sorted along it) giving `first` parts' share of households to
    /// the low side, if both sides come out in one piece and hold enough seeds.
    fn cut(
        &self,
        area: &MultiPolygon<f64>,
        members: &[usize],
        dir: Coord<f64>,
        first: usize,
        second: usize,
    ) -> Option<Cut> {
        let along = |c: Coord<f64>| {
            let l = self.frame.to_local(c);
            l.x * dir.x + l.y * dir.y
        };
        let mut order: Vec<(f64, usize)> = members.iter().map(|&i| (along(self.points[i]), i)).collect();
        order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let n = order.len();
        let want = (n * first + (first + second) / 2) / (first + second);
        // Seeds to each side: the cut must fall after the `first`-th seed and before the
        // `second`-th from the end.
        let seeds_before: Vec<usize> = order
            .iter()
            .scan(0, |k, (_, i)| {
                *k += self.is_seed[*i] as usize;
                Some(*k)
            })
            .collect();
        let total_seeds = seeds_before.last().copied().unwrap_or(0);
        let ok_at = |k: usize| {
            if !self.seeded {
                return true;
            }
            let left = if k == 0 { 0 } else { seeds_before[k - 1] };
            left >= first && total_seeds - left >= second
        };
        // Cut between two households at distinct positions, as near the wanted count as the seeds
        // allow; with too few households to choose from, cut the extent in proportion.
        let k = (1..n)
            .filter(|&k| ok_at(k) && order[k - 1].0 < order[k].0)
            .min_by_key(|&k| k.abs_diff(want));
        let position = match k {
            Some(k) => (order[k - 1].0 + order[k].0) / 2.0,
            None if !self.seeded => self.middle(area, dir, first as f64 / (first + second) as f64),
            None => return None,
        };
        let sides = self.halves(area, dir, position)?;
        let low: Vec<usize> = order.iter().filter(|(t, _)| *t < position).map(|(_, i)| *i).collect();
        let high: Vec<usize> = order.iter().filter(|(t, _)| *t >= position).map(|(_, i)| *i).collect();
        let error = low.len().abs_diff(want);
        let [a, b] = sides;
        Some(Cut {
            sides: [(a, low), (b, high)],
            error,
        })
    }

    /// Where along `dir` a cut leaves `share` of the area's extent on the low side (no households
    /// to balance on).
    fn middle(&self, area: &MultiPolygon<f64>, dir: Coord<f64>, share: f64) -> f64 {
        let ts: Vec<f64> = area
            .lines_iter()
            .map(|l| {
                let c = self.frame.to_local(l.start);
                c.x * dir.x + c.y * dir.y
            })
            .collect();
        let lo = ts.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = ts.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        lo + (hi - lo) * share
    }

    /// The area's parts below and above `position` along `dir`, each in one piece.
    fn halves(&self, area: &MultiPolygon<f64>, dir: Coord<f64>, position: f64) -> Option<[MultiPolygon<f64>; 2]> {
        let normal = Coord { x: -dir.y, y: dir.x };
        // The point at `position` along `dir`, level with the area's centre across it.
        let centre = self.frame.to_local(area.centroid()?.0);
        let across = centre.x * normal.x + centre.y * normal.y;
        let at = dir * position + normal * across;
        // Long enough to cross the area, short enough to keep the boolean operations' precision
        // (scaled to the operands' extent).
        let r = area.bounding_rect()?;
        let reach = 2.0 * (r.width() * self.frame.kx + r.height()) + 1e-9;
        let line = LineString::new(vec![
            self.frame.to_world(at - normal * reach),
            self.frame.to_world(at + normal * reach),
        ]);
        let pieces = by_line(area, &line, self.tolerance_m2).ok()?;
        if pieces.len() != 2 {
            return None;
        }
        let along = |p: &MultiPolygon<f64>| {
            p.centroid().map_or(0.0, |c| {
                let l = self.frame.to_local(c.0);
                l.x * dir.x + l.y * dir.y
            })
        };
        let [a, b]: [MultiPolygon<f64>; 2] = pieces.try_into().ok()?;
        Some(if along(&a) <= along(&b) { [a, b] } else { [b, a] })
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{square, tiles};
    use super::*;
    use geo::{Contains, Point};

    fn grid_points(n: usize) -> Vec<Coord<f64>> {
        // Denser in the west: a fair split is not a split in the middle.
        (0..n)
            .map(|i| {
                let u = (i as f64 + 0.5) / n as f64;
                Coord {
                    x: 112.0 + 0.01 * u * u,
                    y: 32.0 + 0.01 * ((i * 7919) % n) as f64 / n as f64 + 0.00001,
                }
            })
            .collect()
    }

    #[test]
    fn balanced_parts_tile_the_area_and_share_households_fairly() {
        let pts = grid_points(600);
        for k in [2, 3, 5] {
            let parts = balanced(&square(), &pts, None, k, 1.0).unwrap();
            assert_eq!(parts.len(), k);
            assert!(tiles(&parts), "k={k}");
            for p in &parts {
                assert_eq!(p.0.len(), 1, "each part in one piece");
                let held = pts.iter().filter(|c| p.contains(&Point::from(**c))).count();
                let fair = 600 / k;
                assert!(held.abs_diff(fair) <= 2, "k={k}: {held} households, fair share {fair}");
            }
        }
        assert_eq!(balanced(&square(), &pts, None, 1, 1.0), Err(SplitError::PartCount(1)));
    }

    #[test]
    fn seeded_parts_each_hold_a_seed() {
        let pts = grid_points(200);
        // Seeds bunched in the west: the cuts must still leave one in every part.
        let mut seeds: Vec<usize> = (0..200).filter(|&i| pts[i].x < 112.003).take(4).collect();
        seeds.sort();
        let parts = balanced(&square(), &pts, Some(&seeds), 4, 1.0).unwrap();
        for p in &parts {
            assert!(
                seeds.iter().any(|&s| p.contains(&Point::from(pts[s]))),
                "a part without a seed"
            );
        }
        assert_eq!(
            balanced(&square(), &pts, Some(&seeds[..2]), 3, 1.0),
            Err(SplitError::TooFewSeeds { parts: 3, centers: 2 })
        );
    }
}
