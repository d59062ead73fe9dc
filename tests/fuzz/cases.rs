//! How many cases a property runs. The default keeps every property together well inside the normal
//! test command's time on a small machine; `GRIDMAP_FUZZ_CASES=N` raises it for a long run on demand:
//!
//! ```sh
//! GRIDMAP_FUZZ_CASES=20000 cargo test --release --test fuzz
//! ```
//!
//! The library's parser properties include this file too (`#[path]` from `src/domain/mod.rs`), so one
//! helper reads the variable for every property.

use proptest::test_runner::Config;

/// A proptest configuration running `default_cases` cases, or `GRIDMAP_FUZZ_CASES` when it is set.
/// Cheap properties pass a larger default than ones that build whole files.
pub fn fuzz_config(default_cases: u32) -> Config {
    let cases = match std::env::var("GRIDMAP_FUZZ_CASES") {
        Ok(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("GRIDMAP_FUZZ_CASES must be a whole number of cases, got {v:?}")),
        Err(_) => default_cases,
    };
    Config {
        cases,
        // Shrinking a failing file can take long; a bounded search still finds a small input.
        max_shrink_iters: 2048,
        ..Config::default()
    }
}
