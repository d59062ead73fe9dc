//! The subcommands, each a thin layer over the library.

mod bench;
mod demo;
mod export;
mod import;
mod serve;

use anyhow::Context;

use crate::config::{BenchCommand, Cli, Command, DemoCommand};
use crate::store::{self, redact_url};

pub use demo::load_demo;

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
    }
}

/// Opens the store named on the command line, with the URL (password redacted) in any error.
async fn open_store(url: &str) -> anyhow::Result<std::sync::Arc<dyn store::Store>> {
    store::open(url)
        .await
        .with_context(|| format!("opening the store {}", redact_url(url)))
}
