//! Households: lookup by code, the center-household links, and text search within an area.

use std::collections::HashMap;
use std::sync::Arc;

use super::chain::Chain;
use super::points::PointGrid;
use crate::domain::{Code, Household, Level};

pub struct HouseholdIndex {
    households: Arc<Vec<Household>>,
    /// Where each household lies (same order as `households`).
    chains: Vec<Chain>,
    by_code: HashMap<Code, u32>,
    /// For each center household, the households it looks after (sorted by code).
    looked_after: HashMap<u32, Vec<u32>>,
    /// Positions for ground-distance searches (coverage).
    points: PointGrid,
}

/// A household search. `q` matches a substring of the address or the code, and of the head's name
/// and the phone when `private_fields` allows (callers who see those masked must not be able to
/// test a guess against them); `within` restricts to an area (by level and index) and its sub-areas.
#[derive(Debug, Clone, Default)]
pub struct Search<'a> {
    pub q: Option<&'a str>,
    pub private_fields: bool,
    pub within: Option<(Level, u32)>,
    pub party_member: Option<bool>,
    pub center_household: Option<bool>,
    pub offset: usize,
    pub limit: usize,
}

/// One page of search hits (indices) and how many matched in all.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub hits: Vec<u32>,
    pub total: usize,
}

impl HouseholdIndex {
    pub fn new(households: Arc<Vec<Household>>, chains: Vec<Chain>) -> Self {
        let by_code: HashMap<Code, u32> = households
            .iter()
            .enumerate()
            .map(|(i, h)| (h.code.clone(), i as u32))
            .collect();
        let mut looked_after: HashMap<u32, Vec<u32>> = HashMap::new();
        for (i, h) in households.iter().enumerate() {
            if let Some(center) = h.center_code.as_ref().and_then(|c| by_code.get(c)) {
                looked_after.entry(*center).or_default().push(i as u32);
            }
        }
        let points = PointGrid::new(households.iter().enumerate().map(|(i, h)| (h.location, i as u32)));
        Self {
            households,
            chains,
            by_code,
            looked_after,
            points,
        }
    }

    pub fn len(&self) -> usize {
        self.households.len()
    }

    pub fn is_empty(&self) -> bool {
        self.households.is_empty()
    }

    pub fn get(&self, i: u32) -> &Household {
        &self.households[i as usize]
    }

    pub fn all(&self) -> &Arc<Vec<Household>> {
        &self.households
    }

    /// The households in a bucket grid, for searches by ground distance.
    pub fn points(&self) -> &PointGrid {
        &self.points
    }

    pub fn chain(&self, i: u32) -> Chain {
        self.chains[i as usize]
    }

    pub fn chains(&self) -> &[Chain] {
        &self.chains
    }

    pub fn find(&self, code: &Code) -> Option<u32> {
        self.by_code.get(code).copied()
    }

    /// The households a center household looks after (empty for others).
    pub fn looked_after(&self, center: u32) -> &[u32] {
        self.looked_after.get(&center).map(Vec::as_slice).unwrap_or_default()
    }

    /// Matching households in code order, except that an exact code match comes first.
    pub fn search(&self, s: &Search<'_>) -> Page {
        let q = s.q.map(str::trim).filter(|q| !q.is_empty());
        let q_upper = q.map(str::to_ascii_uppercase);
        let exact = q.and_then(|q| Code::parse(q).ok()).and_then(|c| self.find(&c));
        let mut page = Page::default();
        let push = |i: u32, page: &mut Page| {
            if page.total >= s.offset && page.hits.len() < s.limit {
                page.hits.push(i);
            }
            page.total += 1;
        };
        if let Some(i) = exact.filter(|&i| self.matches_filters(i, s)) {
            push(i, &mut page);
        }
        for (i, h) in self.households.iter().enumerate() {
            let i = i as u32;
            if Some(i) == exact || !self.matches_filters(i, s) {
                continue;
            }
            let text_ok = match (q, &q_upper) {
                (None, _) => true,
                (Some(q), Some(qu)) => {
                    let has = |f: &Option<String>| f.as_deref().is_some_and(|f| f.contains(q));
                    (s.private_fields && (has(&h.head_name) || has(&h.phone)))
                        || has(&h.address)
                        || h.code.as_str().contains(q)
                        || h.code.as_str().contains(qu.as_str())
                }
                (Some(_), None) => false,
            };
            if text_ok {
                push(i, &mut page);
            }
        }
        page
    }

    fn matches_filters(&self, i: u32, s: &Search<'_>) -> bool {
        let h = &self.households[i as usize];
        s.within
            .is_none_or(|(level, area)| self.chains[i as usize].has(level, area))
            && s.party_member.is_none_or(|want| h.party_member == want)
            && s.center_household.is_none_or(|want| h.center_household == want)
    }
}
