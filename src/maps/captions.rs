//! The words on the coverage map: its title, the line of figures under it (the same figures as
//! `GET /api/v1/coverage`, left out for callers who may not see household counts) and the
//! legend's rows.

use super::coverage::{COVERED, Households, UNCOVERED};
use super::furniture::{Symbol, metres_text};
use super::reach::{PATHS, REACH};
use crate::coverage::Report;
use crate::domain::{Level, StationKind};
use crate::index::Index;

const INK: [u8; 4] = [30, 30, 30, 255];

/// Chinese name of a level, as printed in the legend.
pub fn level_name(level: Level) -> &'static str {
    match level {
        Level::County => "县（区）",
        Level::Township => "乡镇（街道）",
        Level::Community => "村（社区）",
        Level::Grid => "网格",
        Level::RedYard => "红色屋场",
    }
}

/// The kind's Chinese name, or the kind itself for one gridmap does not know.
pub fn kind_name(kind: &StationKind) -> &str {
    StationKind::KNOWN
        .iter()
        .find(|(k, _)| *k == kind.as_str())
        .map_or(kind.as_str(), |(_, zh)| zh)
}

/// `1,234`.
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn area_name(index: &Index, report: &Report) -> String {
    report
        .question
        .area
        .map_or("全部区域".to_owned(), |a| index.areas.get(a).name.clone())
}

/// The title (area, kind, radius) and the line under it (where the area is, stations, and with
/// `counts` the households covered and the mean distance).
pub fn title(index: &Index, report: &Report, counts: bool) -> (String, String) {
    let kind = kind_name(&report.question.kind);
    let radius = metres_text(report.question.radius.metres());
    let on_foot = report.walking.is_some();
    let reach = if on_foot {
        walk_text(report.question.radius.metres())
    } else {
        format!("半径 {radius}")
    };
    let title = format!("{} {kind}服务覆盖图（{reach}）", area_name(index, report));
    let chain: Vec<String> = report
        .question
        .area
        .map(|a| index.areas.ancestry(a))
        .unwrap_or_default()
        .into_iter()
        .map(|i| index.areas.get(i).name.clone())
        .collect();
    let t = &report.total;
    let mut facts = Vec::new();
    if !chain.is_empty() {
        facts.push(chain.join(" › "));
    }
    facts.push(format!("{kind} {} 处", t.stations));
    if counts {
        let covered = report.covered();
        let share = (t.households > 0).then(|| covered as f64 / t.households as f64);
        facts.push(format!(
            "住户 {} 户，{} {} 户（{}）",
            thousands(t.households),
            if on_foot { "步行可达" } else { "已覆盖" },
            thousands(covered),
            share.map_or("—".to_owned(), |s| format!("{:.1}%", s * 100.0))
        ));
        if let Some(m) = t.mean_m {
            let line = if on_foot { "直线" } else { "" };
            facts.push(format!("到最近{kind}{line}平均 {} 米", m.round()));
        }
    }
    (title, facts.join("　·　"))
}

/// How far a walk of `m` metres goes, in words: `步行 15 分钟（1.2 千米）` for a whole number of
/// minutes at 80 metres a minute, `步行 700 米` otherwise.
pub fn walk_text(m: f64) -> String {
    let minutes = m / WALK_M_PER_MIN;
    if minutes >= 1.0 && (minutes - minutes.round()).abs() < 1e-9 {
        format!("步行 {} 分钟（{}）", minutes.round(), metres_text(m))
    } else {
        format!("步行 {}", metres_text(m))
    }
}

/// A walker's pace, metres a minute (4.8 km/h), by which a walk is told in minutes.
const WALK_M_PER_MIN: f64 = 80.0;

/// The legend: outlines, the station symbol, the reach (circles, or the paths within the walk),
/// the paths when drawn, and the households drawn (`drawn` = covered, left out), or a note saying
/// why none are.
pub fn legend_rows(
    index: &Index,
    report: &Report,
    households: &Households,
    drawn: (usize, usize),
    child_level: Option<Level>,
    station: Symbol,
    paths: bool,
) -> Vec<(Symbol, String)> {
    let rgba = |c: [u8; 3], a: u8| [c[0], c[1], c[2], a];
    let mut rows = vec![(Symbol::Line(INK, 2.6), format!("{}界", area_name(index, report)))];
    if let Some(l) = child_level {
        rows.push((Symbol::Line([90, 90, 90, 255], 1.2), format!("{}界", level_name(l))));
    }
    rows.push((station, kind_name(&report.question.kind).to_owned()));
    let radius_m = report.question.radius.metres();
    if report.walking.is_some() {
        rows.push((
            Symbol::Line(rgba(REACH, 255), 3.0),
            format!("{}可达的道路", walk_text(radius_m)),
        ));
    } else {
        rows.push((
            Symbol::Reach(rgba(REACH, 60), rgba(REACH, 255)),
            format!("服务半径 {}（测地距离）", metres_text(radius_m)),
        ));
    }
    if paths {
        rows.push((Symbol::Line(PATHS, 1.2), "道路".to_owned()));
    }
    match households {
        Households::None => rows.push((Symbol::Note, "本账号无权查看住户，图中不绘住户".to_owned())),
        shown => {
            rows.push((
                Symbol::Dot(rgba(COVERED, 255), 3.5, None),
                format!("已覆盖住户（{} 户）", thousands(drawn.0)),
            ));
            rows.push((
                Symbol::Dot(rgba(UNCOVERED, 255), 3.5, None),
                format!("未覆盖住户（{} 户）", thousands(drawn.1)),
            ));
            if matches!(shown, Households::Some(_)) {
                rows.push((Symbol::Note, "仅绘本账号权限范围内的住户".to_owned()));
            }
        }
    }
    rows
}

/// The rows of a legend for a small picture: the reach and the households' colours (what the
/// picture's colours mean), without outlines, stations, roads and notes.
pub fn compact(rows: Vec<(Symbol, String)>) -> Vec<(Symbol, String)> {
    rows.into_iter()
        .filter(|(s, t)| match s {
            Symbol::Reach(..) | Symbol::Dot(..) => true,
            Symbol::Line(c, _) => *c == [REACH[0], REACH[1], REACH[2], 255] && !t.is_empty(),
            _ => false,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(11_228), "11,228");
        assert_eq!(thousands(2_000_000), "2,000,000");
    }

    #[test]
    fn walks_are_told_in_minutes_when_whole() {
        assert_eq!(walk_text(1200.0), "步行 15 分钟（1.2 千米）");
        assert_eq!(walk_text(800.0), "步行 10 分钟（800 米）");
        assert_eq!(walk_text(700.0), "步行 700 米");
        assert_eq!(walk_text(40.0), "步行 40 米");
    }
}
