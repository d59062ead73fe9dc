//! How areas are numbered (DOMAIN.md): a child's code is its parent's code followed by a sequence
//! number of fixed width — 3 digits for townships, communities and grids, 2 for red house-yards —
//! and siblings are numbered in reading order: rows from north to south, west to east within a row.
//! A code once held is never issued again, so new areas continue after the highest sequence ever
//! used under the parent.

use super::{Code, Level};

/// Indices of `points` (`[lon, lat]`, degrees) in reading order: rows from north to south, west to
/// east within a row. Points whose latitudes differ by less than `row_height` (degrees) from the
/// first point of the current row join that row.
pub fn reading_order(points: &[[f64; 2]], row_height: f64) -> Vec<usize> {
    let mut by_lat: Vec<usize> = (0..points.len()).collect();
    by_lat.sort_by(|&a, &b| points[b][1].total_cmp(&points[a][1]).then(a.cmp(&b)));
    let mut out = Vec::with_capacity(points.len());
    let mut row: Vec<usize> = Vec::new();
    for i in by_lat {
        if let Some(&first) = row.first()
            && points[first][1] - points[i][1] > row_height
        {
            row.sort_by(|&a, &b| points[a][0].total_cmp(&points[b][0]).then(a.cmp(&b)));
            out.append(&mut row);
        }
        row.push(i);
    }
    row.sort_by(|&a, &b| points[a][0].total_cmp(&points[b][0]).then(a.cmp(&b)));
    out.append(&mut row);
    out
}

/// Digits of the sequence number a child of `level` adds to its parent's code.
pub fn sequence_width(level: Level) -> Option<usize> {
    match level {
        Level::County => None,
        Level::Township | Level::Community | Level::Grid => Some(3),
        Level::RedYard => Some(2),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberingError {
    #[error("{0} areas are not numbered under a parent")]
    Unnumbered(&'static str),
    #[error("no {width}-digit sequence numbers are left under {parent} for {wanted} new {level} areas")]
    Exhausted {
        parent: String,
        level: &'static str,
        width: usize,
        wanted: usize,
    },
}

/// `count` new codes for children of `level` under `parent`, continuing after the highest sequence
/// number among `used` (every code ever held under the parent, retired ones included). Codes in
/// `used` that do not have the parent's prefix and the level's width are not numbered this way and
/// are ignored.
pub fn issue(parent: &Code, level: Level, used: &[String], count: usize) -> Result<Vec<Code>, NumberingError> {
    let width = sequence_width(level).ok_or(NumberingError::Unnumbered(level.as_str()))?;
    let prefix = parent.as_str();
    let highest = used
        .iter()
        .filter_map(|c| c.strip_prefix(prefix))
        .filter(|s| s.len() == width && s.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|s| s.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    let limit = 10u64.pow(width as u32) - 1;
    if highest + count as u64 > limit {
        return Err(NumberingError::Exhausted {
            parent: prefix.to_owned(),
            level: level.as_str(),
            width,
            wanted: count,
        });
    }
    (1..=count as u64)
        .map(|k| {
            Code::parse(&format!("{prefix}{:0width$}", highest + k))
                .map_err(|_| NumberingError::Unnumbered(level.as_str()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_order_is_rows_north_to_south_then_west_to_east() {
        let pts = [[1.0, 0.0], [0.0, 0.05], [2.0, 1.0], [0.0, 1.02], [1.0, 0.98]];
        assert_eq!(reading_order(&pts, 0.1), vec![3, 4, 2, 1, 0]);
    }

    fn code(s: &str) -> Code {
        Code::parse(s).unwrap()
    }

    #[test]
    fn new_codes_continue_after_the_highest_ever_used() {
        let used = [
            "420001002001001",
            "420001002001002",
            "420001002001007",
            "4200010020010021",
            "420001002001x09",
        ]
        .map(String::from);
        let got = issue(&code("420001002001"), Level::Grid, &used, 2).unwrap();
        assert_eq!(got, vec![code("420001002001008"), code("420001002001009")]);
        let yards = issue(&code("420001002001002"), Level::RedYard, &used, 1).unwrap();
        assert_eq!(
            yards,
            vec![code("42000100200100201")],
            "16 digits is no red yard of the grid"
        );
        assert_eq!(
            issue(&code("420001002001"), Level::Grid, &[], 1).unwrap(),
            vec![code("420001002001001")]
        );
    }

    #[test]
    fn numbering_runs_out_rather_than_wrapping() {
        let used = vec!["4200010020010019".to_owned(), "42000100200100198".to_owned()];
        let e = issue(&code("420001002001001"), Level::RedYard, &used, 2).unwrap_err();
        assert!(matches!(e, NumberingError::Exhausted { wanted: 2, .. }), "{e}");
        assert!(issue(&code("420001002001001"), Level::RedYard, &used, 1).is_ok());
        assert!(matches!(
            issue(&code("42"), Level::County, &[], 1),
            Err(NumberingError::Unnumbered("county"))
        ));
    }
}
