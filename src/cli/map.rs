//! `gridmap map coverage --kind K --radius-m R [--area CODE] [--distance walking] [--width W --height H] -o FILE.png`:
//! the coverage map of the API, read straight from the store, with every household drawn (the
//! command line holds the database credentials, so it sees what an admin sees).

use anyhow::Context;

use super::open_store;
use crate::config::MapCoverageArgs;
use crate::coverage::{self as analysis, Question};
use crate::glyphs::Glyphs;
use crate::index::Index;
use crate::maps::{self, CoverageMap, Households};

pub async fn coverage(database: &str, args: MapCoverageArgs) -> anyhow::Result<()> {
    let (width, height) = (maps::side("width", args.width)?, maps::side("height", args.height)?);
    let store = open_store(database).await?;
    let data = crate::state::load_dataset(&*store).await;
    store.close().await;
    let index = tokio::task::spawn_blocking(move || data.map(Index::build)).await??;
    let question = Question::parse(&index, &args.kind, args.radius_m, args.area.as_deref(), None)?;
    let distance = analysis::Distance::parse(Some(&args.distance))?;
    let report = analysis::measure(&index, question, distance)?;
    let glyphs = Glyphs::system();
    if glyphs.font().is_none() {
        eprintln!("warning: no CJK font installed (apt-get install fonts-noto-cjk); the map has no text");
    }
    let map = CoverageMap {
        index: &index,
        report: &report,
        households: Households::All,
        counts: true,
        width,
        height,
        font: glyphs.font(),
        made: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
    };
    let rendered = maps::render(&map)?;
    std::fs::write(&args.output, &rendered.png).with_context(|| format!("writing {}", args.output.display()))?;
    eprintln!(
        "wrote {} ({}×{}, {:.2} m a pixel)",
        args.output.display(),
        width,
        height,
        rendered.frame.m_per_px
    );
    Ok(())
}
