//! The subcommands, each a thin layer over the library.

mod audit;
mod bench;
mod coverage;
mod demo;
mod export;
mod import;
mod map;
mod serve;
mod users;
mod validate;

use anyhow::Context;

use crate::config::{BenchCommand, Cli, Command, DemoCommand, MapCommand};
use crate::store::{self, redact_url};

pub use demo::{DemoAccounts, demo_accounts, load_demo};
pub use users::add as add_user;

/// Runs one command line to completion.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve::run(&cli.database, args).await,
        Command::Import(args) => import::run(&cli.database, args).await,
        Command::Export(args) => export::run(&cli.database, args).await,
        Command::Demo(DemoCommand::Load { geodata }) => demo::run_load(&cli.database, &geodata).await,
        Command::Demo(DemoCommand::Generate { source, out }) => demo::run_generate(&source, &out),
        Command::Bench(BenchCommand::Load { scale, source }) => {
            bench::run_load(&cli.database, scale.into(), &source).await
        }
        Command::User(command) => users::run(&cli.database, command).await,
        Command::Audit(args) => audit::run(&cli.database, args).await,
        Command::Validate(args) => validate::run(&cli.database, args).await,
        Command::Coverage(args) => coverage::run(&cli.database, args).await,
        Command::Map(MapCommand::Coverage(args)) => map::coverage(&cli.database, args).await,
    }
}

/// The async runtime gridmap's commands run on: one worker per core, and a blocking pool (tile
/// cutting, batch locates, file reads) of at most [`BLOCKING_THREADS_PER_CORE`] threads a core.
/// Tokio's default of 512 let a burst of tile requests start hundreds of threads that could run
/// no faster on a few cores, each keeping its own allocator pages: on the generated city, 64
/// connections of area tiles grew the server to 245 threads and 2.15 GB resident, at 20 k tiles/s;
/// with the cap it stays at 13 threads and 1.64 GB, at 29 k tiles/s.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(BLOCKING_THREADS_PER_CORE * cores)
        .build()
}

/// See [`runtime`].
pub const BLOCKING_THREADS_PER_CORE: usize = 4;

/// Opens the store named on the command line, with the URL (password redacted) in any error.
async fn open_store(url: &str) -> anyhow::Result<std::sync::Arc<dyn store::Store>> {
    store::open(url)
        .await
        .with_context(|| format!("opening the store {}", redact_url(url)))
}
