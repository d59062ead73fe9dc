//! `GET /api/v1/maps/coverage.png`: the PNG decodes at the size asked, and its pixels are right
//! where it matters — each household's dot in the colour of its coverage at the pixel an
//! independent projection puts it, the reach circle at the radius the scale says, a title, and no
//! household at all for a viewer.

use axum::body::Body;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, Request, StatusCode};
use gridmap::access::Role;
use gridmap::domain::Layer;
use gridmap::maps::{COVERED, REACH, UNCOVERED};
use tiny_skia::Pixmap;

use crate::fixture::{self, COMMUNITY, GRID_W};
use crate::{TestApp, apps, error_of};

/// The map at `uri` as `token` (the admin when `None`): the decoded picture and the headers.
async fn png(app: &TestApp, token: Option<&str>, uri: &str) -> (Pixmap, HeaderMap) {
    let mut req = Request::get(uri);
    if let Some(t) = token {
        req = req.header(AUTHORIZATION, format!("Bearer {t}"));
    }
    let (status, headers, body) = app.raw(req.body(Body::empty()).unwrap()).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}: {uri}: {}",
        app.backend,
        String::from_utf8_lossy(&body)
    );
    assert_eq!(headers[CONTENT_TYPE], "image/png");
    (Pixmap::decode_png(&body).expect("a PNG"), headers)
}

fn header_pair(headers: &HeaderMap, name: &str) -> (f64, f64) {
    let s = headers[name].to_str().unwrap();
    let (a, b) = s.split_once(',').unwrap();
    (a.parse().unwrap(), b.parse().unwrap())
}

/// Where (lon, lat) lands by the projection the endpoint documents (local equirectangular at the
/// centre latitude, radii of curvature of the WGS 84 ellipsoid), computed here from its
/// definition rather than with the crate's code.
fn pixel(headers: &HeaderMap, lon: f64, lat: f64) -> (f64, f64) {
    let (lon0, lat0) = header_pair(headers, "x-map-centre");
    let (cx, cy) = header_pair(headers, "x-map-centre-px");
    let m_per_px: f64 = headers["x-map-metres-per-pixel"].to_str().unwrap().parse().unwrap();
    let (a, f) = (6_378_137.0f64, 1.0 / 298.257_223_563);
    let e2 = f * (2.0 - f);
    let phi = lat0.to_radians();
    let w = (1.0 - e2 * phi.sin().powi(2)).sqrt();
    let per_deg_lon = a / w * phi.cos() * std::f64::consts::PI / 180.0;
    let per_deg_lat = a * (1.0 - e2) / w.powi(3) * std::f64::consts::PI / 180.0;
    (
        cx + (lon - lon0) * per_deg_lon / m_per_px,
        cy - (lat - lat0) * per_deg_lat / m_per_px,
    )
}

fn rgb(map: &Pixmap, (x, y): (f64, f64)) -> [u8; 3] {
    let p = map.pixel(x as u32, y as u32).expect("inside the picture");
    assert_eq!(p.alpha(), 255, "the map is opaque");
    [p.red(), p.green(), p.blue()]
}

fn count(map: &Pixmap, color: [u8; 3]) -> usize {
    map.pixels()
        .iter()
        .filter(|p| [p.red(), p.green(), p.blue()] == color)
        .count()
}

#[tokio::test]
async fn households_and_reach_are_drawn_where_and_as_they_are() {
    for app in apps().await {
        let b = app.backend;
        // The west grid: H1 and H2 (one spot) 85.7 m from RS-A are covered, H3 is not; H4 lies in
        // the east grid, outside the area asked about.
        let (map, headers) = png(
            &app,
            None,
            &format!(
                "/api/v1/maps/coverage.png?kind=red_station&radius_m=100&area_code={GRID_W}&width=4000&height=3000"
            ),
        )
        .await;
        assert_eq!((map.width(), map.height()), (4000, 3000), "{b}");
        assert_eq!(rgb(&map, pixel(&headers, 112.1201, 32.0501)), COVERED, "{b}: H1");
        assert_eq!(rgb(&map, pixel(&headers, 112.13, 32.06)), UNCOVERED, "{b}: H3");
        let h4 = rgb(&map, pixel(&headers, 112.1602, 32.0201));
        assert!(h4 != COVERED && h4 != UNCOVERED, "{b}: H4 is not in the west grid");

        // The reach of RS-A, east along its row: the circle's edge at 100 m by the map's scale.
        let m_per_px: f64 = headers["x-map-metres-per-pixel"].to_str().unwrap().parse().unwrap();
        let (sx, sy) = pixel(&headers, 112.121, 32.05);
        // The edge is drawn in the reach colour, or (a narrow reach, as here) as the station's
        // ring in the kind's colour (red stations: #d32f2f, as on the web map); past the dot
        // that marks the station's place.
        let edge: Vec<f64> = (10..200)
            .map(f64::from)
            .filter(|dx| {
                let px = rgb(&map, (sx + dx, sy));
                [REACH, [211, 47, 47]]
                    .iter()
                    .any(|c| px.iter().zip(c).all(|(a, b)| a.abs_diff(*b) <= 8))
            })
            .collect();
        assert!(!edge.is_empty(), "{b}: no reach circle east of RS-A");
        let drawn = (edge[0] + edge[edge.len() - 1]) / 2.0;
        let expected = 100.0 / m_per_px;
        assert!(
            (drawn - expected).abs() <= 2.0,
            "{b}: the reach is drawn {drawn:.1} px from RS-A, 100 m is {expected:.1} px"
        );

        // The title band (the top 7% of the picture) holds text.
        let inked = (0..200)
            .flat_map(|y| (0..4000).map(move |x| (x, y)))
            .filter(|&(x, y)| map.pixel(x, y).is_some_and(|p| p.red() < 128))
            .count();
        assert!(inked > 2000, "{b}: the title band is blank ({inked} dark pixels)");
    }
}

#[tokio::test]
async fn on_foot_the_paths_within_the_walk_are_drawn_and_households_coloured_by_it() {
    for app in apps().await {
        let b = app.backend;
        app.import(Layer::Paths, &fixture::paths()).await.unwrap();
        let uri = |radius: u32| {
            format!(
                "/api/v1/maps/coverage.png?kind=red_station&radius_m={radius}&distance=walking&area_code={GRID_W}&width=4000&height=3000"
            )
        };
        // H1 walks 96.09 m to RS-A (85.7 m in a straight line): covered on foot at 100 m, not at 90.
        let (map, headers) = png(&app, None, &uri(100)).await;
        assert_eq!(
            rgb(&map, pixel(&headers, 112.1201, 32.0501)),
            COVERED,
            "{b}: H1 at 100 m"
        );
        let (at90, h90) = png(&app, None, &uri(90)).await;
        assert_eq!(rgb(&at90, pixel(&h90, 112.1201, 32.0501)), UNCOVERED, "{b}: H1 at 90 m");

        // RS-A joins R1 (along 32.0501°N) 11.089 m from its door at 112.121°E, so at 100 m the walk
        // goes 88.911 m along R1 each way: to 112.121 ± 0.000941° (94.442 m a thousandth of a
        // degree there). Along R1: the reach colour at 47 m east of the joint, not at 113 m; and
        // no reach circle any more.
        let on_r1 = |lon: f64| rgb(&map, pixel(&headers, lon, 32.0501));
        assert_eq!(on_r1(112.1215), REACH, "{b}: R1 47 m east of RS-A");
        assert_ne!(on_r1(112.1222), REACH, "{b}: R1 113 m east of RS-A");
        let m_per_px: f64 = headers["x-map-metres-per-pixel"].to_str().unwrap().parse().unwrap();
        let (sx, sy) = pixel(&headers, 112.121, 32.05);
        let below = rgb(&map, (sx, sy + 100.0 / m_per_px));
        assert_ne!(below, REACH, "{b}: no circle 100 m south of RS-A on foot");
    }
}

#[tokio::test]
async fn a_viewer_gets_outlines_and_stations_but_no_households() {
    for app in apps().await {
        let b = app.backend;
        let uri = format!("/api/v1/maps/coverage.png?kind=red_station&radius_m=100&area_code={COMMUNITY}");
        let (map, _) = png(&app, None, &uri).await;
        assert_eq!((map.width(), map.height()), (1200, 900), "{b}: the default size");
        assert!(
            count(&map, COVERED) > 0 && count(&map, UNCOVERED) > 0,
            "{b}: the admin sees both"
        );

        let viewer = app.token_for("viewer", Role::Viewer, None).await;
        let (map, headers) = png(&app, Some(&viewer), &uri).await;
        assert_eq!(count(&map, COVERED), 0, "{b}: a viewer's map has covered households");
        assert_eq!(
            count(&map, UNCOVERED),
            0,
            "{b}: a viewer's map has uncovered households"
        );
        // The stations are there: RS-A's place in the red stations' colour.
        assert_eq!(rgb(&map, pixel(&headers, 112.121, 32.05)), [211, 47, 47], "{b}: RS-A");
    }
}

#[tokio::test]
async fn bad_map_questions_are_refused_in_the_error_shape() {
    for app in apps().await {
        let b = app.backend;
        let base = "/api/v1/maps/coverage.png?kind=red_station&radius_m=100";
        for (query, status, code) in [
            ("&width=199", 400, "invalid_parameter"),
            ("&width=4001", 400, "invalid_parameter"),
            ("&height=0", 400, "invalid_parameter"),
            ("&height=tall", 400, "invalid_parameter"),
            ("&width=-5", 400, "invalid_parameter"),
            ("&width=1e9", 400, "invalid_parameter"),
            ("&area_code=999999", 404, "not_found"),
            ("&area_code=%3Cscript%3E", 400, "invalid_parameter"),
        ] {
            let (got, body) = app.get(&format!("{base}{query}")).await;
            assert_eq!(got.as_u16(), status, "{b}: {query}: {body}");
            assert_eq!(error_of(&body).0, code, "{b}: {query}");
        }
        for uri in [
            "/api/v1/maps/coverage.png?radius_m=100",
            "/api/v1/maps/coverage.png?kind=red_station",
            "/api/v1/maps/coverage.png?kind=red_station&radius_m=0",
        ] {
            let (got, body) = app.get(uri).await;
            assert_eq!(got, StatusCode::BAD_REQUEST, "{b}: {uri}: {body}");
            error_of(&body);
        }
        let (got, body) = app.get("/api/v1/maps/coverage.png?kind=spaceport&radius_m=100").await;
        assert_eq!(got, StatusCode::BAD_REQUEST, "{b}: {body}");
        // No token, no map.
        let (got, _, _) = app
            .anonymous(
                Request::get(format!("{base}&area_code={GRID_W}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(got, StatusCode::UNAUTHORIZED, "{b}");
    }
}
