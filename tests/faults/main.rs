//! Fault tests: `gridmap import` killed with SIGKILL must leave the store holding either the whole
//! import or none of it, and ready for the next one.
//!
//! The public contract says an import is all-or-nothing. The CLI tests cover a file that is refused;
//! these cover a process that dies with no chance to clean up (an out-of-memory kill, an operator's
//! `kill -9`), which only the store's transaction can make safe. For each backend the test seeds a
//! store, writes a large households file that both updates stored households and adds new ones (so
//! any prefix of the write changes the count and the stored values), then starts the real binary on it
//! and kills it at four moments. Each moment is found by watching the child and the store, never by
//! sleeping for a guessed time:
//!
//! - before the write: the child has read (`rchar` in `/proc/PID/io`) at least as many bytes as the
//!   import file holds, which it reaches only once it reads the file (the stored data it loads first
//!   is far smaller), and the store shows no write yet: it is reading or parsing the file;
//! - as the write starts, and when it is well under way: for SQLite the write-ahead log has grown
//!   (once the page cache is full, uncommitted pages spill into it); for PostGIS an
//!   `INSERT INTO households` of that database is active in `pg_stat_activity`. "Under way" adds
//!   progress: the log's size, or the PostgreSQL write-ahead log written since the write was seen;
//! - after the commit: the households revision moved while the child is still rebuilding its index.
//!
//! After every kill the store is opened afresh (SQLite recovers from the leftover log) and must equal
//! the state before the import or the state the whole import leads to: per-layer counts, per-layer
//! revisions, and a fingerprint of every household's written columns. A kill that was seen to land in
//! the write and leaves the before-state proves that a transaction was cut and rolled back; each
//! backend must show at least one. Every later run must reach its own write (a lock left behind would
//! stall it) and the last one must complete.

#![cfg(target_os = "linux")]

#[path = "../support/mod.rs"]
mod support;

mod data;
mod watch;

use std::fs::File;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use gridmap::domain::Layer;

use data::{BASE, IMPORTED, Snapshot, UPDATE_EVERY};
use watch::Watch;

/// How often the child and the store are looked at.
pub const POLL: Duration = Duration::from_millis(5);
/// How long any one moment may take to come; generous because the machine may be busy compiling.
pub const DEADLINE: Duration = Duration::from_secs(180);

#[tokio::test]
async fn a_killed_import_leaves_all_of_it_or_none() {
    let dir = tempfile::tempdir().expect("creating a temporary folder");
    let file = dir.path().join("households.geojson");
    let file_len = data::write_import(&file);
    let before_rows = data::base_rows();
    let after_rows = data::after_rows();
    let after_households = (after_rows.len(), data::fingerprint(after_rows));
    for backend in support::backends() {
        let started = Instant::now();
        let url = support::fresh_url(backend, &dir).await;
        let store = gridmap::store::open(&url)
            .await
            .unwrap_or_else(|e| panic!("{backend}: opening a fresh store: {e}"));
        data::seed(store.as_ref()).await;
        store.close().await;
        let mut current = data::snapshot(&url).await;
        assert_eq!(
            (current.households, current.fingerprint),
            (before_rows.len(), data::fingerprint(before_rows.clone())),
            "{backend}: the seeded households read back as written"
        );
        eprintln!("--- {backend}: seeded in {:.1?}", started.elapsed());

        let mut watch = Watch::new(backend, &url).await;
        let mut cut_mid_write = 0;
        for moment in Moment::ALL {
            let run = Instant::now();
            watch.ready_for_a_run();
            let log = dir.path().join(format!("{backend}-{moment:?}.log"));
            let mut child = start_import(&url, &file, &log);
            let seen = kill_at(moment, &mut child, &mut watch, file_len, &current, &log).await;
            watch.settled().await;
            let journal = watch.leftover_journal();
            let after_kill = data::snapshot(&url).await;
            let whole = data::imported(current, after_households);
            let outcome = if after_kill == current {
                "nothing written"
            } else if after_kill == whole {
                "the whole import"
            } else {
                panic!(
                    "{backend}: killed {moment:?} ({seen}), the store holds part of the import:\n  \
                     before: {current:?}\n  found:  {after_kill:?}\n  whole:  {whole:?}"
                )
            };
            watch.check_unlocked().await;
            eprintln!(
                "--- {backend}: killed {moment:?} after {:.1?} ({seen}{journal}): {outcome}",
                run.elapsed()
            );
            match moment {
                Moment::BeforeWrite => assert_eq!(after_kill, current, "{backend}: nothing was written yet"),
                Moment::AfterCommit => assert_eq!(after_kill, whole, "{backend}: the commit was done"),
                Moment::WriteStarted | Moment::WriteUnderWay => {
                    if after_kill == current {
                        cut_mid_write += 1;
                    }
                }
            }
            current = after_kill;
        }
        assert!(
            cut_mid_write > 0,
            "{backend}: no kill landed inside the write transaction, so its rollback was never tested"
        );

        // The store is not wedged: the same file imports completely.
        let run = Instant::now();
        watch.ready_for_a_run();
        let log = dir.path().join(format!("{backend}-complete.log"));
        let mut child = start_import(&url, &file, &log);
        let status = wait(&mut child, &log).await;
        let said = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(status.success(), "{backend}: the last import failed: {said}");
        // Counted as the store counts: a code already stored is an update.
        let rewritten = IMPORTED.div_ceil(UPDATE_EVERY).min(BASE);
        let (new, updated) = if current.households == BASE {
            (IMPORTED - rewritten, rewritten)
        } else {
            (0, IMPORTED)
        };
        assert!(
            said.contains(&format!(
                "imported {IMPORTED} households ({new} new, {updated} updated)"
            )),
            "{backend}: {said}"
        );
        assert_eq!(
            data::snapshot(&url).await,
            data::imported(current, after_households),
            "{backend}: the complete import"
        );
        watch.close().await;
        eprintln!(
            "--- {backend}: complete import in {:.1?}; {:.1?} for the backend",
            run.elapsed(),
            started.elapsed()
        );
    }
}

// ---------------------------------------------------------------------------------------------------
// The child process.

fn start_import(url: &str, file: &Path, log: &Path) -> Child {
    let log = File::create(log).expect("creating the child's log");
    Command::new(env!("CARGO_BIN_EXE_gridmap"))
        .arg("--database")
        .arg(url)
        .args(["import", "--layer", "households"])
        .arg(file)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("starting gridmap import")
}

/// Bytes the process has read with `read` and `pread` calls (`rchar`): its files, including the
/// SQLite store's, and not its sockets (std reads those with `recv`).
fn bytes_read(pid: u32) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/io")).unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix("rchar:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

async fn wait(child: &mut Child, log: &Path) -> std::process::ExitStatus {
    let deadline = Instant::now() + DEADLINE;
    loop {
        if let Some(status) = child.try_wait().expect("waiting for the child") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the import did not finish within {DEADLINE:?}: {}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        tokio::time::sleep(POLL).await;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Moment {
    /// The file is being read or parsed; nothing is written yet.
    BeforeWrite,
    /// The first sign of the write.
    WriteStarted,
    /// About a third of the write done.
    WriteUnderWay,
    /// Committed; the child is reloading its index.
    AfterCommit,
}

impl Moment {
    const ALL: [Moment; 4] = [
        Moment::BeforeWrite,
        Moment::WriteStarted,
        Moment::WriteUnderWay,
        Moment::AfterCommit,
    ];
}

/// Watches `child` until `moment` and kills it (SIGKILL) there. Returns what was seen, for messages.
async fn kill_at(
    moment: Moment,
    child: &mut Child,
    watch: &mut Watch,
    file_len: u64,
    current: &Snapshot,
    log: &Path,
) -> String {
    let deadline = Instant::now() + DEADLINE;
    let revision = current.revisions.get(Layer::Households);
    let mut write_seen_at: Option<u64> = None;
    loop {
        if let Some(status) = child.try_wait().expect("looking at the child") {
            panic!(
                "the import ended ({status}) before the moment {moment:?} came: {}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the moment {moment:?} did not come within {DEADLINE:?}");
        }
        let seen = match moment {
            Moment::BeforeWrite => {
                let read = bytes_read(child.id());
                (read >= file_len && !watch.look().await.writing).then(|| format!("{} MB read, no write", read >> 20))
            }
            Moment::WriteStarted => {
                let seen = watch.look().await;
                seen.writing.then(|| watch.describe(seen, None))
            }
            Moment::WriteUnderWay => {
                let seen = watch.look().await;
                if seen.writing {
                    let start = *write_seen_at.get_or_insert(seen.progress);
                    (seen.progress.saturating_sub(start) >= watch.under_way())
                        .then(|| watch.describe(seen, Some(start)))
                } else {
                    None
                }
            }
            Moment::AfterCommit => {
                (watch.households_revision().await > revision).then(|| format!("revision {}", revision + 1))
            }
        };
        if let Some(seen) = seen {
            child.kill().expect("killing the child");
            child.wait().expect("reaping the child");
            return seen;
        }
        tokio::time::sleep(POLL).await;
    }
}
