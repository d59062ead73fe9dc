//! Placeholder, filled in by the side-by-side runner.
fn main() {}
