//! The command line: one clap structure, flags with environment fallbacks. The only place that
//! reads the environment.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::domain::{Crs, Layer};

/// The embedded store used when no `--database` is given.
pub const DEFAULT_DATABASE: &str = "sqlite://data/gridmap.db";

/// gridmap — grid governance maps: which grid is this point in, what is the nearest station.
#[derive(Debug, Parser)]
#[command(name = "gridmap", version, about)]
pub struct Cli {
    /// Where the data lives: `sqlite://PATH` (embedded) or `postgres://USER:PASS@HOST/DB` (PostGIS).
    #[arg(long, env = "DATABASE_URL", global = true, default_value = DEFAULT_DATABASE, hide_env_values = true)]
    pub database: String,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API and the web app.
    Serve(ServeArgs),
    /// Import GeoJSON (or CSV with lon,lat columns for point layers); all or nothing.
    Import(ImportArgs),
    /// Export a layer as GeoJSON or CSV, in the form `import` reads.
    Export(ExportArgs),
    /// The demo data set.
    #[command(subcommand)]
    Demo(DemoCommand),
    /// Benchmark data: a generated city (see BENCHMARKS.md).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Accounts: add (password from standard input), list, remove, revoke tokens.
    #[command(subcommand)]
    User(UserCommand),
    /// Read the audit log: who read or changed which household or area, when, from where.
    Audit(AuditArgs),
    /// Check how an area's children tile it: gaps, overlaps, reach outside, scattered children,
    /// households and buildings in no child or in two, and size balance. Exits with 1 when a
    /// problem is found.
    Validate(ValidateArgs),
    /// Coverage of households by stations of a kind within a radius (geodesic metres), in all and
    /// by area; with `--suggest K`, the K sites for new stations that would cover the most of the
    /// households left out.
    Coverage(CoverageArgs),
    /// Static maps as PNG, for reports and printing.
    #[command(subcommand)]
    Map(MapCommand),
}

#[derive(Debug, Subcommand)]
pub enum MapCommand {
    /// The coverage map of an area (the PNG of `GET /api/v1/maps/coverage.png`), with every
    /// household drawn.
    Coverage(MapCoverageArgs),
}

#[derive(Debug, clap::Args)]
pub struct MapCoverageArgs {
    /// Station kind, e.g. red_station, governance_center, police_room.
    #[arg(long)]
    pub kind: String,
    /// The reach of a station, geodesic metres on the WGS 84 ellipsoid.
    #[arg(long)]
    pub radius_m: f64,
    /// The area to map (default: every top-level area).
    #[arg(long)]
    pub area: Option<String>,
    /// Picture width, pixels (200 to 4000).
    #[arg(long, default_value_t = 1200)]
    pub width: u64,
    /// Picture height, pixels (200 to 4000).
    #[arg(long, default_value_t = 900)]
    pub height: u64,
    /// `walking`: reach and coverage on foot along the path network (e.g. `--radius-m 1200
    /// --distance walking` for a 15-minute walk), the paths within the walk drawn instead of circles.
    #[arg(long, default_value = "straight")]
    pub distance: String,
    /// Where to write the PNG.
    #[arg(short, long)]
    pub output: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct CoverageArgs {
    /// Station kind, e.g. red_station, governance_center, police_room.
    #[arg(long)]
    pub kind: String,
    /// The reach of a station, geodesic metres on the WGS 84 ellipsoid.
    #[arg(long)]
    pub radius_m: f64,
    /// Only households inside this area (default: everything).
    #[arg(long)]
    pub area: Option<String>,
    /// Level of the breakdown (default: the area's children, or townships).
    #[arg(long)]
    pub level: Option<String>,
    /// Also suggest this many sites for new stations.
    #[arg(long, value_name = "K")]
    pub suggest: Option<usize>,
    /// Candidate sites for --suggest: buildings (their anchor points) or grid.
    #[arg(long, default_value = "buildings")]
    pub candidates: String,
    /// Spacing of the candidate grid, metres (with --candidates grid).
    #[arg(long)]
    pub spacing_m: Option<f64>,
    /// `walking`: also count the households within the radius on foot along the path network (and
    /// suggest sites by the households they reach on foot).
    #[arg(long, default_value = "straight")]
    pub distance: String,
    /// The answer as JSON (the API's shape) instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// The area whose children are checked.
    #[arg(required_unless_present = "all")]
    pub code: Option<String>,
    /// Check every area that has children instead.
    #[arg(long, conflicts_with = "code")]
    pub all: bool,
    /// Gaps, overlaps and overreach smaller than this (m²) are slivers, not problems.
    #[arg(long, default_value_t = crate::plan::topology::DEFAULT_TOLERANCE_M2)]
    pub tolerance_m2: f64,
    /// Households per child, MIN..MAX (either end may be left open); default by level.
    #[arg(long)]
    pub households: Option<crate::plan::Band>,
    /// People per child, MIN..MAX.
    #[arg(long)]
    pub people: Option<crate::plan::Band>,
    /// Party-member households per child, MIN..MAX.
    #[arg(long)]
    pub party_members: Option<crate::plan::Band>,
    /// Center households (党员中心户) per child, MIN..MAX.
    #[arg(long)]
    pub center_households: Option<crate::plan::Band>,
    /// The full report as JSON (one object per area) instead of a summary.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an account; the password is read from standard input (one line).
    Add {
        name: String,
        #[arg(long, value_enum)]
        role: crate::access::Role,
        /// Limit the account's residents' data to this area and everything below it.
        #[arg(long)]
        scope: Option<String>,
    },
    /// List accounts.
    List,
    /// Remove an account and every token it holds.
    Remove { name: String },
    /// Revoke every token of an account (it must log in again); running servers notice within seconds.
    Revoke { name: String },
}

#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// Only this account's entries.
    #[arg(long)]
    pub user: Option<String>,
    /// Only entries that touched this household or area code.
    #[arg(long)]
    pub code: Option<String>,
    /// Only this action (login, login_failed, logout, read_households, read_area, import, export,
    /// user_added, user_removed, tokens_revoked).
    #[arg(long)]
    pub action: Option<String>,
    /// Only entries at or after this time (RFC 3339, e.g. 2026-11-24T08:00:00Z).
    #[arg(long)]
    pub since: Option<String>,
    /// Most entries shown, newest first.
    #[arg(long, default_value_t = 100)]
    pub limit: u32,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Who is at the command line, for the audit log (`cli:<login name>`).
pub fn cli_user() -> String {
    let name = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("cli:{name}")
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "GRIDMAP_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Do not load the demo data into an empty default store.
    #[arg(long)]
    pub no_demo: bool,
    /// Folder holding the demo GeoJSON files.
    #[arg(long, env = "GRIDMAP_GEODATA", default_value = "geodata")]
    pub geodata: PathBuf,
    /// Seconds between checks for writes made by other processes (e.g. `gridmap import`).
    #[arg(long, env = "GRIDMAP_REFRESH_SECS", default_value_t = 2)]
    pub refresh_secs: u64,
    /// Most points accepted by one `POST /api/v1/locate`.
    #[arg(long, env = "GRIDMAP_MAX_BATCH_POINTS", default_value_t = 200_000)]
    pub max_batch_points: usize,
    /// Requests per second one token may make on average (bursts of four times as many); 0 for no
    /// limit (load tests).
    #[arg(long, env = "GRIDMAP_RATE_LIMIT", default_value_t = 100.0)]
    pub rate_limit: f64,
    /// Hours a token lives after login.
    #[arg(long, env = "GRIDMAP_TOKEN_HOURS", default_value_t = 12.0)]
    pub token_hours: f64,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Which layer the files hold.
    #[arg(long, value_enum)]
    pub layer: Layer,
    /// The datum of the files' coordinates; converted to WGS 84 on the way in.
    #[arg(long, value_enum, default_value = "wgs84")]
    pub crs: CrsArg,
    /// GeoJSON FeatureCollection files, or `.csv` files with lon,lat columns (point layers).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[arg(long, value_enum)]
    pub layer: Layer,
    #[arg(long, value_enum, default_value = "geojson")]
    pub format: Format,
    /// Write here instead of standard output.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Regenerate the demo files from the real source data (deterministic).
    Generate {
        #[arg(long, default_value = "geodata/source")]
        source: PathBuf,
        #[arg(long, default_value = "geodata")]
        out: PathBuf,
    },
    /// Import the demo files into the store named by `--database`.
    Load {
        #[arg(long, default_value = "geodata")]
        geodata: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Generate a city (deterministic) and write it into the store named by `--database`, layer by layer.
    Load {
        /// `small` (~250 grids, 100,000 households) or `city` (~5,000 grids, 2,000,000 households).
        #[arg(long, value_enum, default_value = "small")]
        scale: ScaleArg,
        /// Folder holding the real county polygons (`xiangyang_counties.geojson`).
        #[arg(long, default_value = crate::citygen::DEFAULT_SOURCE)]
        source: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScaleArg {
    Small,
    City,
}

impl From<ScaleArg> for crate::citygen::Scale {
    fn from(s: ScaleArg) -> Self {
        match s {
            ScaleArg::Small => Self::Small,
            ScaleArg::City => Self::City,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CrsArg {
    Wgs84,
    Gcj02,
    Bd09,
}

impl From<CrsArg> for Crs {
    fn from(c: CrsArg) -> Self {
        match c {
            CrsArg::Wgs84 => Crs::Wgs84,
            CrsArg::Gcj02 => Crs::Gcj02,
            CrsArg::Bd09 => Crs::Bd09,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Geojson,
    Csv,
}
