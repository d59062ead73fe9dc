//! The words on the coverage map: its title, the line of figures under it (the same figures as
//! `GET /api/v1/coverage`, left out for callers who may not see household counts) and the
//! legend's rows.

use super::coverage::{COVERED, Households, REACH, UNCOVERED};
use super::furniture::{Symbol, metres_text};
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
    let title = format!("{} {kind}服务覆盖图（半径 {radius}）", area_name(index, report));
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
        facts.push(format!(
            "住户 {} 户，已覆盖 {} 户（{}）",
            thousands(t.households),
            thousands(t.covered),
            t.share().map_or("—".to_owned(), |s| format!("{:.1}%", s * 100.0))
        ));
        if let Some(m) = t.mean_m {
            facts.push(format!("到最近{kind}平均 {} 米", m.round()));
        }
    }
    (title, facts.join("　·　"))
}

/// The legend: outlines, the station symbol, the reach, and the households drawn (`drawn` =
/// covered, left out), or a note saying why none are.
pub fn legend_rows(
    index: &Index,
    report: &Report,
    households: &Households,
    drawn: (usize, usize),
    child_level: Option<Level>,
    station: Symbol,
) -> Vec<(Symbol, String)> {
    let rgba = |c: [u8; 3], a: u8| [c[0], c[1], c[2], a];
    let mut rows = vec![(Symbol::Line(INK, 2.6), format!("{}界", area_name(index, report)))];
    if let Some(l) = child_level {
        rows.push((Symbol::Line([90, 90, 90, 255], 1.2), format!("{}界", level_name(l))));
    }
    rows.push((station, kind_name(&report.question.kind).to_owned()));
    rows.push((
        Symbol::Reach(rgba(REACH, 60), rgba(REACH, 255)),
        format!("服务半径 {}（测地距离）", metres_text(report.question.radius.metres())),
    ));
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
}
