//! The side-by-side table: one row per measurement, with gridmap, PostGIS, their ratio and the target.

use std::fmt::Write as _;

/// One line of the table.
pub struct Row {
    pub what: String,
    pub gridmap: String,
    pub postgis: String,
    /// How many times faster gridmap is (PostGIS time / gridmap time), where both ran.
    pub ratio: Option<f64>,
    pub target: String,
    /// Whether the target was met; `None` when there is nothing to judge.
    pub met: Option<bool>,
}

impl Row {
    pub fn new(what: impl Into<String>) -> Self {
        Self {
            what: what.into(),
            gridmap: "—".into(),
            postgis: "—".into(),
            ratio: None,
            target: "—".into(),
            met: None,
        }
    }
}

pub struct Report {
    pub title: String,
    pub notes: Vec<String>,
    pub rows: Vec<Row>,
    pub checks: Vec<(String, bool)>,
}

impl Report {
    pub fn markdown(&self) -> String {
        let mut s = format!("### {}\n\n", self.title);
        s.push_str("| measurement | gridmap | PostGIS | gridmap ÷ PostGIS | target | met? |\n");
        s.push_str("|---|---|---|---|---|---|\n");
        for r in &self.rows {
            let ratio = r.ratio.map_or("—".to_owned(), |x| format!("{x:.1}×"));
            let met = match r.met {
                Some(true) => "met",
                Some(false) => "**missed**",
                None => "—",
            };
            let _ = writeln!(
                s,
                "| {} | {} | {} | {ratio} | {} | {met} |",
                r.what, r.gridmap, r.postgis, r.target
            );
        }
        s.push_str("\nSame answers:\n\n");
        for (what, ok) in &self.checks {
            let _ = writeln!(s, "- {} {what}", if *ok { "✔" } else { "✘ DIFFERENT:" });
        }
        if !self.notes.is_empty() {
            s.push('\n');
            for n in &self.notes {
                let _ = writeln!(s, "- {n}");
            }
        }
        s
    }
}

/// Microseconds with 2–3 significant digits.
pub fn us(seconds: f64) -> String {
    let us = seconds * 1e6;
    if us < 10.0 {
        format!("{us:.2} µs")
    } else if us < 1000.0 {
        format!("{us:.0} µs")
    } else {
        format!("{:.2} ms", us / 1000.0)
    }
}

/// Seconds, readable.
pub fn secs(seconds: f64) -> String {
    if seconds < 1e-3 {
        format!("{:.0} µs", seconds * 1e6)
    } else if seconds < 1.0 {
        format!("{:.1} ms", seconds * 1000.0)
    } else {
        format!("{seconds:.2} s")
    }
}

/// The 1-, 5- and 15-minute load averages (`/proc/loadavg`), to tell a busy machine from a quiet one.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// A rate per second with a k/M suffix.
pub fn rate(per_s: f64, unit: &str) -> String {
    if per_s >= 1e6 {
        format!("{:.2} M {unit}/s", per_s / 1e6)
    } else if per_s >= 1e3 {
        format!("{:.1} k {unit}/s", per_s / 1e3)
    } else {
        format!("{per_s:.0} {unit}/s")
    }
}
