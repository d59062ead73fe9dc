//! gridmap: governance areas, buildings, households and stations as geometries, answered from
//! in-memory R-trees.
pub mod demo;
pub mod domain;
pub mod store;
