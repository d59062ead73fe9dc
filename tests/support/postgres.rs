//! A new, empty PostgreSQL database per test on the cluster that `GRIDMAP_TEST_POSTGRES_URL` names.

use sqlx::{AssertSqlSafe, Connection, PgConnection};

/// The environment variable holding an admin URL, as `scripts/pg-test-cluster.sh start DIR` prints it.
pub const POSTGRES_URL_VAR: &str = "GRIDMAP_TEST_POSTGRES_URL";

/// Creates a uniquely named database (`gm_test_<uuid>`) on the test cluster and returns its URL.
///
/// Panics with instructions when `GRIDMAP_TEST_POSTGRES_URL` is unset: the PostGIS half of the tests
/// cannot run without a cluster, and skipping it silently would hide failures.
pub async fn fresh_postgres_url() -> String {
    let Ok(admin) = std::env::var(POSTGRES_URL_VAR) else {
        panic!(
            "{POSTGRES_URL_VAR} is not set, so the PostGIS tests have no cluster to run on. Run the tests with \
             `bash scripts/test.sh`, which starts one, or start one yourself:\n    \
             export {POSTGRES_URL_VAR}=$(bash scripts/pg-test-cluster.sh start /tmp/gridmap-pg)\n\
             and stop it afterwards with `bash scripts/pg-test-cluster.sh stop /tmp/gridmap-pg`."
        )
    };
    let shown = gridmap::store::redact_url(&admin);
    let mut conn = PgConnection::connect(&admin)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to the test cluster {POSTGRES_URL_VAR}={shown}: {e}"));
    let name = format!("gm_test_{}", uuid::Uuid::new_v4().simple());
    // A database name cannot be a bound parameter; this one is made of ASCII letters, digits and '_'.
    sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("cannot create database {name} on {shown}: {e}"));
    let _ = conn.close().await;
    with_database(&admin, &name)
}

/// `url` with its database (the path) replaced by `name`, keeping any `?…` options.
fn with_database(url: &str, name: &str) -> String {
    let (base, options) = match url.split_once('?') {
        Some((base, options)) => (base, Some(options)),
        None => (url, None),
    };
    let authority = base.find("://").map_or(0, |i| i + 3);
    let path = base[authority..].find('/').map_or(base.len(), |i| authority + i);
    let mut out = format!("{}/{name}", &base[..path]);
    if let Some(options) = options {
        out.push('?');
        out.push_str(options);
    }
    out
}

#[test]
fn database_names_replace_the_path() {
    let name = "gm_test_1";
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/postgres", name),
        "postgres://postgres@127.0.0.1:5432/gm_test_1"
    );
    assert_eq!(
        with_database("postgres://u:p@h:1", name),
        "postgres://u:p@h:1/gm_test_1"
    );
    assert_eq!(
        with_database("postgresql://u@h/db?sslmode=disable", name),
        "postgresql://u@h/gm_test_1?sslmode=disable"
    );
}
