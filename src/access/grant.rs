//! The one place that decides what a caller sees of residents' data. Every route that returns
//! households — JSON, OGC API items, tiles, search — asks a [`Grant`] about each household before
//! writing any of it, so a rule changed here changes everywhere at once.
//!
//! | role | households in scope | households elsewhere | household counts | area leaders |
//! |---|---|---|---|---|
//! | admin | full | hidden if scoped | yes | full |
//! | planner | masked | hidden | yes | full |
//! | grid_leader | full | hidden | yes | full |
//! | dispatcher | masked | hidden if scoped | yes | full |
//! | viewer | none (403) | none | no | masked |
//!
//! "Hidden" means indistinguishable from absent: a 404 for one household, left out of lists, pages,
//! totals and tiles.

use std::sync::Arc;

use super::Role;
use crate::domain::{Code, Level};
use crate::index::Index;
use crate::store::Batch;

/// How much of one household a caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sight {
    /// Everything stored.
    Full,
    /// Names, phones and identifiers masked (see [`super::mask`]); search cannot match them.
    Masked,
    /// Nothing; the household does not exist for this caller.
    Hidden,
}

/// Who is asking: an authenticated account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user: Arc<str>,
    pub role: Role,
    pub scope: Option<Code>,
}

/// Where the caller's scope is in one snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Everywhere,
    Area(Level, u32),
    /// The scope names an area the snapshot does not have (retired or not yet imported): no
    /// household is in it.
    Nowhere,
}

/// A caller's rights over one index snapshot.
pub struct Grant<'a> {
    caller: &'a Caller,
    index: &'a Index,
    scope: Scope,
}

impl Caller {
    pub fn grant<'a>(&'a self, index: &'a Index) -> Grant<'a> {
        let scope = match &self.scope {
            None => Scope::Everywhere,
            Some(code) => index
                .areas
                .find(code)
                .map_or(Scope::Nowhere, |i| Scope::Area(index.areas.get(i).level, i)),
        };
        Grant {
            caller: self,
            index,
            scope,
        }
    }
}

impl Grant<'_> {
    pub fn caller(&self) -> &Caller {
        self.caller
    }

    /// Whether the caller's role includes household records at all (masked or full). Viewers are
    /// told 403: that households exist is no secret.
    pub fn sees_households(&self) -> bool {
        self.caller.role != Role::Viewer
    }

    /// Whether no household is hidden from the caller (masked perhaps, but there): lists need no
    /// filtering then.
    pub fn sees_every_household(&self) -> bool {
        self.sees_households() && self.scope == Scope::Everywhere
    }

    /// Whether the caller may see counts of households, people and party members by area.
    pub fn sees_household_counts(&self) -> bool {
        self.caller.role != Role::Viewer
    }

    /// How much of household `i` (an index into the snapshot's households) the caller sees.
    pub fn household(&self, i: u32) -> Sight {
        let in_scope = match self.scope {
            Scope::Everywhere => true,
            Scope::Area(level, area) => self.index.households.chain(i).has(level, area),
            Scope::Nowhere => false,
        };
        match (self.caller.role, in_scope) {
            (Role::Viewer, _) | (_, false) => Sight::Hidden,
            (Role::Admin | Role::GridLeader, true) => Sight::Full,
            (Role::Planner | Role::Dispatcher, true) => Sight::Masked,
        }
    }

    /// The area (level, index) every household the caller may see lies in, if the caller is
    /// scoped; `Err(())` when the scope is not in this snapshot (the caller sees no household).
    #[allow(clippy::result_unit_err)]
    pub fn household_scope(&self) -> Result<Option<(Level, u32)>, ()> {
        match self.scope {
            Scope::Everywhere => Ok(None),
            Scope::Area(level, i) => Ok(Some((level, i))),
            Scope::Nowhere => Err(()),
        }
    }

    /// Whether text search may match names and phones: only for callers who would see them.
    pub fn searches_private_fields(&self) -> bool {
        matches!(self.caller.role, Role::Admin | Role::GridLeader)
    }

    /// How area leaders' names and phones are shown.
    pub fn leaders(&self) -> Sight {
        match self.caller.role {
            Role::Viewer => Sight::Masked,
            _ => Sight::Full,
        }
    }

    /// A short word for what this caller's household answers look like, for cache validators:
    /// two callers with the same key get the same bytes.
    pub fn view_key(&self) -> String {
        let role = match self.caller.role {
            Role::Admin | Role::GridLeader => "full",
            Role::Planner | Role::Dispatcher => "masked",
            Role::Viewer => "public",
        };
        match &self.caller.scope {
            None => role.to_owned(),
            Some(code) => format!("{role}@{code}"),
        }
    }

    /// Whether the caller may write `batch`: admins anything; planners areas only, each one inside
    /// their scope — an existing area in scope that stays under a parent in scope (or keeps its
    /// parent), or a new area whose parent is in scope.
    pub fn may_write(&self, batch: &Batch) -> bool {
        match (self.caller.role, batch) {
            (Role::Admin, _) => true,
            (Role::Planner, Batch::Areas(areas)) => areas.iter().all(|a| {
                let parent_ok = |p: Option<&Code>| p.is_some_and(|p| self.area_in_scope(p));
                match self.index.areas.find(&a.code) {
                    Some(i) => {
                        let old_parent = self.index.areas.get(i).parent_code.as_ref();
                        self.area_in_scope(&a.code)
                            && (a.parent_code.as_ref() == old_parent || parent_ok(a.parent_code.as_ref()))
                    }
                    None => parent_ok(a.parent_code.as_ref()),
                }
            }),
            _ => false,
        }
    }

    /// Whether the caller may redraw area `code` (commit, restore): admins anywhere, planners inside
    /// their scope.
    pub fn may_edit_area(&self, code: &Code) -> bool {
        match self.caller.role {
            Role::Admin => true,
            Role::Planner => self.area_in_scope(code),
            _ => false,
        }
    }

    /// Whether area `code` is the scope area or below it. A code the snapshot does not have yet is
    /// not in scope (its parent is checked on its own).
    pub fn area_in_scope(&self, code: &Code) -> bool {
        let areas = &self.index.areas;
        match self.scope {
            Scope::Everywhere => true,
            Scope::Nowhere => false,
            Scope::Area(_, top) => areas.find(code).is_some_and(|i| areas.holds(top, i)),
        }
    }
}
