//! Path tiles: roads as lines with their attributes, minor ways only from zoom 14, clipping, and
//! no access restriction.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use geo::Geometry;
use gridmap::domain::Layer;
use gridmap::tiles::{BUFFER, EXTENT};

use super::{Feature, HOST, by_code, codes, tile, tile_at, to_lonlat};
use crate::apps;
use crate::fixture::*;

#[tokio::test]
async fn paths_are_lines_with_code_name_and_highway() {
    for app in apps().await {
        let b = app.backend;
        app.import(Layer::Paths, &paths()).await.unwrap();
        // Streets from zoom 12, footpaths and other minor ways from 14. R1 (112.119–112.131 along
        // 32.0501°N) lies whole in one tile at zoom 13, the footway L2 and the path L3 each in one at
        // zoom 14 (a tile border runs between them at 112.1250°E).
        let line = |f: &Feature, z: u8, xy: (u32, u32)| -> Vec<(f64, f64)> {
            match &f.geometry {
                Geometry::LineString(l) => l
                    .coords()
                    .map(|c| to_lonlat(z, xy, f64::from(c.x), f64::from(c.y)))
                    .collect(),
                other => panic!("{b}: not one line: {other:?}"),
            }
        };
        // Two tile units, in degrees.
        let tol = |z: u8| 2.0 * 360.0 / f64::from(1u32 << z) / f64::from(EXTENT);
        let close = |z: u8, got: (f64, f64), want: (f64, f64)| {
            (got.0 - want.0).abs() < tol(z) && (got.1 - want.1).abs() < tol(z)
        };
        let xy13 = tile_at(13, 112.125, 32.0501);
        assert_eq!(xy13, tile_at(13, 112.1189, 32.0501));
        assert_eq!(xy13, tile_at(13, 112.1311, 32.0501));
        let z13 = tile(&app, "paths", 13, xy13).await;
        assert_eq!(
            codes(&z13),
            BTreeSet::from(["R1".to_owned()]),
            "{b}: streets only below 14"
        );
        let r1 = by_code(&z13, "R1");
        assert_eq!(
            (r1.str("name"), r1.str("highway")),
            (Some("东西路"), Some("residential")),
            "{b}"
        );
        let r1 = line(r1, 13, xy13);
        assert_eq!(r1.len(), 2, "{b}: a straight road is its two ends: {r1:?}");
        assert!(
            close(13, r1[0], (112.119, 32.0501)) && close(13, r1[1], (112.131, 32.0501)),
            "{b}: {r1:?}"
        );

        let west = tile_at(14, 112.1195, 32.0505);
        let features = tile(&app, "paths", 14, west).await;
        assert_eq!(
            codes(&features),
            BTreeSet::from(["L2".to_owned(), "R1".to_owned()]),
            "{b}"
        );
        let l2 = by_code(&features, "L2");
        assert_eq!((l2.str("name"), l2.str("highway")), (None, Some("footway")), "{b}");
        let l2 = line(l2, 14, west);
        assert_eq!(l2.len(), 3, "{b}: {l2:?}");
        for (got, want) in l2
            .iter()
            .zip([(112.119, 32.0501), (112.119, 32.0509), (112.12, 32.0509)])
        {
            assert!(close(14, *got, want), "{b}: {l2:?}");
        }
        let east = tile_at(14, 112.13, 32.055);
        let features = tile(&app, "paths", 14, east).await;
        let l3 = features
            .iter()
            .find(|f| f.str("code").is_some_and(|c| c.starts_with("path-")))
            .expect("the path without a code");
        assert_eq!(l3.str("highway"), Some("path"), "{b}");
        let l3 = line(l3, 14, east);
        assert!(
            close(14, l3[0], (112.13, 32.0501)) && close(14, l3[1], (112.13, 32.06)),
            "{b}: {l3:?}"
        );

        // Nothing away from the paths, nor below zoom 12.
        assert!(
            tile(&app, "paths", 14, tile_at(14, 112.30, 32.01)).await.is_empty(),
            "{b}"
        );
        assert!(
            tile(&app, "paths", 11, tile_at(11, 112.125, 32.055)).await.is_empty(),
            "{b}"
        );
        // A street-level tile clips R1 to the tile and its buffer.
        let z16 = tile_at(16, 112.1201, 32.0501);
        let clipped = tile(&app, "paths", 16, z16).await;
        let r1 = by_code(&clipped, "R1");
        match &r1.geometry {
            Geometry::LineString(l) => {
                for c in l.coords() {
                    let limit = -(BUFFER as f32) - 0.5..=EXTENT as f32 + BUFFER as f32 + 0.5;
                    assert!(limit.contains(&c.x) && limit.contains(&c.y), "{b}: {c:?}");
                }
            }
            other => panic!("{b}: {other:?}"),
        }
        // Paths are public: a viewer gets them too.
        let viewer = app.token_for("viewer", gridmap::access::Role::Viewer, None).await;
        let req = Request::get(format!("/tiles/paths/13/{}/{}.mvt", xy13.0, xy13.1))
            .header("host", HOST)
            .header(axum::http::header::AUTHORIZATION, format!("Bearer {viewer}"))
            .body(Body::empty())
            .unwrap();
        let (status, headers, bytes) = app.raw(req).await;
        assert_eq!(status, StatusCode::OK, "{b}");
        assert_eq!(headers["cache-control"], "no-cache", "{b}: not private");
        assert!(!bytes.is_empty(), "{b}");
    }
}
