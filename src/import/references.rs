//! Checks that need what is already stored: parents one level up, households' buildings and center
//! households. Run after parsing, before writing.

use std::collections::HashMap;

use super::{Parsed, Problems};
use crate::domain::{Code, Level};
use crate::index::Index;
use crate::store::Batch;

/// Every reference in `parsed` must resolve, in the batch itself or in `index` (the stored data).
/// `retired` holds the codes of areas retired by a split or merge: they are never given to an area
/// again, by a planner's change or by an import.
pub fn check_references(
    parsed: &Parsed,
    index: &Index,
    retired: &std::collections::HashSet<String>,
) -> Result<(), super::ImportError> {
    let mut problems = Problems::default();
    let mut report = |i: usize, code: &Code, reason: String| {
        let (file, index) = &parsed.origins[i];
        problems.push(file, *index, Some(code.as_str()), reason);
    };
    match &parsed.batch {
        Batch::Areas(areas) => {
            let in_batch: HashMap<&Code, Level> = areas.iter().map(|a| (&a.code, a.level)).collect();
            for (i, a) in areas.iter().enumerate() {
                if retired.contains(a.code.as_str()) {
                    report(
                        i,
                        &a.code,
                        "was retired by a split or merge (see its history); retired codes are never used again".into(),
                    );
                }
                let Some(parent) = &a.parent_code else { continue };
                let parent_level = in_batch
                    .get(parent)
                    .copied()
                    .or_else(|| index.areas.find(parent).map(|p| index.areas.get(p).level));
                let want = a.level.parent();
                match parent_level {
                    None => report(i, &a.code, format!("parent_code {parent} does not exist")),
                    Some(l) if Some(l) != want => report(
                        i,
                        &a.code,
                        format!(
                            "parent {parent} is a {l}, but the parent of a {} must be a {}",
                            a.level,
                            want.map(|w| w.as_str()).unwrap_or("nothing")
                        ),
                    ),
                    Some(_) => {}
                }
                // Changing the level of a stored area would orphan its children.
                if let Some(existing) = index.areas.find(&a.code) {
                    let old = index.areas.get(existing).level;
                    let kept_children = index
                        .areas
                        .children(existing)
                        .iter()
                        .any(|&c| !in_batch.contains_key(&index.areas.get(c).code));
                    if old != a.level && kept_children {
                        report(
                            i,
                            &a.code,
                            format!("is a {old} with children; its level cannot change to {}", a.level),
                        );
                    }
                }
            }
        }
        Batch::Households(households) => {
            let centers: HashMap<&Code, bool> = households.iter().map(|h| (&h.code, h.center_household)).collect();
            for (i, h) in households.iter().enumerate() {
                if let Some(b) = &h.building_code
                    && index.buildings.find(b).is_none()
                {
                    report(
                        i,
                        &h.code,
                        format!("building_code {b} does not exist; import the building first"),
                    );
                }
                if let Some(c) = &h.center_code {
                    let is_center = centers.get(c).copied().or_else(|| {
                        index
                            .households
                            .find(c)
                            .map(|j| index.households.get(j).center_household)
                    });
                    match is_center {
                        None => report(i, &h.code, format!("center_code {c} does not exist")),
                        Some(false) => report(i, &h.code, format!("center_code {c} is not a center household")),
                        Some(true) => {}
                    }
                }
            }
        }
        Batch::Buildings(_) | Batch::Stations(_) | Batch::Paths(_) => {}
    }
    problems.into_result()
}
