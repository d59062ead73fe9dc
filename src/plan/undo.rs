//! Undoing changes: the one new change that takes every area a set of earlier changes touched back
//! to where it was before them — outlines and records edited back, areas those changes created
//! retired, areas they retired brought back under their old codes (continuing their history).
//!
//! Undoing is refused when an area was changed again after the changes being undone: that later
//! change would be lost silently.

use std::collections::{BTreeMap, BTreeSet};

use crate::domain::{Area, Code};
use crate::store::{AreaChange, AreaEdit, AreaVersion};

/// What the changes being undone wrote.
#[derive(Debug, Clone, Default)]
pub struct Undone {
    /// The history rows they wrote.
    pub rows: Vec<AreaVersion>,
    /// Their lineage: `(predecessor, successor)`.
    pub links: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UndoError {
    #[error("{code} was changed again (version {version}) after the changes being undone; undo that first")]
    ChangedSince { code: String, version: i64 },
    #[error("{code} was retired after the changes being undone; undo that first")]
    RetiredSince { code: String },
    #[error("{0} did not exist before the changes being undone and was not made by them")]
    NoEarlierVersion(String),
    #[error("stored code {0:?} is not a valid code")]
    BadCode(String),
}

/// Whether two states of an area hold the same record and outline.
fn same(a: &Area, b: &Area) -> bool {
    a.name == b.name
        && a.parent_code == b.parent_code
        && a.leader_name == b.leader_name
        && a.leader_phone == b.leader_phone
        && a.properties == b.properties
        && a.geometry == b.geometry
}

/// Every code `undone` touches.
pub fn touched(undone: &Undone) -> BTreeSet<String> {
    undone
        .rows
        .iter()
        .map(|r| r.area.code.to_string())
        .chain(undone.links.iter().flat_map(|(p, s)| [p.clone(), s.clone()]))
        .collect()
}

/// The change undoing `undone`. `history` gives every stored state of a touched code (any order);
/// `current` its record in the store now (`None`: retired).
pub fn plan<'a>(
    undone: &Undone,
    history: &BTreeMap<String, Vec<AreaVersion>>,
    current: impl Fn(&str) -> Option<&'a Area>,
) -> Result<AreaChange, UndoError> {
    let created: BTreeSet<&str> = undone.links.iter().map(|(_, s)| s.as_str()).collect();
    let retired: BTreeSet<&str> = undone.links.iter().map(|(p, _)| p.as_str()).collect();
    let state = |code: &str, version: i64| {
        history
            .get(code)
            .and_then(|h| h.iter().find(|v| v.area.version == version))
            .map(|v| &v.area)
    };
    let last_version = |code: &str| history.get(code).and_then(|h| h.iter().map(|v| v.area.version).max());
    let mut change = AreaChange::default();
    let mut reinstated: BTreeSet<String> = BTreeSet::new();
    let mut retiring: BTreeSet<String> = BTreeSet::new();
    for code in touched(undone) {
        let written: Vec<&Area> = undone
            .rows
            .iter()
            .filter(|r| r.area.code.as_str() == code)
            .map(|r| &r.area)
            .collect();
        let last_written = written.iter().max_by_key(|a| a.version);
        let before: Option<&Area> = if created.contains(code.as_str()) {
            None
        } else if let Some(first) = written.iter().map(|a| a.version).min() {
            Some(state(&code, first - 1).ok_or_else(|| UndoError::NoEarlierVersion(code.clone()))?)
        } else {
            // Retired by the changes without being written by them: as it was when retired.
            let last = last_version(&code).ok_or_else(|| UndoError::NoEarlierVersion(code.clone()))?;
            state(&code, last)
        };
        let now = current(&code);
        match (now, last_written) {
            // Changed since, unless back to what the changes left (a later change undone).
            (Some(a), Some(last)) if a.version != last.version && !same(a, last) => {
                return Err(UndoError::ChangedSince {
                    code,
                    version: a.version,
                });
            }
            (Some(a), None) => {
                return Err(UndoError::ChangedSince {
                    code,
                    version: a.version,
                });
            }
            (None, _) if !retired.contains(code.as_str()) => return Err(UndoError::RetiredSince { code }),
            _ => {}
        }
        match (before, now) {
            (Some(b), Some(a)) => change.edits.push(AreaEdit {
                area: Area {
                    name: b.name.clone(),
                    leader_name: b.leader_name.clone(),
                    leader_phone: b.leader_phone.clone(),
                    properties: b.properties.clone(),
                    geometry: b.geometry.clone(),
                    ..a.clone()
                },
                expected_version: a.version,
            }),
            (None, Some(a)) => {
                change.retired.push((a.code.clone(), a.version));
                retiring.insert(code.clone());
            }
            (Some(b), None) => {
                let version = last_version(&code).unwrap_or(b.version) + 1;
                change.created.push(Area { version, ..b.clone() });
                reinstated.insert(code.clone());
            }
            (None, None) => {}
        }
    }
    // Parents before children among the areas brought back.
    change.created.sort_by_key(|a| (a.level.depth(), a.code.clone()));
    for (p, s) in &undone.links {
        if retiring.contains(s) && reinstated.contains(p) {
            let parse = |c: &str| Code::parse(c).map_err(|_| UndoError::BadCode(c.to_owned()));
            change.lineage.push((parse(s)?, parse(p)?));
        }
    }
    Ok(change)
}
