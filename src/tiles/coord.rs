//! Tile addresses (`z/x/y`, XYZ scheme: `y` counts down from the north) and the Web Mercator
//! projection that places WGS 84 degrees on them.

use geo::{Coord, Rect};

use super::TileError;

/// The deepest zoom gridmap cuts. At z22 a tile is about 8 m across at 32°N; nothing gridmap stores
/// needs more.
pub const MAX_ZOOM: u8 = 22;

/// Integer units across one tile, as the MVT specification recommends.
pub const EXTENT: u32 = 4096;

/// Tile units kept around every tile, so lines and fills drawn across a tile edge meet without a
/// seam (64 of 4096 is 1/64 of the tile).
pub const BUFFER: f64 = 64.0;

/// Web Mercator's latitude limit: the square world's north and south edges, degrees.
pub const MAX_LAT: f64 = 85.051_128_779_806_59;

/// A checked tile address: `z ≤ 22` and `x, y < 2^z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileCoord {
    z: u8,
    x: u32,
    y: u32,
}

impl TileCoord {
    /// The tile `z/x/y`, or the reason it does not exist.
    pub fn new(z: u64, x: u64, y: u64) -> Result<Self, TileError> {
        if z > u64::from(MAX_ZOOM) {
            return Err(TileError::Zoom { z });
        }
        let n = 1u64 << z;
        for (axis, v) in [("x", x), ("y", y)] {
            if v >= n {
                return Err(TileError::OutOfRange { axis, value: v, z, n });
            }
        }
        // z ≤ 22 so x, y < 2^22 fit in u32.
        Ok(Self {
            z: z as u8,
            x: x as u32,
            y: y as u32,
        })
    }

    /// Parses the three path segments; `y` may carry the `.mvt` suffix already stripped.
    pub fn parse(z: &str, x: &str, y: &str) -> Result<Self, TileError> {
        let number = |axis: &'static str, s: &str| {
            s.parse::<u64>().map_err(|_| TileError::NotANumber {
                axis,
                given: s.chars().take(40).collect(),
            })
        };
        Self::new(number("z", z)?, number("x", x)?, number("y", y)?)
    }

    /// The tile of zoom `z` (at most [`MAX_ZOOM`], else clamped to it) holding the WGS 84 point
    /// `lon`, `lat` (degrees); points on a tile edge belong to the tile east or south of it.
    pub fn containing(lon: f64, lat: f64, z: u8) -> Self {
        let z = z.min(MAX_ZOOM);
        let n = 1u32 << z;
        let w = to_world(lon, lat);
        let cell = |v: f64| ((v * f64::from(n)).floor().max(0.0) as u32).min(n - 1);
        Self {
            z,
            x: cell(w.x),
            y: cell(w.y),
        }
    }

    pub fn z(self) -> u8 {
        self.z
    }

    pub fn x(self) -> u32 {
        self.x
    }

    pub fn y(self) -> u32 {
        self.y
    }

    /// Tiles across the world at this zoom, `2^z`.
    pub fn tiles_across(self) -> f64 {
        f64::from(1u32 << self.z)
    }

    /// The tile's square in world units (see [`to_world`]), widened by `buffer` tile units on
    /// every side.
    pub fn world_bounds(self, buffer: f64) -> Rect<f64> {
        let n = self.tiles_across();
        let pad = buffer / f64::from(EXTENT);
        Rect::new(
            Coord {
                x: (f64::from(self.x) - pad) / n,
                y: (f64::from(self.y) - pad) / n,
            },
            Coord {
                x: (f64::from(self.x) + 1.0 + pad) / n,
                y: (f64::from(self.y) + 1.0 + pad) / n,
            },
        )
    }

    /// World units → this tile's units: `0..4096` across the tile, `y` down, not rounded.
    pub fn to_tile(self, world: Coord<f64>) -> Coord<f64> {
        let n = self.tiles_across();
        let e = f64::from(EXTENT);
        Coord {
            x: (world.x * n - f64::from(self.x)) * e,
            y: (world.y * n - f64::from(self.y)) * e,
        }
    }
}

impl std::fmt::Display for TileCoord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.z, self.x, self.y)
    }
}

/// WGS 84 longitude/latitude in degrees → Web Mercator (EPSG:3857) as a fraction of the square
/// world: `x` from 0 at 180°W to 1 at 180°E, `y` from 0 at 85.05°N to 1 at 85.05°S (down, as tiles
/// count). Latitudes beyond Web Mercator's limit are clamped to it.
pub fn to_world(lon: f64, lat: f64) -> Coord<f64> {
    let lat = lat.clamp(-MAX_LAT, MAX_LAT).to_radians();
    let y = 0.5 - (lat.tan() + 1.0 / lat.cos()).ln() / (2.0 * std::f64::consts::PI);
    Coord {
        x: (lon + 180.0) / 360.0,
        y,
    }
}

/// The inverse of [`to_world`]: world units → WGS 84 longitude/latitude in degrees.
pub fn to_lonlat(world: Coord<f64>) -> (f64, f64) {
    let lon = world.x * 360.0 - 180.0;
    let lat = ((0.5 - world.y) * 2.0 * std::f64::consts::PI)
        .sinh()
        .atan()
        .to_degrees();
    (lon, lat)
}

#[cfg(test)]
mod tests {
    use approx::assert_relative_eq;

    use super::*;

    #[test]
    fn to_lonlat_undoes_to_world() {
        for (lon, lat) in [(112.1, 32.0), (-70.5, -33.4), (0.0, 0.0), (179.9, 80.0)] {
            let (back_lon, back_lat) = to_lonlat(to_world(lon, lat));
            assert_relative_eq!(back_lon, lon, epsilon = 1e-9);
            assert_relative_eq!(back_lat, lat, epsilon = 1e-9);
        }
    }

    #[test]
    fn the_containing_tile_holds_the_point() {
        // 襄阳's centre at z14 (the slippy-map formula gives x = 13_295.8, y = 6_651.2).
        let t = TileCoord::containing(112.144, 32.042, 14);
        assert_eq!((t.z(), t.x(), t.y()), (14, 13_295, 6_651));
        let b = t.world_bounds(0.0);
        let w = to_world(112.144, 32.042);
        assert!(b.min().x <= w.x && w.x < b.max().x && b.min().y <= w.y && w.y < b.max().y);
        // The corners of the world stay inside it.
        let t = TileCoord::containing(180.0, -90.0, 3);
        assert_eq!((t.x(), t.y()), (7, 7));
        let t = TileCoord::containing(-180.0, 90.0, 30);
        assert_eq!((t.z(), t.x(), t.y()), (MAX_ZOOM, 0, 0));
    }

    #[test]
    fn accepts_every_tile_of_a_zoom_and_nothing_past_it() {
        assert!(TileCoord::new(0, 0, 0).is_ok());
        assert!(TileCoord::new(22, (1 << 22) - 1, (1 << 22) - 1).is_ok());
        assert!(matches!(TileCoord::new(23, 0, 0), Err(TileError::Zoom { z: 23 })));
        assert!(matches!(
            TileCoord::new(3, 8, 0),
            Err(TileError::OutOfRange { axis: "x", n: 8, .. })
        ));
        assert!(matches!(
            TileCoord::new(3, 0, 8),
            Err(TileError::OutOfRange { axis: "y", .. })
        ));
        assert!(matches!(TileCoord::new(1000, 0, 0), Err(TileError::Zoom { .. })));
    }

    #[test]
    fn parses_only_whole_numbers() {
        assert_eq!(TileCoord::parse("3", "4", "5").unwrap().to_string(), "3/4/5");
        for (z, x, y) in [
            ("-1", "0", "0"),
            ("1", "-1", "0"),
            ("a", "0", "0"),
            ("1", "0", "1.5"),
            ("", "0", "0"),
        ] {
            assert!(
                matches!(TileCoord::parse(z, x, y), Err(TileError::NotANumber { .. })),
                "{z}/{x}/{y}"
            );
        }
    }

    #[test]
    fn mercator_corners_and_centre() {
        let c = to_world(0.0, 0.0);
        assert_relative_eq!(c.x, 0.5);
        assert_relative_eq!(c.y, 0.5);
        let nw = to_world(-180.0, MAX_LAT);
        assert_relative_eq!(nw.x, 0.0);
        assert_relative_eq!(nw.y, 0.0, epsilon = 1e-12);
        let se = to_world(180.0, -89.0);
        assert_relative_eq!(se.x, 1.0);
        assert_relative_eq!(se.y, 1.0, epsilon = 1e-12);
    }

    #[test]
    fn tile_units_run_east_and_south() {
        // 襄阳 (112.1°E, 32.0°N) at z12 lies in tile 3323/1663.
        let w = to_world(112.1, 32.0);
        let t = TileCoord::new(12, 3323, 1663).unwrap();
        let p = t.to_tile(w);
        assert!((0.0..4096.0).contains(&p.x) && (0.0..4096.0).contains(&p.y), "{p:?}");
        let east = t.to_tile(to_world(112.101, 32.0));
        let south = t.to_tile(to_world(112.1, 31.999));
        assert!(east.x > p.x && south.y > p.y);
        let b = t.world_bounds(BUFFER);
        assert!(b.min().x < w.x && w.x < b.max().x && b.min().y < w.y && w.y < b.max().y);
    }

    /// Property tests: tile paths from any text, and the tile containing any point.
    mod fuzz {
        use proptest::prelude::*;

        use super::*;
        use crate::domain::fuzz_cases::fuzz_config;
        use crate::domain::{assert_brief, query_text};

        /// A coordinate near the edge of its zoom's range, or any at all.
        fn axis() -> impl Strategy<Value = u64> {
            prop_oneof![
                0u64..5,
                (1u64..=23).prop_map(|z| (1u64 << z) - 1),
                (1u64..=23).prop_map(|z| 1u64 << z),
                any::<u64>()
            ]
        }

        proptest! {
            #![proptest_config(fuzz_config(1024))]

            /// `z/x/y` is a tile exactly when z ≤ 22 and x, y < 2^z; a tile prints as it was given.
            #[test]
            fn tiles_exist_exactly_inside_their_zoom(z in prop_oneof![0u64..=24, any::<u64>()], x in axis(), y in axis()) {
                let valid = z <= u64::from(MAX_ZOOM) && x < (1u64 << z) && y < (1u64 << z);
                match TileCoord::parse(&z.to_string(), &x.to_string(), &y.to_string()) {
                    Ok(t) => {
                        prop_assert!(valid);
                        prop_assert_eq!((u64::from(t.z()), u64::from(t.x()), u64::from(t.y())), (z, x, y));
                        prop_assert_eq!(t.to_string(), format!("{z}/{x}/{y}"));
                    }
                    Err(e) => {
                        prop_assert!(!valid, "{z}/{x}/{y}: {e}");
                        prop_assert!(matches!(e, TileError::Zoom { .. } | TileError::OutOfRange { .. }), "{e}");
                    }
                }
            }

            /// Any path segments: an answer, never a panic; what is accepted is plain digits and a
            /// real tile; messages stay short whatever was sent.
            #[test]
            fn tile_paths_from_any_text(z in prop_oneof![query_text(), "[0-9]{1,3}"], x in prop_oneof![query_text(), "[0-9]{1,8}"], y in prop_oneof![query_text(), "[0-9]{1,8}"]) {
                match TileCoord::parse(&z, &x, &y) {
                    Ok(t) => {
                        for s in [&z, &x, &y] {
                            prop_assert!(s.trim_start_matches('+').chars().all(|c| c.is_ascii_digit()), "accepted {s:?}");
                        }
                        prop_assert!(TileCoord::new(u64::from(t.z()), u64::from(t.x()), u64::from(t.y())).is_ok());
                    }
                    Err(e) => assert_brief(&e.to_string(), &[&z, &x, &y]),
                }
            }

            /// The tile containing a point exists and holds it (half-open: a point on an edge
            /// belongs to the tile east or south of it), for every zoom, even for wild input.
            #[test]
            fn the_containing_tile_holds_the_point(lon in prop_oneof![-180.0f64..=180.0, any::<f64>()], lat in prop_oneof![-MAX_LAT..=MAX_LAT, any::<f64>()], z in any::<u8>()) {
                let t = TileCoord::containing(lon, lat, z);
                prop_assert_eq!(t.z(), z.min(MAX_ZOOM));
                prop_assert!(TileCoord::new(u64::from(t.z()), u64::from(t.x()), u64::from(t.y())).is_ok());
                if (-180.0..180.0).contains(&lon) && (-MAX_LAT..MAX_LAT).contains(&lat) {
                    let w = to_world(lon, lat);
                    let b = t.world_bounds(0.0);
                    // World units are fractions of a power of two, so the tile's edges are exact;
                    // the point's own projection is the only rounding.
                    prop_assert!(b.min().x <= w.x && w.x < b.max().x, "{w:?} outside {b:?}");
                    prop_assert!(b.min().y <= w.y && w.y < b.max().y || w.y >= 1.0 - 1e-12, "{w:?} outside {b:?}");
                }
            }
        }
    }
}
