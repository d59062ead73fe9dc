//! OGC API – Features under `/ogc`: landing page, conformance, collections, items with `bbox`,
//! `limit` and paging links, single features and errors, on both stores.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use serde_json::{Value, json};

use crate::fixture::*;
use crate::tiles::get;
use crate::{TestApp, apps, error_of};

const ORIGIN: &str = "http://gridmap.test:8080";

/// GET with the test host; the body parsed as JSON.
async fn fetch(app: &TestApp, uri: &str) -> (StatusCode, Value) {
    app.request(get(uri)).await
}

/// The path and query of an absolute link this server made, checked to point back at it.
fn local(href: &str) -> &str {
    href.strip_prefix(ORIGIN)
        .unwrap_or_else(|| panic!("link {href} is not at {ORIGIN}"))
}

fn link<'a>(doc: &'a Value, rel: &str) -> Option<&'a Value> {
    doc["links"].as_array()?.iter().find(|l| l["rel"] == rel)
}

fn ids(page: &Value) -> Vec<String> {
    page["features"]
        .as_array()
        .unwrap_or_else(|| panic!("no features in {page}"))
        .iter()
        .map(|f| f["id"].as_str().expect("string id").to_owned())
        .collect()
}

const ALL_AREAS: [&str; 10] = [
    COUNTY,
    WEST,
    EAST,
    COMMUNITY,
    GRID_W,
    GRID_E,
    YARD_S,
    YARD_N,
    NORTH_COMMUNITY,
    ENCLAVE,
];

fn sorted(codes: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = codes.iter().map(|s| (*s).to_owned()).collect();
    v.sort();
    v
}

#[tokio::test]
async fn landing_page_conformance_and_collections_describe_the_api() {
    for app in apps().await {
        let b = app.backend;
        let (status, landing) = fetch(&app, "/ogc").await;
        assert_eq!(status, StatusCode::OK, "{b}: {landing}");
        assert_eq!(fetch(&app, "/ogc/").await, (StatusCode::OK, landing.clone()), "{b}");
        for rel in ["self", "service-desc", "conformance", "data"] {
            let l = link(&landing, rel).unwrap_or_else(|| panic!("{b}: no {rel} link in {landing}"));
            let (status, _) = fetch(&app, local(l["href"].as_str().unwrap())).await;
            assert_eq!(status, StatusCode::OK, "{b}: {rel} link {l}");
        }
        let (_, api) = fetch(
            &app,
            local(link(&landing, "service-desc").unwrap()["href"].as_str().unwrap()),
        )
        .await;
        assert!(api["openapi"].as_str().unwrap().starts_with("3.1"), "{api}");
        assert!(api["paths"]["/ogc/collections/{collection_id}/items"]["get"].is_object());

        let (_, conformance) = fetch(&app, "/ogc/conformance").await;
        let classes: Vec<&str> = conformance["conformsTo"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert!(classes.contains(&"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"));
        assert!(classes.contains(&"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"));
        assert!(
            !classes.iter().any(|c| c.ends_with("/oas30")),
            "OpenAPI 3.1 is not oas30"
        );

        let (status, all) = fetch(&app, "/ogc/collections").await;
        assert_eq!(status, StatusCode::OK);
        let listed: Vec<&str> = all["collections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        for id in [
            "areas",
            "buildings",
            "households",
            "stations",
            "areas_grid",
            "areas_red_yard",
        ] {
            assert!(listed.contains(&id), "{b}: {id} not in {listed:?}");
        }
        let (status, areas) = fetch(&app, "/ogc/collections/areas").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(areas["itemType"], "feature");
        assert_eq!(
            areas["extent"]["spatial"]["bbox"],
            json!([[112.0, 32.0, 112.32, 32.2]]),
            "{b}"
        );
        let items = link(&areas, "items").unwrap();
        assert_eq!(items["type"], "application/geo+json");
        assert_eq!(items["href"], format!("{ORIGIN}/ogc/collections/areas/items"));
        let (_, yards) = fetch(&app, "/ogc/collections/areas_red_yard").await;
        assert_eq!(
            yards["extent"]["spatial"]["bbox"],
            json!([[112.15, 32.0, 112.2, 32.1]]),
            "{b}"
        );
        let (_, stations) = fetch(&app, "/ogc/collections/stations").await;
        assert_eq!(stations["extent"]["spatial"]["bbox"][0][3], json!(32.15), "{b}");
    }
}

#[tokio::test]
async fn items_are_geojson_filtered_by_bbox_and_limited() {
    for app in apps().await {
        let b = app.backend;
        let (status, headers, body) = app
            .raw(get("/ogc/collections/stations/items?bbox=112.1,32.0,112.2,32.1"))
            .await;
        assert_eq!(status, StatusCode::OK, "{b}");
        assert_eq!(headers[CONTENT_TYPE], "application/geo+json");
        let page: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(page["type"], "FeatureCollection");
        assert_eq!(ids(&page), ["PR-1", "RS-A", "RS-B"], "{b}");
        assert_eq!(
            (page["numberMatched"].as_u64(), page["numberReturned"].as_u64()),
            (Some(3), Some(3))
        );
        assert!(page["timeStamp"].as_str().unwrap().ends_with('Z'));
        assert!(link(&page, "next").is_none());

        let (_, two) = fetch(
            &app,
            "/ogc/collections/stations/items?bbox=112.1,32.0,112.2,32.1&limit=2",
        )
        .await;
        assert_eq!(ids(&two), ["PR-1", "RS-A"], "{b}");
        assert_eq!(two["numberMatched"], 3);
        assert_eq!(
            link(&two, "next").unwrap()["href"],
            format!("{ORIGIN}/ogc/collections/stations/items?limit=2&bbox=112.1,32,112.2,32.1&offset=2")
        );

        // Inside the county's hole: its box meets the bbox, its shape does not; only the enclave does.
        let (_, hole) = fetch(&app, "/ogc/collections/areas/items?bbox=112.055,32.055,112.065,32.065").await;
        assert_eq!(ids(&hole), [ENCLAVE], "{b}");
        // The exclave alone: the county, the east township and the south community reach it.
        let (_, exclave) = fetch(&app, "/ogc/collections/areas/items?bbox=112.305,32.005,112.31,32.01").await;
        assert_eq!(ids(&exclave), [COUNTY, EAST, COMMUNITY], "{b}");
        // A box that is a segment of the grids' shared edge touches both grids, and only grids.
        let (_, edge) = fetch(&app, "/ogc/collections/areas_grid/items?bbox=112.15,32.02,112.15,32.03").await;
        assert_eq!(ids(&edge), [GRID_W, GRID_E], "{b}");
        // A box that is one point finds the two households placed on it.
        let (_, point) = fetch(
            &app,
            "/ogc/collections/households/items?bbox=112.1201,32.0501,112.1201,32.0501",
        )
        .await;
        assert_eq!(ids(&point), ["H1", "H2"], "{b}");
        let h1 = &point["features"][0];
        assert_eq!(
            h1["geometry"],
            json!({"type": "Point", "coordinates": [112.1201, 32.0501]})
        );
        assert_eq!(h1["properties"]["head_name"], "张三");
        assert_eq!(h1["properties"]["note"], "kept as given");
        let (_, buildings) = fetch(&app, "/ogc/collections/buildings/items?bbox=112.14,32.1,112.16,32.2").await;
        assert_eq!(ids(&buildings), ["B3"], "{b}");
        let (_, everything) = fetch(&app, "/ogc/collections/households/items?bbox=100,20,120,40&limit=3").await;
        assert_eq!(ids(&everything), ["H1", "H2", "H3"], "{b}");
        assert_eq!(everything["numberMatched"], 4);
        let (_, nowhere) = fetch(&app, "/ogc/collections/areas/items?bbox=0,0,1,1").await;
        assert_eq!((ids(&nowhere).len(), nowhere["numberMatched"].as_u64()), (0, Some(0)));

        // The default page is 10 features.
        let (_, first) = fetch(&app, "/ogc/collections/areas/items").await;
        assert_eq!(ids(&first).len(), 10);
        assert_eq!(first["numberMatched"], 10);
    }
}

/// Follows `next` links from the first page; returns every id seen and checks each page's links.
async fn walk(app: &TestApp, first: &str) -> (Vec<String>, u64) {
    let (status, mut page) = fetch(app, first).await;
    assert_eq!(status, StatusCode::OK, "{first}: {page}");
    let matched = page["numberMatched"].as_u64().unwrap();
    let mut seen = ids(&page);
    assert!(link(&page, "prev").is_none(), "the first page has no prev");
    while let Some(next) = link(&page, "next") {
        let next = local(next["href"].as_str().unwrap()).to_owned();
        let previous_self = link(&page, "self").unwrap()["href"].clone();
        let (status, following) = fetch(app, &next).await;
        assert_eq!(status, StatusCode::OK, "{next}");
        assert_eq!(following["numberMatched"].as_u64(), Some(matched));
        assert_eq!(link(&following, "prev").unwrap()["href"], previous_self, "{next}");
        assert_eq!(following["numberReturned"].as_u64(), Some(ids(&following).len() as u64));
        seen.extend(ids(&following));
        assert!(seen.len() as u64 <= matched, "{next} walks past numberMatched");
        page = following;
    }
    (seen, matched)
}

#[tokio::test]
async fn paging_links_walk_every_feature_exactly_once() {
    for app in apps().await {
        let b = app.backend;
        let cases: [(&str, Vec<String>); 5] = [
            ("areas", sorted(&ALL_AREAS)),
            ("buildings", sorted(&["B1", "B2", "B3"])),
            ("households", sorted(&["H1", "H2", "H3", "H4"])),
            ("stations", sorted(&["RS-A", "RS-B", "RS-C", "PR-1", "GC-1"])),
            ("areas_community", sorted(&[COMMUNITY, NORTH_COMMUNITY])),
        ];
        for (collection, expected) in cases {
            for limit in [1, 2, 3, 10_000] {
                let (seen, matched) = walk(&app, &format!("/ogc/collections/{collection}/items?limit={limit}")).await;
                assert_eq!(seen, expected, "{b}: {collection} limit {limit}");
                assert_eq!(matched as usize, expected.len());
            }
        }
        let (seen, matched) = walk(&app, "/ogc/collections/areas/items?bbox=112.1,32.0,112.2,32.1&limit=2").await;
        let unique: BTreeSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "{b}: {seen:?}");
        assert_eq!(seen.len() as u64, matched);
        // Both townships touch the box (the west one along x = 112.1), the north community along y = 32.1.
        assert_eq!(
            seen,
            sorted(&[
                COUNTY,
                WEST,
                EAST,
                COMMUNITY,
                NORTH_COMMUNITY,
                GRID_W,
                GRID_E,
                YARD_S,
                YARD_N
            ]),
            "{b}"
        );
        // Past the end: an empty page that still counts every match and points back.
        let (_, past) = fetch(&app, "/ogc/collections/stations/items?offset=50&limit=10").await;
        assert_eq!((ids(&past).len(), past["numberMatched"].as_u64()), (0, Some(5)));
        assert!(link(&past, "next").is_none() && link(&past, "prev").is_some());
    }
}

#[tokio::test]
async fn a_single_feature_by_its_code() {
    for app in apps().await {
        let b = app.backend;
        let (status, headers, body) = app.raw(get("/ogc/collections/stations/items/GC-1")).await;
        assert_eq!(status, StatusCode::OK, "{b}");
        assert_eq!(headers[CONTENT_TYPE], "application/geo+json");
        let gc: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(gc["type"], "Feature");
        assert_eq!(gc["id"], "GC-1");
        assert_eq!(gc["properties"]["tier"], "township");
        assert_eq!(gc["geometry"]["coordinates"], json!([112.17, 32.12]));
        assert_eq!(
            link(&gc, "self").unwrap()["href"],
            format!("{ORIGIN}/ogc/collections/stations/items/GC-1")
        );
        let (status, yard) = fetch(&app, &format!("/ogc/collections/areas_red_yard/items/{YARD_N}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(yard["properties"]["parent_code"], GRID_E);
        assert_eq!(yard["geometry"]["type"], "MultiPolygon");
        // The same code through the all-areas collection; not through another level's.
        let (status, _) = fetch(&app, &format!("/ogc/collections/areas/items/{YARD_N}")).await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = fetch(&app, &format!("/ogc/collections/areas_grid/items/{YARD_N}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{b}: {body}");
        assert_eq!(error_of(&body).0, "not_found");
    }
}

#[tokio::test]
async fn both_stores_serve_the_same_features() {
    let apps = apps().await;
    let mut pages = Vec::new();
    for app in &apps {
        let mut all = Vec::new();
        for collection in ["areas", "buildings", "households", "stations"] {
            let (_, page) = fetch(app, &format!("/ogc/collections/{collection}/items?limit=100")).await;
            all.push(page["features"].clone());
        }
        pages.push(all);
    }
    for (app, p) in apps.iter().zip(&pages).skip(1) {
        assert_eq!(*p, pages[0], "{} differs from {}", app.backend, apps[0].backend);
    }
}

#[tokio::test]
async fn bad_queries_are_400_and_unknown_things_404_in_the_error_shape() {
    for app in apps().await {
        let b = app.backend;
        for (query, code, mentions) in [
            ("bbox=112,32,113", "invalid_bbox", "4 numbers"),
            ("bbox=112,32,113,33,1", "invalid_bbox", "4 numbers"),
            ("bbox=112,x,113,33", "invalid_bbox", "\"x\""),
            ("bbox=32,112,33,113", "invalid_bbox", "minlat"),
            ("bbox=112,33,113,32", "invalid_bbox", "maxlat"),
            ("bbox=113,32,112,33", "invalid_bbox", "antimeridian"),
            ("limit=0", "invalid_parameter", "'limit'"),
            ("limit=10001", "invalid_parameter", "'limit'"),
            ("limit=ten", "invalid_parameter", "'limit'"),
            ("offset=-1", "invalid_parameter", "'offset'"),
            ("bbox-crs=EPSG:3857", "invalid_parameter", "'bbox-crs'"),
            ("datetime=yesterday", "invalid_parameter", "'datetime'"),
            ("limit=1&limit=2", "invalid_parameter", "limit"),
        ] {
            let (status, body) = fetch(&app, &format!("/ogc/collections/areas/items?{query}")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{b}: {query}: {body}");
            let (got, message) = error_of(&body);
            assert_eq!(got, code, "{b}: {query}: {message}");
            assert!(message.contains(mentions), "{b}: {query}: {message}");
        }
        let (status, _) = fetch(&app, "/ogc/collections/areas/items?datetime=2024-01-01T00:00:00Z/..").await;
        assert_eq!(
            status,
            StatusCode::OK,
            "features without time match any well-formed datetime"
        );
        for uri in [
            "/ogc/collections/roads",
            "/ogc/collections/roads/items",
            "/ogc/collections/households/items/H9",
            "/ogc/collections/households/items/not%20a%20code",
            "/ogc/collections/areas/items/H1",
            "/ogc/nothing/here",
        ] {
            let (status, body) = fetch(&app, uri).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{b}: {uri}: {body}");
            assert_eq!(error_of(&body).0, "not_found", "{uri}");
        }
        let (_, body) = fetch(&app, "/ogc/collections/roads/items").await;
        assert!(error_of(&body).1.contains("\"roads\""), "{body}");
    }
}
