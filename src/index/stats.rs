//! Per-area counts, computed once per index build so `/areas/{code}/stats` is a lookup.

use std::collections::BTreeMap;

use super::chain::Chain;
use crate::domain::{Household, Station, StationKind};

/// What lies inside one area (and so inside all its sub-areas).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AreaStats {
    pub households: u64,
    /// Sum of household members.
    pub people: u64,
    pub party_members: u64,
    pub center_households: u64,
    pub buildings: u64,
    pub stations: BTreeMap<StationKind, u64>,
}

/// Counts everything into every area of its chain.
pub fn compute(
    n_areas: usize,
    households: &[Household],
    household_chains: &[Chain],
    building_chains: &[Chain],
    stations: &[Station],
    station_chains: &[Chain],
) -> Vec<AreaStats> {
    let mut stats = vec![AreaStats::default(); n_areas];
    for (h, chain) in households.iter().zip(household_chains) {
        for a in chain.iter() {
            let s = &mut stats[a as usize];
            s.households += 1;
            s.people += h.members.unwrap_or(0).max(0) as u64;
            s.party_members += h.party_member as u64;
            s.center_households += h.center_household as u64;
        }
    }
    for chain in building_chains {
        for a in chain.iter() {
            stats[a as usize].buildings += 1;
        }
    }
    for (st, chain) in stations.iter().zip(station_chains) {
        for a in chain.iter() {
            *stats[a as usize].stations.entry(st.kind.clone()).or_default() += 1;
        }
    }
    stats
}
