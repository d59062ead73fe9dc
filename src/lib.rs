//! gridmap: governance areas (county → township → community → grid → red house-yard), buildings,
//! households and stations stored as geometries, answered from in-memory indexes.
//!
//! How a request travels: [`http`] parses it into typed [`domain`] values (a WGS 84 [`domain::LonLat`]
//! converted at the edge from GCJ-02/BD-09 where asked), takes the current [`index::Index`] snapshot
//! from [`state::AppState`], asks it (point-in-polygon for *locate*, a geodesic k-nearest search for
//! *nearest*), and serialises the answer. Writes ([`import`]) are checked whole, written by a
//! [`store::Store`] (SQLite or PostGIS) in one transaction, and a fresh snapshot is swapped in.
//! Map tiles ([`tiles`]) are cut from the same snapshot, so both stores serve the same map, and the
//! labels' glyphs ([`glyphs`]) come from a font installed on the machine.
//!
//! The arrows point one way: `http`/`cli` → `state` → `tiles` → `index`/`store`/`import` → `domain`.

pub mod access;
pub mod citygen;
pub mod cli;
pub mod config;
pub mod coverage;
pub mod demo;
pub mod domain;
pub mod export;
pub mod features;
pub mod glyphs;
pub mod http;
pub mod import;
pub mod index;
pub mod maps;
pub mod network;
pub mod plan;
pub mod state;
pub mod store;
pub mod tiles;

#[cfg(test)]
mod testdata;

/// The memory allocator gridmap's programs install (`#[global_allocator]` in `main` and in the
/// benchmarks, so what is measured is what runs). Cutting a tile allocates and frees a few hundred
/// rings; with glibc's allocator, sitting above a heap of a gigabyte or more of index, every free
/// returned the top of the heap to the kernel and the next tile faulted fresh, zeroed pages back
/// in — half the time of a street-level tile. mimalloc keeps per-thread free pages instead.
pub use mimalloc::MiMalloc as Allocator;
