//! Property tests ("fuzzing" on the stable toolchain) of the import path: `parse_files` given valid
//! files of every layer, the same files broken one way at a time, and input nobody should send.
//! Whatever it is given, it answers: a batch whose geometry keeps the importer's promises (positions
//! in range, rings closed and valid, RFC 7946 winding), or an error naming the file, feature or row
//! and the reason, in a message short enough to read. It never panics.
//!
//! Each property runs a modest number of cases by default; `GRIDMAP_FUZZ_CASES=N` runs N each (see
//! `cases.rs`). Failures proptest finds are kept under `tests/proptest-regressions/` and replayed
//! first on every run; the bugs they found also have plain tests in `regressions.rs`.

mod accept;
mod cases;
mod csv_points;
mod fixtures;
mod hostile;
mod invariants;
mod refuse;
mod regressions;
