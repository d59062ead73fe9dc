//! `gridmap coverage --kind K --radius-m R [--area CODE] [--level L] [--suggest N] [--json]`: the
//! coverage report of the API, read straight from the store, as a table or the API's JSON.

use std::io::Write;

use super::open_store;
use crate::access::Sight;
use crate::config::CoverageArgs;
use crate::coverage::json::{self, Figures};
use crate::coverage::{self as analysis, Question, Source};
use crate::domain::Crs;
use crate::index::Index;

pub async fn run(database: &str, args: CoverageArgs) -> anyhow::Result<()> {
    let store = open_store(database).await?;
    let data = crate::state::load_dataset(&*store).await;
    store.close().await;
    let index = tokio::task::spawn_blocking(move || data.map(Index::build)).await??;

    let question = Question::parse(
        &index,
        &args.kind,
        args.radius_m,
        args.area.as_deref(),
        args.level.as_deref(),
    )?;
    let source = Source::parse(Some(&args.candidates), args.spacing_m)?;
    let distance = analysis::Distance::parse(Some(&args.distance))?;
    let report = analysis::measure(&index, question, distance)?;
    let found = match args.suggest {
        Some(k) => Some((k, analysis::suggest(&index, &report, source, k)?)),
        None => None,
    };
    let mut out = std::io::stdout().lock();
    let coverage = json::coverage(&index, &report, true);
    if args.json {
        let suggestions = found
            .as_ref()
            .map(|(k, f)| json::suggestions(&index, &report, f, *k, Crs::Wgs84, &|_| Sight::Full));
        let doc = match suggestions {
            Some(s) => serde_json::json!({"coverage": coverage, "suggestions": s}),
            None => serde_json::to_value(&coverage)?,
        };
        writeln!(out, "{doc}")?;
        return Ok(out.flush()?);
    }
    writeln!(
        out,
        "{} within {} m{}",
        coverage.kind,
        coverage.radius_m,
        match (&coverage.area_code, &coverage.area_name) {
            (Some(c), Some(n)) => format!(" in {c} {n}"),
            _ => String::new(),
        }
    )?;
    writeln!(
        out,
        "{:<18} {:>8} {:>10} {:>8} {:>7} {:>10} {:>10}  name",
        "code", "stations", "households", "covered", "share", "mean m", "p90 m"
    )?;
    for row in &coverage.by_area {
        line(&mut out, &row.code, &row.name, &row.figures)?;
    }
    line(&mut out, "all", "", &coverage.figures)?;
    if let Some(w) = &coverage.walking {
        writeln!(
            out,
            "on foot along the paths: {} covered ({})",
            w.covered.unwrap_or_default(),
            w.share.map_or("-".into(), percent)
        )?;
    }
    if let Some((k, f)) = &found {
        let s = json::suggestions(&index, &report, f, *k, Crs::Wgs84, &|_| Sight::Full);
        writeln!(
            out,
            "\n{} {} for new stations, chosen from {} candidates ({}):",
            s.sites.len(),
            if s.sites.len() == 1 { "site" } else { "sites" },
            s.candidates_weighed,
            s.candidates
        )?;
        for site in &s.sites {
            writeln!(
                out,
                "{:>3}. {:.7},{:.7}  +{} households, {} covered ({})  {}",
                site.rank,
                site.lon,
                site.lat,
                site.gain,
                site.covered,
                site.share.map_or("-".into(), percent),
                site.building_code.as_deref().unwrap_or("")
            )?;
        }
    }
    Ok(out.flush()?)
}

fn line(out: &mut impl Write, code: &str, name: &str, f: &Figures) -> std::io::Result<()> {
    let opt = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.1}"));
    writeln!(
        out,
        "{:<18} {:>8} {:>10} {:>8} {:>7} {:>10} {:>10}  {name}",
        code,
        f.stations,
        f.households.unwrap_or_default(),
        f.covered.unwrap_or_default(),
        f.share.map_or("-".into(), percent),
        opt(f.mean_distance_m),
        opt(f.p90_distance_m)
    )
}

fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}
