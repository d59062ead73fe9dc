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
use crate::domain::Area;

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
    /// Writes every edit in one transaction, each only if the stored area is still at its
    /// `expected_version`; bumps the areas layer's revision. [`StoreError::Stale`] (nothing
    /// written) names the first area that moved on.
    async fn commit_areas(&self, edits: &[AreaEdit], note: &ChangeNote) -> Result<(), StoreError>;

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
