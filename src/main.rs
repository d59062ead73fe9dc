//! The `gridmap` binary: parse the command line, start logging, run.

#[global_allocator]
static ALLOCATOR: gridmap::Allocator = gridmap::Allocator;

use clap::Parser;
use tracing_subscriber::EnvFilter;

fn main() -> std::process::ExitCode {
    let cli = gridmap::config::Cli::parse();
    // The server logs what it does; one-shot commands speak only when something is wrong.
    let default_filter = match cli.command {
        gridmap::config::Command::Serve(_) => "gridmap=info,tower_http=info",
        _ => "gridmap=warn",
    };
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter)))
        .with_writer(std::io::stderr)
        .init();
    let runtime = match gridmap::cli::runtime() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: starting the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(gridmap::cli::run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
