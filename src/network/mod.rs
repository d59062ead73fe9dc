//! Walking distances over a path network (the `paths` layer).
//!
//! Pipeline: lines (WGS 84 degrees) → a graph whose nodes are every vertex and every crossing of two
//! lines, whose edges are straight segments weighted by their geodesic length in metres
//! ([`graph`]) → points (households, stations, a query point) snapped to the nearest point on an
//! edge, the walk from the door to that point counted as a straight geodesic line ([`snap`]) →
//! Dijkstra from one or many sources, bounded by a distance ([`walk`]).

mod graph;
mod snap;
mod walk;

pub use graph::Network;
pub use snap::Snap;
pub use walk::{Reach, nearest_targets};
