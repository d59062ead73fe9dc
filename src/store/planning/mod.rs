//! The planner's desk in the store: guarded commits of area edits, every state each area has had
//! (the `area_history` table, filled by triggers on `areas`, so imports and commits alike leave
//! their trace), and kept proposals.

mod postgres;
mod sqlite;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::StoreError;
use crate::domain::{Area, Code};

/// Who changed areas and why; `id` groups the areas one commit changed together.
#[derive(Debug, Clone)]
pub struct ChangeNote {
    pub id: Uuid,
    pub by: String,
    pub reason: Option<String>,
}

impl ChangeNote {
    pub fn new(by: impl Into<String>, reason: Option<String>) -> Self {
        Self {
            id: Uuid::new_v4(),
            by: by.into(),
            reason,
        }
    }
}

/// One area's new record and the version the editor started from. Code, id, level and parent are
/// those of the stored area; name, leaders, properties and geometry are written.
#[derive(Debug, Clone)]
pub struct AreaEdit {
    pub area: Area,
    pub expected_version: i64,
}

/// Everything one commit writes to the areas layer, in one transaction.
#[derive(Debug, Clone, Default)]
pub struct AreaChange {
    /// Areas rewritten in place, each only if still at its expected version.
    pub edits: Vec<AreaEdit>,
    /// Areas retired (split, merged or recoded away), each only if still at the given version:
    /// removed from the layer; their states stay in the history, so their codes are never issued
    /// again.
    pub retired: Vec<(Code, i64)>,
    /// Areas created: at version 1 with a code no area ever held, or — undoing a retirement — at the
    /// version after the retired area's last one.
    pub created: Vec<Area>,
    /// `(predecessor, successor)`: which areas the created ones came from.
    pub lineage: Vec<(Code, Code)>,
}

impl AreaChange {
    pub fn edits(edits: Vec<AreaEdit>) -> Self {
        Self {
            edits,
            ..Self::default()
        }
    }

    /// The codes the change writes, retires or creates.
    pub fn codes(&self) -> impl Iterator<Item = &Code> {
        self.edits
            .iter()
            .map(|e| &e.area.code)
            .chain(self.retired.iter().map(|(c, _)| c))
            .chain(self.created.iter().map(|a| &a.code))
    }
}

/// One link of an area's lineage: `successor` was made from `predecessor` by change `change_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineageLink {
    pub predecessor: String,
    pub successor: String,
    pub change_id: Uuid,
    pub changed_at: DateTime<Utc>,
}

/// One stored state of an area.
#[derive(Debug, Clone)]
pub struct AreaVersion {
    /// The record as it was, `version` included.
    pub area: Area,
    pub changed_by: String,
    pub change_reason: Option<String>,
    pub change_id: Option<Uuid>,
    pub changed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProposalStatus {
    Open,
    Committed,
    Withdrawn,
}

impl ProposalStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Committed => "committed",
            Self::Withdrawn => "withdrawn",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [Self::Open, Self::Committed, Self::Withdrawn]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// A kept proposal: new geometries for one or more children of `parent_code`.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub id: Uuid,
    pub parent_code: String,
    pub title: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// `[{"code", "version", "geometry"}]`, GeoJSON geometries in WGS 84.
    pub areas: Value,
    pub status: ProposalStatus,
    pub change_id: Option<Uuid>,
}

#[async_trait]
pub trait Planning: Send + Sync {
    /// Writes `change` in one transaction and bumps the areas layer's revision. Nothing is written
    /// when an edited or retired area moved on ([`StoreError::Stale`], naming the first) or a
    /// created code was held before ([`StoreError::CodeUsed`]).
    async fn commit_change(&self, change: &AreaChange, note: &ChangeNote) -> Result<(), StoreError>;

    /// [`Planning::commit_change`] of edits alone.
    async fn commit_areas(&self, edits: &[AreaEdit], note: &ChangeNote) -> Result<(), StoreError> {
        self.commit_change(&AreaChange::edits(edits.to_vec()), note).await
    }

    /// Every code an area has ever held (current or retired) that starts with `prefix`, sorted.
    async fn codes_used(&self, prefix: &str) -> Result<Vec<String>, StoreError>;

    /// The codes of retired areas: in the history, no longer in the layer.
    async fn retired_codes(&self) -> Result<Vec<String>, StoreError>;

    /// The links where `code` is predecessor or successor, oldest first.
    async fn lineage(&self, code: &str) -> Result<Vec<LineageLink>, StoreError>;

    /// The links change `id` made.
    async fn change_lineage(&self, id: Uuid) -> Result<Vec<LineageLink>, StoreError>;

    /// Every stored state of area `code`, newest first.
    async fn area_history(&self, code: &str) -> Result<Vec<AreaVersion>, StoreError>;

    /// The states one change wrote (one per area it changed).
    async fn change(&self, id: Uuid) -> Result<Vec<AreaVersion>, StoreError>;

    async fn add_proposal(&self, p: &Proposal) -> Result<(), StoreError>;
    /// Proposals for the children of `parent_code`, newest first.
    async fn proposals(&self, parent_code: &str) -> Result<Vec<Proposal>, StoreError>;
    async fn proposal(&self, id: Uuid) -> Result<Option<Proposal>, StoreError>;
    /// Marks a proposal committed (by change `change_id`) or withdrawn; false when it was not open.
    async fn close_proposal(
        &self,
        id: Uuid,
        status: ProposalStatus,
        change_id: Option<Uuid>,
    ) -> Result<bool, StoreError>;
}

fn corrupt(what: &str, reason: String) -> StoreError {
    StoreError::Corrupt {
        layer: "planning",
        code: what.to_owned(),
        reason,
    }
}

fn status(s: &str) -> Result<ProposalStatus, StoreError> {
    ProposalStatus::parse(s).ok_or_else(|| corrupt("proposal", format!("status {s:?}")))
}

/// The upper end of the range of codes starting with `prefix`: codes are ASCII letters, digits,
/// `-`, `_` and `.`, all below `~`, so `[prefix, prefix + "~")` holds exactly them.
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}~")
}

/// Whether area `a` may be created given the newest version its code had in the history.
fn creatable(a: &Area, last: Option<i64>) -> Result<(), StoreError> {
    match (a.version, last) {
        (1, None) => Ok(()),
        (v, Some(l)) if v == l + 1 => Ok(()),
        _ => Err(StoreError::CodeUsed {
            code: a.code.to_string(),
        }),
    }
}
