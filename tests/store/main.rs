//! The store contract: every test runs against a fresh SQLite store and a fresh PostGIS store and expects
//! the same behaviour from both.
//!
//! The PostGIS half needs a cluster: `bash scripts/test.sh` starts one, or see `support::postgres`.

#[path = "../support/mod.rs"]
mod support;

mod fixtures;

use fixtures::{code, household, sorted};
use gridmap::domain::Household;
use gridmap::store::{Batch, Revisions, Store, StoreError, UpsertSummary};
use support::fresh_postgres_url;

/// Runs `test` on a fresh SQLite store, then on a fresh PostGIS store.
async fn for_each_store(test: impl AsyncFn(&dyn Store)) {
    let dir = tempfile::tempdir().expect("creating a temporary folder");
    for backend in support::backends() {
        let url = support::fresh_url(backend, &dir).await;
        let store = gridmap::store::open(&url)
            .await
            .unwrap_or_else(|e| panic!("opening {url}: {e}"));
        // Shown with the failure, so a broken assertion names its backend.
        eprintln!("--- {} store", store.backend());
        test(store.as_ref()).await;
        store.close().await;
    }
}

fn inserted(n: usize) -> UpsertSummary {
    UpsertSummary {
        inserted: n,
        updated: 0,
    }
}

fn updated(n: usize) -> UpsertSummary {
    UpsertSummary {
        inserted: 0,
        updated: n,
    }
}

async fn seed(store: &dyn Store) {
    for batch in [
        Batch::Areas(fixtures::areas()),
        Batch::Buildings(fixtures::buildings()),
        Batch::Households(fixtures::households()),
        Batch::Stations(fixtures::stations()),
    ] {
        store.upsert(&batch).await.expect("seeding");
    }
}

#[tokio::test]
async fn all_four_layers_load_back_as_written() {
    for_each_store(async |store| {
        let areas = fixtures::areas();
        assert_eq!(store.upsert(&Batch::Areas(areas.clone())).await.unwrap(), inserted(2));
        assert_eq!(store.load_areas().await.unwrap(), sorted(areas, |a| &a.code));

        let buildings = fixtures::buildings();
        assert_eq!(
            store.upsert(&Batch::Buildings(buildings.clone())).await.unwrap(),
            inserted(2)
        );
        assert_eq!(store.load_buildings().await.unwrap(), sorted(buildings, |b| &b.code));

        // The first household links to a center household that comes after it in the batch.
        let households = fixtures::households();
        assert_eq!(
            store.upsert(&Batch::Households(households.clone())).await.unwrap(),
            inserted(2)
        );
        assert_eq!(store.load_households().await.unwrap(), sorted(households, |h| &h.code));

        let stations = fixtures::stations();
        assert_eq!(
            store.upsert(&Batch::Stations(stations.clone())).await.unwrap(),
            inserted(2)
        );
        assert_eq!(store.load_stations().await.unwrap(), sorted(stations, |s| &s.code));

        assert_eq!(store.revisions().await.unwrap(), Revisions([1, 1, 1, 1, 0]));
        store.ping().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn writing_again_updates_in_place_and_areas_keep_their_ids() {
    for_each_store(async |store| {
        seed(store).await;
        let before = store.load_areas().await.unwrap();

        let mut areas = fixtures::areas();
        for a in &mut areas {
            a.name.push_str("（新）");
            a.id = uuid::Uuid::new_v4(); // ignored on update: the stored id stays
        }
        assert_eq!(store.upsert(&Batch::Areas(areas.clone())).await.unwrap(), updated(2));
        let after = store.load_areas().await.unwrap();
        for ((old, new), written) in before.iter().zip(&after).zip(sorted(areas, |a| &a.code)) {
            assert_eq!(new.id, old.id);
            assert_eq!(new.version, 2);
            assert_eq!(new.name, written.name);
        }

        let mut households = fixtures::households();
        households[0].members = Some(4);
        households[0].center_code = None;
        households.push(household("H003", 112.07, 31.67));
        let summary = store.upsert(&Batch::Households(households.clone())).await.unwrap();
        assert_eq!(
            summary,
            UpsertSummary {
                inserted: 1,
                updated: 2
            }
        );
        assert_eq!(store.load_households().await.unwrap(), sorted(households, |h| &h.code));
    })
    .await;
}

#[tokio::test]
async fn revisions_grow_only_for_the_written_layer() {
    for_each_store(async |store| {
        assert_eq!(store.revisions().await.unwrap(), Revisions([0, 0, 0, 0, 0]));
        store.upsert(&Batch::Stations(fixtures::stations())).await.unwrap();
        assert_eq!(store.revisions().await.unwrap(), Revisions([0, 0, 0, 1, 0]));
        store.upsert(&Batch::Stations(fixtures::stations())).await.unwrap();
        store.upsert(&Batch::Buildings(fixtures::buildings())).await.unwrap();
        assert_eq!(store.revisions().await.unwrap(), Revisions([0, 1, 0, 2, 0]));
    })
    .await;
}

#[tokio::test]
async fn a_broken_link_is_refused_and_writes_nothing() {
    for_each_store(async |store| {
        seed(store).await;
        let (areas, households, revisions) = (
            store.load_areas().await.unwrap(),
            store.load_households().await.unwrap(),
            store.revisions().await.unwrap(),
        );

        // A valid change next to an area whose parent does not exist: neither may be written.
        let mut batch = fixtures::areas();
        batch[1].name = "改名".into();
        batch.push(gridmap::domain::Area {
            id: uuid::Uuid::new_v4(),
            code: code("420624104201"),
            parent_code: Some(code("420624999")),
            level: gridmap::domain::Level::Community,
            ..batch[0].clone()
        });
        let err = store.upsert(&Batch::Areas(batch)).await.unwrap_err();
        assert!(matches!(err, StoreError::Constraint(_)), "{err:?}");

        let mut orphan = household("H009", 112.07, 31.67);
        orphan.building_code = Some(code("B404"));
        let err = store.upsert(&Batch::Households(vec![orphan])).await.unwrap_err();
        assert!(matches!(err, StoreError::Constraint(_)), "{err:?}");

        assert_eq!(store.load_areas().await.unwrap(), areas);
        assert_eq!(store.load_households().await.unwrap(), households);
        assert_eq!(store.revisions().await.unwrap(), revisions);
    })
    .await;
}

#[tokio::test]
async fn a_code_repeated_in_one_batch_ends_with_its_last_values() {
    for_each_store(async |store| {
        let mut first = fixtures::areas().remove(1);
        first.name = "first".into();
        let second = gridmap::domain::Area {
            id: uuid::Uuid::new_v4(),
            name: "second".into(),
            ..first.clone()
        };
        let summary = store.upsert(&Batch::Areas(vec![first.clone(), second])).await.unwrap();
        assert_eq!(
            summary,
            UpsertSummary {
                inserted: 1,
                updated: 1
            }
        );
        let stored = store.load_areas().await.unwrap();
        // As if written one after the other: the first occurrence's id, the last one's values.
        assert_eq!(
            (stored[0].id, stored[0].name.as_str(), stored[0].version),
            (first.id, "second", 2)
        );

        let third = gridmap::domain::Area {
            name: "third".into(),
            ..first.clone()
        };
        let fourth = gridmap::domain::Area {
            name: "fourth".into(),
            ..first.clone()
        };
        assert_eq!(
            store.upsert(&Batch::Areas(vec![third, fourth])).await.unwrap(),
            updated(2)
        );
        let stored = store.load_areas().await.unwrap();
        assert_eq!(
            (stored[0].id, stored[0].name.as_str(), stored[0].version),
            (first.id, "fourth", 4)
        );

        let repeated: Vec<Household> = (1..=3)
            .map(|members| Household {
                members: Some(members),
                ..household("H001", 112.07, 31.67)
            })
            .collect();
        let summary = store.upsert(&Batch::Households(repeated)).await.unwrap();
        assert_eq!(
            summary,
            UpsertSummary {
                inserted: 1,
                updated: 2
            }
        );
        assert_eq!(store.load_households().await.unwrap()[0].members, Some(3));
    })
    .await;
}

#[tokio::test]
async fn batches_larger_than_a_chunk_are_written_whole() {
    for_each_store(async |store| {
        // Every household links to a center that comes last, several PostGIS chunks later; the first ten
        // codes come again at the end with new values.
        const N: usize = 12_345;
        let center = format!("H{:05}", N - 1);
        let mut batch: Vec<Household> = (0..N)
            .map(|i| Household {
                center_code: (i != N - 1).then(|| code(&center)),
                center_household: i == N - 1,
                ..household(&format!("H{i:05}"), 112.0 + i as f64 * 1e-5, 31.6)
            })
            .collect();
        let repeats: Vec<Household> = batch[..10]
            .iter()
            .map(|h| Household {
                head_name: Some("again".into()),
                ..h.clone()
            })
            .collect();
        batch.extend(repeats);

        let summary = store.upsert(&Batch::Households(batch)).await.unwrap();
        assert_eq!(
            summary,
            UpsertSummary {
                inserted: N,
                updated: 10
            }
        );
        let stored = store.load_households().await.unwrap();
        assert_eq!(stored.len(), N);
        assert!(stored[..10].iter().all(|h| h.head_name.as_deref() == Some("again")));
        assert_eq!(stored[10].head_name, None);
    })
    .await;
}

#[tokio::test]
async fn postgis_tables_have_real_geometry_columns() {
    if !support::backends().contains(&"postgres") {
        return;
    }
    let url = fresh_postgres_url().await;
    let store = gridmap::store::open(&url).await.expect("opening the PostGIS store");
    let pool = sqlx::PgPool::connect(&url).await.expect("connecting");
    let columns: Vec<(String, String, i32, String)> = sqlx::query_as(
        "SELECT f_table_name::text, f_geometry_column::text, srid, type::text
         FROM geometry_columns WHERE f_table_schema = current_schema() ORDER BY f_table_name",
    )
    .fetch_all(&pool)
    .await
    .expect("reading geometry_columns");
    let expected = [
        ("area_history", "geom", 4326, "MULTIPOLYGON"),
        ("areas", "geom", 4326, "MULTIPOLYGON"),
        ("buildings", "geom", 4326, "GEOMETRY"),
        ("households", "geom", 4326, "POINT"),
        ("paths", "geom", 4326, "MULTILINESTRING"),
        ("stations", "geom", 4326, "POINT"),
    ];
    let columns: Vec<_> = columns
        .iter()
        .map(|(t, c, s, k)| (t.as_str(), c.as_str(), *s, k.as_str()))
        .collect();
    assert_eq!(columns, expected);

    // A geometry PostGIS holds is one QGIS can draw: a point building stays a point.
    store
        .upsert(&gridmap::store::Batch::Buildings(fixtures::buildings()))
        .await
        .unwrap();
    let kinds: Vec<(String,)> = sqlx::query_as("SELECT GeometryType(geom) FROM buildings ORDER BY code")
        .fetch_all(&pool)
        .await
        .expect("reading building geometry types");
    assert_eq!(kinds, [("POLYGON".to_owned(),), ("POINT".to_owned(),)]);
    pool.close().await;
    store.close().await;
}

/// Every state an area has had is in its history, whoever wrote it: imports through the triggers,
/// commits with their author, reason and change; a commit against a stale version writes nothing.
#[tokio::test]
async fn history_keeps_every_version_and_stale_commits_write_nothing() {
    use gridmap::domain::Layer;
    use gridmap::store::{AreaEdit, ChangeNote};
    for_each_store(async |store| {
        let backend = store.backend();
        let areas = fixtures::areas();
        store.upsert(&Batch::Areas(areas.clone())).await.unwrap();
        store.upsert(&Batch::Areas(areas.clone())).await.unwrap();
        let code = areas[1].code.as_str();
        let history = store.area_history(code).await.unwrap();
        assert_eq!(
            history.iter().map(|v| v.area.version).collect::<Vec<_>>(),
            [2, 1],
            "{backend}"
        );
        assert!(
            history
                .iter()
                .all(|v| v.changed_by == "import" && v.change_id.is_none())
        );

        let mut edited = areas[1].clone();
        edited.name = "改名".into();
        let note = ChangeNote::new("planner", Some("reason".into()));
        let stale = store
            .commit_areas(
                &[AreaEdit {
                    area: edited.clone(),
                    expected_version: 1,
                }],
                &note,
            )
            .await
            .unwrap_err();
        assert!(
            matches!(stale, StoreError::Stale { current: Some(2), .. }),
            "{backend}: {stale}"
        );
        assert_eq!(
            store.area_history(code).await.unwrap().len(),
            2,
            "{backend}: nothing written"
        );
        let revisions = store.revisions().await.unwrap();
        store
            .commit_areas(
                &[AreaEdit {
                    area: edited,
                    expected_version: 2,
                }],
                &note,
            )
            .await
            .unwrap();
        assert!(store.revisions().await.unwrap().get(Layer::Areas) > revisions.get(Layer::Areas));
        let history = store.area_history(code).await.unwrap();
        assert_eq!(history[0].area.version, 3);
        assert_eq!(history[0].area.name, "改名");
        assert_eq!(history[0].changed_by, "planner");
        assert_eq!(history[0].change_reason.as_deref(), Some("reason"));
        assert_eq!(history[0].change_id, Some(note.id));
        let change = store.change(note.id).await.unwrap();
        assert_eq!(change.len(), 1);
        assert_eq!(change[0].area.code.as_str(), code);
        let loaded = store.load_areas().await.unwrap();
        assert_eq!(loaded.iter().find(|a| a.code.as_str() == code).unwrap().version, 3);
    })
    .await;
}

/// A change retiring an area and creating another: one transaction, lineage kept, retired codes
/// never created afresh, and a retired area brought back only at the version after its last.
#[tokio::test]
async fn retired_codes_are_never_created_afresh() {
    use gridmap::domain::Code;
    use gridmap::store::{AreaChange, ChangeNote};
    for_each_store(async |store| {
        let backend = store.backend();
        let areas = fixtures::areas();
        store.upsert(&Batch::Areas(areas.clone())).await.unwrap();
        let town = areas[0].clone();
        let mut successor = town.clone();
        successor.id = uuid::Uuid::new_v4();
        successor.code = Code::parse("420624105").unwrap();
        let note = ChangeNote::new("planner", Some("recode".into()));
        let change = AreaChange {
            retired: vec![(town.code.clone(), 1)],
            created: vec![successor.clone()],
            lineage: vec![(town.code.clone(), successor.code.clone())],
            ..AreaChange::default()
        };
        store.commit_change(&change, &note).await.unwrap();
        let loaded = store.load_areas().await.unwrap();
        assert!(!loaded.iter().any(|a| a.code == town.code), "{backend}");
        assert!(loaded.iter().any(|a| a.code == successor.code), "{backend}");
        let links = store.lineage(town.code.as_str()).await.unwrap();
        assert_eq!(links.len(), 1);
        assert_eq!(
            (links[0].successor.as_str(), links[0].change_id),
            ("420624105", note.id)
        );
        assert_eq!(store.change_lineage(note.id).await.unwrap(), links);
        assert_eq!(store.codes_used("4206241").await.unwrap(), ["420624104", "420624105"]);

        // The retired code, created afresh at version 1: refused, nothing written.
        let mut again = town.clone();
        again.id = uuid::Uuid::new_v4();
        let reuse = AreaChange {
            created: vec![again.clone()],
            retired: vec![(successor.code.clone(), 1)],
            ..AreaChange::default()
        };
        let e = store
            .commit_change(&reuse, &ChangeNote::new("planner", None))
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::CodeUsed { .. }), "{backend}: {e}");
        assert!(
            store
                .load_areas()
                .await
                .unwrap()
                .iter()
                .any(|a| a.code == successor.code),
            "{backend}: rolled back"
        );
        // Brought back (undoing the retirement): at version 2, continuing its history.
        again.version = 2;
        let back = AreaChange {
            created: vec![again],
            retired: vec![(successor.code.clone(), 1)],
            ..AreaChange::default()
        };
        store
            .commit_change(&back, &ChangeNote::new("planner", None))
            .await
            .unwrap();
        let history = store.area_history(town.code.as_str()).await.unwrap();
        assert_eq!(
            history.iter().map(|v| v.area.version).collect::<Vec<_>>(),
            [2, 1],
            "{backend}"
        );
    })
    .await;
}
