//! Cutting an area into parts: along a line a planner draws, or into N parts balanced on the
//! households they hold (recursive bisection with straight cuts, each side kept in one piece).
//!
//! Geometry is WGS 84 lon/lat. Cuts are straight in a local frame where a degree of longitude is
//! shrunk by cos(latitude), so "perpendicular" and "longer axis" mean what they do on the ground;
//! the boolean operations are planar on lon/lat, as GeoJSON's edges are. Slivers are measured in
//! geodesic m².

use geo::{
    BooleanOps, BoundingRect, Centroid, Coord, Euclidean, GeodesicArea, Length, LineString, LinesIter, MultiPolygon,
    Polygon, Rect,
};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SplitError {
    #[error("the line has fewer than two distinct points")]
    ShortLine,
    #[error("the line does not cut the area in two: draw it across, from outside the area to outside")]
    DoesNotCross,
    #[error("cannot cut the area into {0} parts: it needs 2 to 50")]
    PartCount(usize),
    #[error("cannot cut the area into {parts} parts that are each in one piece; draw the cuts instead")]
    NotContiguous { parts: usize },
    #[error("cannot give each of {parts} parts a center household: the area has {centers}")]
    TooFewSeeds { parts: usize, centers: usize },
}

/// Kilometres-ish local frame: x = lon·cos(lat₀), y = lat (degrees of latitude).
#[derive(Debug, Clone, Copy)]
struct Frame {
    kx: f64,
}

impl Frame {
    fn of(area: &MultiPolygon<f64>) -> Self {
        let lat = area.centroid().map_or(0.0, |c| c.y());
        Self {
            kx: lat.to_radians().cos().max(0.05),
        }
    }
    fn to_local(self, c: Coord<f64>) -> Coord<f64> {
        Coord {
            x: c.x * self.kx,
            y: c.y,
        }
    }
    fn to_world(self, c: Coord<f64>) -> Coord<f64> {
        Coord {
            x: c.x / self.kx,
            y: c.y,
        }
    }
}

/// The pieces of `area` on either side of `line`, largest first. Each piece is one polygon; pieces
/// under `tolerance_m2` join the neighbour they share most border with. The line is extended
/// straight beyond its ends, so it may start and end inside the area.
pub fn by_line(
    area: &MultiPolygon<f64>,
    line: &LineString<f64>,
    tolerance_m2: f64,
) -> Result<Vec<MultiPolygon<f64>>, SplitError> {
    let mut pts: Vec<Coord<f64>> = Vec::with_capacity(line.0.len());
    for c in &line.0 {
        if pts.last() != Some(c) {
            pts.push(*c);
        }
    }
    if pts.len() < 2 {
        return Err(SplitError::ShortLine);
    }
    let Some(side) = side_of(area, &pts) else {
        return Err(SplitError::DoesNotCross);
    };
    let mut pieces: Vec<MultiPolygon<f64>> = area
        .intersection(&side)
        .into_iter()
        .chain(area.difference(&side))
        .map(|p| MultiPolygon::new(vec![p]))
        .collect();
    absorb_slivers(&mut pieces, tolerance_m2);
    if pieces.len() < 2 {
        return Err(SplitError::DoesNotCross);
    }
    pieces.sort_by(|a, b| b.geodesic_area_unsigned().total_cmp(&a.geodesic_area_unsigned()));
    Ok(pieces)
}

/// The polygon left of the polyline `pts` (extended to a box around the area and the line): the
/// line, then the box's boundary counter-clockwise from the line's end back to its start.
fn side_of(area: &MultiPolygon<f64>, pts: &[Coord<f64>]) -> Option<MultiPolygon<f64>> {
    let r = area.bounding_rect()?;
    let l = LineString::new(pts.to_vec()).bounding_rect()?;
    let (w, s) = (r.min().x.min(l.min().x), r.min().y.min(l.min().y));
    let (e, n) = (r.max().x.max(l.max().x), r.max().y.max(l.max().y));
    let margin = ((e - w) + (n - s)).max(1e-6);
    let bx = Rect::new(
        Coord {
            x: w - margin,
            y: s - margin,
        },
        Coord {
            x: e + margin,
            y: n + margin,
        },
    );
    let start = exit(bx, pts[1], pts[0])?;
    let end = exit(bx, pts[pts.len() - 2], pts[pts.len() - 1])?;
    let mut ring: Vec<Coord<f64>> = Vec::with_capacity(pts.len() + 7);
    ring.push(start);
    ring.extend_from_slice(pts);
    ring.push(end);
    // Corners met walking counter-clockwise from the end to the start.
    let (t_end, t_start) = (perimeter_t(bx, end), perimeter_t(bx, start));
    let corners = [
        (
            1.0,
            Coord {
                x: bx.max().x,
                y: bx.min().y,
            },
        ),
        (2.0, bx.max()),
        (
            3.0,
            Coord {
                x: bx.min().x,
                y: bx.max().y,
            },
        ),
        (4.0, bx.min()),
    ];
    let span = (t_start - t_end).rem_euclid(4.0);
    let mut walk: Vec<(f64, Coord<f64>)> = corners
        .iter()
        .flat_map(|&(t, c)| [(t, c), (t + 4.0, c)])
        .filter(|(t, _)| *t > t_end && *t < t_end + span)
        .collect();
    walk.sort_by(|a, b| a.0.total_cmp(&b.0));
    ring.extend(walk.into_iter().map(|(_, c)| c));
    ring.push(start);
    Some(MultiPolygon::new(vec![Polygon::new(LineString::new(ring), vec![])]))
}

/// Where the ray from `from` through `to` leaves the box (`to` is inside it).
fn exit(bx: Rect<f64>, from: Coord<f64>, to: Coord<f64>) -> Option<Coord<f64>> {
    let d = to - from;
    let mut best = f64::INFINITY;
    for (dv, lo, hi, v) in [(d.x, bx.min().x, bx.max().x, to.x), (d.y, bx.min().y, bx.max().y, to.y)] {
        if dv > 0.0 {
            best = best.min((hi - v) / dv);
        } else if dv < 0.0 {
            best = best.min((lo - v) / dv);
        }
    }
    best.is_finite().then(|| to + d * best)
}

/// Position along the box's boundary, counter-clockwise from the south-west corner: 0–1 south
/// edge, 1–2 east, 2–3 north, 3–4 west.
fn perimeter_t(bx: Rect<f64>, c: Coord<f64>) -> f64 {
    let (w, h) = (bx.width(), bx.height());
    let eps = 1e-12 * (w + h);
    if (c.y - bx.min().y).abs() <= eps {
        (c.x - bx.min().x) / w
    } else if (c.x - bx.max().x).abs() <= eps {
        1.0 + (c.y - bx.min().y) / h
    } else if (c.y - bx.max().y).abs() <= eps {
        2.0 + (bx.max().x - c.x) / w
    } else {
        3.0 + (bx.max().y - c.y) / h
    }
}

fn perimeter(mp: &MultiPolygon<f64>) -> f64 {
    mp.lines_iter().map(|l| Euclidean.length(&l)).sum()
}

/// Pieces smaller than `tolerance_m2` join the piece they share the longest border with.
fn absorb_slivers(pieces: &mut Vec<MultiPolygon<f64>>, tolerance_m2: f64) {
    loop {
        let Some(k) = pieces.iter().position(|p| p.geodesic_area_unsigned() < tolerance_m2) else {
            return;
        };
        let sliver = pieces.remove(k);
        let len = perimeter(&sliver);
        let best = pieces
            .iter()
            .enumerate()
            .map(|(j, p)| (j, perimeter(p) + len - perimeter(&p.union(&sliver))))
            .filter(|(_, shared)| *shared > 1e-12)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((j, _)) = best {
            pieces[j] = pieces[j].union(&sliver);
        }
    }
}

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
    use super::*;
    use geo::{Contains, Point, polygon};

    fn square() -> MultiPolygon<f64> {
        MultiPolygon::new(vec![polygon![
            (x: 112.0, y: 32.0), (x: 112.01, y: 32.0), (x: 112.01, y: 32.01), (x: 112.0, y: 32.01), (x: 112.0, y: 32.0)
        ]])
    }

    /// Planar area in square degrees: pieces that tile the area add up to it exactly (geodesic
    /// areas do not quite, as an edge along a parallel bends once a piece adds a vertex on it).
    fn area(m: &MultiPolygon<f64>) -> f64 {
        geo::Area::unsigned_area(m)
    }

    fn tiles(parts: &[MultiPolygon<f64>]) -> bool {
        let total: f64 = parts.iter().map(area).sum();
        (total / area(&square()) - 1.0).abs() < 1e-7
    }

    #[test]
    fn a_line_across_cuts_in_two_that_tile_the_area() {
        let line = LineString::from(vec![(112.004, 31.99), (112.006, 32.02)]);
        let parts = by_line(&square(), &line, 1.0).unwrap();
        assert_eq!(parts.len(), 2);
        assert!(tiles(&parts));
        assert!(area(&parts[0].intersection(&parts[1])) < 1e-15);
        // West piece holds the west edge, east piece the east edge.
        let west = parts
            .iter()
            .find(|p| p.contains(&Point::new(112.0005, 32.005)))
            .unwrap();
        assert!(!west.contains(&Point::new(112.0095, 32.005)));
    }

    #[test]
    fn a_line_inside_the_area_is_extended_and_a_line_beside_it_refused() {
        let inside = LineString::from(vec![(112.005, 32.004), (112.005, 32.006)]);
        assert_eq!(by_line(&square(), &inside, 1.0).unwrap().len(), 2);
        let beside = LineString::from(vec![(112.02, 31.99), (112.02, 32.02)]);
        assert_eq!(by_line(&square(), &beside, 1.0), Err(SplitError::DoesNotCross));
        let dot = LineString::from(vec![(112.02, 31.99), (112.02, 31.99)]);
        assert_eq!(by_line(&square(), &dot, 1.0), Err(SplitError::ShortLine));
    }

    #[test]
    fn a_winding_line_makes_a_piece_per_crossing_side() {
        // In at the south, out at the east, back in at the north-east and out at the north: three pieces.
        let line = LineString::from(vec![
            (112.002, 31.99),
            (112.002, 32.004),
            (112.02, 32.004),
            (112.02, 32.006),
            (112.006, 32.006),
            (112.006, 32.02),
        ]);
        let parts = by_line(&square(), &line, 1.0).unwrap();
        assert_eq!(parts.len(), 3, "{parts:?}");
        assert!(tiles(&parts));
    }

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
