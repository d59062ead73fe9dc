//! Looking at each store from outside the child: is the import writing, how far has it got, did it
//! commit, and what did the kill leave behind.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, Instant};

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, PgConnection, SqliteConnection};

use crate::POLL;

/// A SQLite log this large means the import's transaction is writing: nothing else the import does
/// writes more than a few pages.
const WAL_WRITING: u64 = 1 << 20;
/// "Well under way", in bytes of progress since the write was first seen: about a third of what the
/// whole write of the file takes (a SQLite log of about 31 MB; about 110 MB of PostgreSQL WAL).
/// Should the write ever take less, the run ends before the moment and the test says so.
const UNDER_WAY_SQLITE: u64 = 10 << 20;
const UNDER_WAY_POSTGRES: u64 = 36 << 20;

/// What a look at the store found.
#[derive(Debug, Clone, Copy)]
pub struct Seen {
    pub writing: bool,
    pub progress: u64,
}

pub enum Watch {
    Sqlite {
        url: String,
        wal: PathBuf,
    },
    /// A connection of the test's own to the store's database.
    Postgres {
        conn: PgConnection,
    },
}

impl Watch {
    pub async fn new(backend: &str, url: &str) -> Self {
        match backend {
            "sqlite" => {
                let path = url.strip_prefix("sqlite://").expect("a sqlite:// URL");
                Watch::Sqlite {
                    url: url.to_owned(),
                    wal: PathBuf::from(format!("{path}-wal")),
                }
            }
            _ => Watch::Postgres {
                conn: PgConnection::connect(url).await.expect("connecting to watch PostGIS"),
            },
        }
    }

    /// Checks that nothing a run looks for is already there.
    pub fn ready_for_a_run(&self) {
        if let Watch::Sqlite { wal, .. } = self {
            // The last connection to close checkpoints and removes the log; a big one left over would
            // look like a write.
            assert!(
                file_len(wal) < WAL_WRITING / 4,
                "a {} byte log is left from before the run",
                file_len(wal)
            );
        }
    }

    /// Whether the store shows the import's transaction writing, and how far it has got in bytes:
    /// the SQLite log's size, or the cluster's PostgreSQL write-ahead log position
    /// (the import's rows and index entries are nearly all of it; a little more from elsewhere only
    /// makes the kill come sooner, still inside the write).
    pub async fn look(&mut self) -> Seen {
        match self {
            Watch::Sqlite { wal, .. } => {
                let len = file_len(wal);
                Seen {
                    writing: len >= WAL_WRITING,
                    progress: len,
                }
            }
            Watch::Postgres { conn } => {
                let (writing, progress): (bool, i64) = sqlx::query_as(
                    "SELECT EXISTS (SELECT 1 FROM pg_stat_activity
                                    WHERE datname = current_database() AND pid <> pg_backend_pid()
                                      AND state = 'active' AND query LIKE '%INSERT INTO households%'),
                            pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint",
                )
                .fetch_one(conn)
                .await
                .expect("reading pg_stat_activity");
                Seen {
                    writing,
                    progress: u64::try_from(progress).unwrap_or_default(),
                }
            }
        }
    }

    pub fn under_way(&self) -> u64 {
        match self {
            Watch::Sqlite { .. } => UNDER_WAY_SQLITE,
            Watch::Postgres { .. } => UNDER_WAY_POSTGRES,
        }
    }

    /// `since`: the progress when the write was first seen.
    pub fn describe(&self, seen: Seen, since: Option<u64>) -> String {
        match (self, since) {
            (Watch::Sqlite { .. }, _) => format!("log at {} MB", seen.progress >> 20),
            (Watch::Postgres { .. }, None) => "INSERT active".into(),
            (Watch::Postgres { .. }, Some(since)) => format!(
                "INSERT active, {} MB of WAL since it was first seen",
                seen.progress.saturating_sub(since) >> 20
            ),
        }
    }

    pub async fn households_revision(&mut self) -> i64 {
        let sql = "SELECT revision FROM layer_revisions WHERE layer = 'households'";
        match self {
            // A connection per look, closed again before any kill: a connection still open after the
            // child dies would be the one to clean up its log, not the store's own open.
            Watch::Sqlite { url, .. } => {
                let mut conn = SqliteConnection::connect(url)
                    .await
                    .expect("connecting to watch SQLite");
                let revision = sqlx::query_scalar(sql)
                    .fetch_one(&mut conn)
                    .await
                    .expect("reading the revision");
                conn.close().await.expect("closing the watching connection");
                revision
            }
            Watch::Postgres { conn } => sqlx::query_scalar(sql)
                .fetch_one(conn)
                .await
                .expect("reading the revision"),
        }
    }

    /// Waits until the killed child's server sessions are gone. PostgreSQL finds out about a dead
    /// client only when it next talks to it, so a session busy with an `INSERT` finishes that one
    /// statement first, then rolls back and exits; until then it holds its locks.
    pub async fn settled(&mut self) {
        let Watch::Postgres { conn } = self else { return };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let (sessions, prepared): (i64, i64) = sqlx::query_as(
                "SELECT (SELECT count(*) FROM pg_stat_activity
                         WHERE datname = current_database() AND pid <> pg_backend_pid()
                           AND backend_type = 'client backend'),
                        (SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database())",
            )
            .fetch_one(&mut *conn)
            .await
            .expect("reading pg_stat_activity");
            assert_eq!(prepared, 0, "a prepared transaction outlived the import");
            if sessions == 0 {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{sessions} sessions of the killed import still hold the database"
            );
            tokio::time::sleep(POLL).await;
        }
    }

    /// What the kill left for the store to recover, for the report.
    pub fn leftover_journal(&self) -> String {
        match self {
            Watch::Sqlite { wal, .. } if wal.exists() => format!("; {} MB log left", file_len(wal) >> 20),
            _ => String::new(),
        }
    }

    /// After the store was reopened: no lock is left and the file is sound. (PostgreSQL's side was
    /// checked by [`Watch::settled`]: locks end with their session.)
    pub async fn check_unlocked(&mut self) {
        let Watch::Sqlite { url, .. } = self else { return };
        let options = SqliteConnectOptions::from_str(url)
            .expect("a sqlite URL")
            .busy_timeout(Duration::ZERO);
        let mut conn = SqliteConnection::connect_with(&options)
            .await
            .expect("connecting to SQLite");
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut conn)
            .await
            .expect("taking the write lock: the killed import left it held");
        sqlx::query("ROLLBACK").execute(&mut conn).await.expect("rolling back");
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&mut conn)
            .await
            .expect("checking the file");
        assert_eq!(check, "ok", "SQLite integrity check");
        conn.close().await.expect("closing");
    }

    pub async fn close(self) {
        if let Watch::Postgres { conn } = self {
            let _ = conn.close().await;
        }
    }
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}
