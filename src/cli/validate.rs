//! `gridmap validate CODE` / `--all`: the validation report of areas, as a summary or JSON.

use std::io::Write;

use anyhow::{Context, bail};

use super::open_store;
use crate::config::ValidateArgs;
use crate::domain::Code;
use crate::index::Index;
use crate::plan::{self, Measure, Options, Report};

pub async fn run(database: &str, args: ValidateArgs) -> anyhow::Result<()> {
    let store = open_store(database).await?;
    let data = crate::state::load_dataset(&*store).await;
    store.close().await;
    let index = tokio::task::spawn_blocking(move || data.map(Index::build)).await??;

    let areas: Vec<u32> = match &args.code {
        Some(raw) => {
            let code = Code::parse(raw).map_err(|e| anyhow::anyhow!("area code {raw:?}: {e}"))?;
            vec![
                index
                    .areas
                    .find(&code)
                    .with_context(|| format!("no area with code {code}"))?,
            ]
        }
        None => (0..index.areas.len() as u32)
            .filter(|&i| !index.areas.children(i).is_empty())
            .collect(),
    };
    let mut out = std::io::stdout().lock();
    let mut dirty = 0;
    for &i in &areas {
        let level = index.areas.get(i).level;
        let mut options = Options::for_children_of(level);
        options.tolerance_m2 = args.tolerance_m2;
        for (m, band) in [
            (Measure::Households, args.households),
            (Measure::People, args.people),
            (Measure::PartyMembers, args.party_members),
            (Measure::CenterHouseholds, args.center_households),
        ] {
            if let Some(b) = band {
                options.bands.set(m, b);
            }
        }
        let report = plan::report(&index, i, plan::stored_children(&index, i), options);
        if !report.is_clean() {
            dirty += 1;
        }
        if args.json {
            writeln!(out, "{}", plan::json::report(&index, &report, &plan::json::Sight::ALL))?;
        } else {
            summary(&mut out, &index, &report)?;
        }
    }
    out.flush()?;
    if dirty > 0 {
        bail!("{dirty} of {} areas checked have problems", areas.len());
    }
    Ok(())
}

fn summary(out: &mut impl Write, index: &Index, r: &Report) -> std::io::Result<()> {
    let a = index.areas.get(r.area);
    let verdict = if r.is_clean() { "clean" } else { "PROBLEMS" };
    writeln!(
        out,
        "{} {} ({}, {} children): {verdict}",
        a.code,
        a.name,
        a.level,
        r.children.len()
    )?;
    let t = &r.topology;
    for g in &t.gaps {
        writeln!(out, "  gap of {:.1} m²", g.area_m2)?;
    }
    for o in &t.overlaps {
        writeln!(
            out,
            "  overlap of {:.1} m² between {} and {}",
            o.region.area_m2, o.codes[0], o.codes[1]
        )?;
    }
    for o in &t.outside {
        writeln!(out, "  {} reaches {:.1} m² outside", o.code, o.area_m2)?;
    }
    for s in &t.scattered {
        writeln!(out, "  {} is in {} pieces", s.code, s.parts)?;
    }
    for (what, strays) in [("in no child", &r.in_no_child), ("in two children", &r.in_two)] {
        let (h, b, s) = (strays.households.len(), strays.buildings.len(), strays.stations.len());
        if h + b + s > 0 {
            writeln!(out, "  {what}: {h} households, {b} buildings, {s} stations")?;
        }
    }
    for o in &r.outliers {
        writeln!(
            out,
            "  {} has {} {} ({} the band {})",
            o.code,
            o.value,
            o.measure.as_str().replace('_', " "),
            if o.side == plan::balance::Side::Low {
                "below"
            } else {
                "above"
            },
            r.options.bands.get(o.measure)
        )?;
    }
    if t.slivers > 0 {
        writeln!(
            out,
            "  ({} slivers under {} m², {:.3} m² in all, ignored)",
            t.slivers, r.options.tolerance_m2, t.sliver_area_m2
        )?;
    }
    Ok(())
}
