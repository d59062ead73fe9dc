//! How big the generated city is: the two scales and the numbers each one plans for.

use std::fmt;

/// The size of the generated city.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scale {
    /// About 1/20 of the city: ~250 grids, 100,000 households, 500 stations. Seconds to generate
    /// and load; for quick runs and tests.
    Small,
    /// Shaped like 襄阳市: ~5,000 grids, 2,000,000 households, ~40,000 center households, 25,000
    /// buildings, 10,000 stations.
    City,
}

impl Scale {
    pub const ALL: [Scale; 2] = [Scale::Small, Scale::City];

    /// `small` or `city`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Small => "small",
            Self::City => "city",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }

    /// The numbers this scale aims at.
    pub fn plan(self) -> Plan {
        match self {
            Self::City => Plan::CITY,
            Self::Small => Plan {
                households: 100_000,
                grids: 250,
                grids_per_township: 12.0,
                grids_per_community: 1.8,
                buildings: 1_250,
                stations: Stations {
                    red_station: 65,
                    governance_center: 145,
                    police_room: 90,
                    volunteer_station: 100,
                    talk_room: 75,
                    ops_center: 8,
                    legal_office: 17,
                },
                ..Plan::CITY
            },
        }
    }
}

impl fmt::Display for Scale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Stations to place, per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stations {
    pub red_station: usize,
    /// One for the city, one per county, one per township, the rest in villages/communities.
    pub governance_center: usize,
    pub police_room: usize,
    pub volunteer_station: usize,
    pub talk_room: usize,
    /// The city's, then the counties', then townships' until the count is reached.
    pub ops_center: usize,
    pub legal_office: usize,
}

impl Stations {
    pub fn total(&self) -> usize {
        self.red_station
            + self.governance_center
            + self.police_room
            + self.volunteer_station
            + self.talk_room
            + self.ops_center
            + self.legal_office
    }
}

/// What the generator aims at. Counts of areas come out close to, not exactly at, these numbers
/// (they follow from rounding per county and township); households, buildings and stations are exact.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    pub households: usize,
    /// Grids in the whole city (about 400 households each).
    pub grids: usize,
    /// Average grids per township: sets how many townships each county is split into.
    pub grids_per_township: f64,
    /// Average grids per village/community.
    pub grids_per_community: f64,
    /// Building footprints (apartment blocks and large houses), spread over grids by households.
    pub buildings: usize,
    /// Share of households living in a mapped building; the others are points with no building.
    pub in_building_share: f64,
    /// Share of households that are party-member center households (党员中心户).
    pub center_share: f64,
    /// Share of other households that are party members.
    pub party_share: f64,
    /// Share of villages/communities with a lake (a hole) in them; half of the lakes hold an island.
    pub lake_share: f64,
    /// In each rural county, how many townships have their grids split into red house-yards.
    pub red_yard_townships_per_county: usize,
    pub stations: Stations,
}

impl Plan {
    /// The city scale, shaped like 襄阳市 (DOMAIN.md's figures).
    pub const CITY: Plan = Plan {
        households: 2_000_000,
        grids: 5_000,
        grids_per_township: 36.0,
        grids_per_community: 1.8,
        buildings: 25_000,
        in_building_share: 0.4,
        center_share: 0.02,
        party_share: 0.06,
        lake_share: 0.03,
        red_yard_townships_per_county: 1,
        stations: Stations {
            red_station: 1_300,
            governance_center: 2_900,
            police_room: 1_800,
            volunteer_station: 2_000,
            talk_room: 1_500,
            ops_center: 150,
            legal_office: 350,
        },
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn city_has_ten_thousand_stations_and_scales_parse() {
        assert_eq!(Scale::City.plan().stations.total(), 10_000);
        assert_eq!(Scale::Small.plan().stations.total(), 500);
        assert_eq!(Scale::parse("city"), Some(Scale::City));
        assert_eq!(Scale::parse("huge"), None);
    }
}
