//! CSV files for point layers: `lon,lat` columns under any of their accepted names and in any
//! order, text that needs quoting, and rows with a garbled or missing number.

use gridmap::domain::{Crs, Layer};
use gridmap::import::ImportError;
use gridmap::store::Batch;
use proptest::collection::vec;
use proptest::prelude::*;

use crate::cases::fuzz_config;
use crate::fixtures::{any_crs, file, hubei, parse, text};
use crate::invariants::{check, describe, refused_at};

/// A CSV of households or stations: a header and rows, column order shuffled.
#[derive(Debug, Clone)]
struct Table {
    layer: Layer,
    crs: Crs,
    header: Vec<String>,
    /// Per row: `(code, lon, lat, text)`; stations' kind is `red_station`.
    rows: Vec<(String, f64, f64, String)>,
    /// Where each logical column sits: code, lon, lat, text, kind.
    order: Vec<usize>,
}

const TEXT_COLUMN: [&str; 2] = ["head_name", "name"];

/// One row changed, or none.
#[derive(Debug, Clone, Copy)]
enum Change<'a> {
    None,
    /// The cell of logical column `col` replaced by the text.
    Cell {
        row: usize,
        col: usize,
        value: &'a str,
    },
    /// The row's last cell left out.
    Short(usize),
    /// One cell too many on the row.
    Long(usize),
}

impl Table {
    fn bytes(&self, change: Change<'_>) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new().flexible(true).from_writer(vec![]);
        w.write_record(&self.header).unwrap();
        for (r, (code, lon, lat, text)) in self.rows.iter().enumerate() {
            let mut cells = vec![String::new(); 5];
            let logical = [
                code.clone(),
                lon.to_string(),
                lat.to_string(),
                text.clone(),
                "red_station".into(),
            ];
            for (col, cell) in logical.into_iter().enumerate() {
                cells[self.order[col]] = cell;
            }
            match change {
                Change::Cell { row, col, value } if row == r => cells[self.order[col]] = value.to_owned(),
                Change::Short(row) if row == r => {
                    cells.pop();
                }
                Change::Long(row) if row == r => cells.push("x".into()),
                _ => {}
            }
            w.write_record(&cells).unwrap();
        }
        w.into_inner().unwrap()
    }
}

fn table() -> impl Strategy<Value = Table> {
    let layer = prop::sample::select(vec![Layer::Households, Layer::Stations]);
    let lon = prop::sample::select(vec!["lon", "lng", "longitude", "LON", "Longitude"]);
    let lat = prop::sample::select(vec!["lat", "latitude", "LAT", "Latitude"]);
    let order = Just((0..5).collect::<Vec<usize>>()).prop_shuffle();
    let rows = vec(("[A-Za-z0-9]{1,8}", hubei(), text()), 1..8);
    (layer, any_crs(), lon, lat, order, rows).prop_map(|(layer, crs, lon, lat, order, rows)| {
        let mut header = vec![String::new(); 5];
        let text_column = TEXT_COLUMN[usize::from(layer == Layer::Stations)];
        for (logical, name) in ["code", lon, lat, text_column, "kind"].into_iter().enumerate() {
            header[order[logical]] = name.to_owned();
        }
        Table {
            layer,
            crs,
            header,
            rows: rows
                .into_iter()
                .enumerate()
                .map(|(i, (code, [x, y], t))| (format!("{code}-{i}"), x, y, t))
                .collect(),
            order,
        }
    })
}

proptest! {
    #![proptest_config(fuzz_config(256))]

    /// Valid tables import row for row: positions converted from the file's CRS, text verbatim.
    #[test]
    fn csv_tables_import_row_for_row(t in table()) {
        let files = [file("points.csv", t.bytes(Change::None))];
        let result = parse(t.layer, t.crs, &files);
        check(t.layer, &files, Some(&[t.rows.len()]), &result);
        let parsed = result.unwrap_or_else(|e| panic!("a valid table was refused: {e}"));
        let got: Vec<(String, f64, f64, Option<String>)> = match &parsed.batch {
            Batch::Households(h) => h.iter().map(|h| (h.code.to_string(), h.location.lon(), h.location.lat(), h.head_name.clone())).collect(),
            Batch::Stations(s) => s.iter().map(|s| (s.code.to_string(), s.location.lon(), s.location.lat(), s.name.clone())).collect(),
            _ => unreachable!(),
        };
        let want: Vec<(String, f64, f64, Option<String>)> = t.rows.iter().map(|(code, lon, lat, text)| {
            let p = t.crs.to_wgs84(*lon, *lat).unwrap();
            (code.clone(), p.lon(), p.lat(), Some(text.trim().to_owned()))
        }).collect();
        prop_assert_eq!(got, want);
    }

    /// A garbled, empty, non-finite or out-of-range number in one row: that row is named.
    #[test]
    fn a_bad_number_names_its_row(t in table(), at in any::<prop::sample::Index>(), lat in any::<bool>(), bad in prop::sample::select(vec!["", "abc", "1,2", "112°E", "NaN", "inf", "-infinity", "1e400", "0x70", "1_000", "１１２", "112.1.1", "999", "-191"])) {
        let row = at.index(t.rows.len());
        let col = if lat { 2 } else { 1 };
        let files = [file("points.csv", t.bytes(Change::Cell { row, col, value: bad }))];
        let result = parse(t.layer, t.crs, &files);
        check(t.layer, &files, Some(&[t.rows.len()]), &result);
        let code = refused_at(&result, row, &["must be a number", "out of range", "finite", "swapped"]);
        prop_assert_eq!(code.as_deref(), Some(t.rows[row].0.as_str()));
    }

    /// Without a `lon` or a `lat` column the file is malformed, and the message says which it needs.
    #[test]
    fn missing_columns_are_named(t in table(), drop_lat in any::<bool>(), rename in prop::sample::select(vec!["x", "经度", "lon2", "", "lat_lon"])) {
        let mut t = t;
        t.header[t.order[if drop_lat { 2 } else { 1 }]] = rename.to_owned();
        let files = [file("points.csv", t.bytes(Change::None))];
        let result = parse(t.layer, t.crs, &files);
        check(t.layer, &files, None, &result);
        prop_assert!(matches!(&result, Err(ImportError::Malformed { reason, .. }) if reason.contains("'lon' and 'lat'")), "{}", describe(&result));
    }

    /// A row with a missing or extra cell makes the file malformed, naming the row (1-based).
    #[test]
    fn ragged_rows_name_the_row(t in table(), at in any::<prop::sample::Index>(), long in any::<bool>()) {
        let row = at.index(t.rows.len());
        let change = if long { Change::Long(row) } else { Change::Short(row) };
        let files = [file("points.csv", t.bytes(change))];
        let result = parse(t.layer, t.crs, &files);
        check(t.layer, &files, None, &result);
        prop_assert!(matches!(&result, Err(ImportError::Malformed { reason, .. }) if reason.contains(&format!("row {}", row + 1))), "{}", describe(&result));
    }
}
