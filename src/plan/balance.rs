//! Whether sibling areas are of moderate, similar size (规模适度): counts per child against a band,
//! with the children outside it named.
//!
//! The default bands follow the local rules of thumb in the domain notes (an urban grid holds
//! 300–500 households and at most ~2,500 people, a rural one about 300), widened so that a grid of a
//! small village is not an outlier; every red house-yard needs a party-member center household to
//! lead it. Levels above the grid have no default band: townships and villages are as large as
//! history made them, and a planner who wants to compare them passes a band.

use std::str::FromStr;

use crate::domain::Level;

/// The counts compared, in the order reports list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Measure {
    Households,
    People,
    PartyMembers,
    CenterHouseholds,
}

impl Measure {
    pub const ALL: [Measure; 4] = [
        Self::Households,
        Self::People,
        Self::PartyMembers,
        Self::CenterHouseholds,
    ];

    /// The API's name, also the query parameter that sets its band.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Households => "households",
            Self::People => "people",
            Self::PartyMembers => "party_members",
            Self::CenterHouseholds => "center_households",
        }
    }
}

/// Inclusive bounds; `None` is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Band {
    pub min: Option<u64>,
    pub max: Option<u64>,
}

impl Band {
    pub const OPEN: Band = Band { min: None, max: None };

    pub const fn new(min: Option<u64>, max: Option<u64>) -> Self {
        Self { min, max }
    }

    /// `Low` or `High` when `value` falls outside.
    pub fn judge(&self, value: u64) -> Option<Side> {
        if self.min.is_some_and(|m| value < m) {
            Some(Side::Low)
        } else if self.max.is_some_and(|m| value > m) {
            Some(Side::High)
        } else {
            None
        }
    }

    pub fn is_open(&self) -> bool {
        self.min.is_none() && self.max.is_none()
    }
}

impl std::fmt::Display for Band {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.min, self.max) {
            (Some(a), Some(b)) => write!(f, "{a}..{b}"),
            (Some(a), None) => write!(f, "{a}.."),
            (None, Some(b)) => write!(f, "..{b}"),
            (None, None) => f.write_str(".."),
        }
    }
}

/// `MIN..MAX`, `MIN..` or `..MAX` (inclusive), as a planner types it in a query or on the command line.
impl FromStr for Band {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("a band is MIN..MAX, MIN.. or ..MAX in whole numbers, found {s:?}");
        let (lo, hi) = s.split_once("..").ok_or_else(bad)?;
        let bound = |t: &str| -> Result<Option<u64>, String> {
            if t.is_empty() {
                Ok(None)
            } else if t.bytes().all(|b| b.is_ascii_digit()) && t.len() <= 12 {
                t.parse().map(Some).map_err(|_| bad())
            } else {
                Err(bad())
            }
        };
        let band = Band::new(bound(lo)?, bound(hi)?);
        if let (Some(a), Some(b)) = (band.min, band.max)
            && a > b
        {
            return Err(format!("the band {s:?} has its minimum above its maximum"));
        }
        Ok(band)
    }
}

/// One band per measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bands(pub [Band; 4]);

impl Bands {
    /// The bands children of `level` are held to unless the caller says otherwise.
    pub fn for_level(level: Level) -> Self {
        match level {
            Level::Grid => Self([
                Band::new(Some(100), Some(600)),
                Band::new(None, Some(2_500)),
                Band::OPEN,
                Band::OPEN,
            ]),
            Level::RedYard => Self([
                Band::new(Some(5), Some(120)),
                Band::OPEN,
                Band::OPEN,
                Band::new(Some(1), None),
            ]),
            _ => Self([Band::OPEN; 4]),
        }
    }

    pub fn get(&self, m: Measure) -> Band {
        self.0[m as usize]
    }

    pub fn set(&mut self, m: Measure, band: Band) {
        self.0[m as usize] = band;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Low,
    High,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::High => "high",
        }
    }
}

/// A child outside the band of one measure.
#[derive(Debug, Clone, PartialEq)]
pub struct Outlier {
    pub code: String,
    pub measure: Measure,
    pub value: u64,
    pub side: Side,
}

/// The spread of one measure over the children.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub min: u64,
    pub max: u64,
    pub mean: f64,
}

/// Per-measure spread and the outliers, from each child's counts in [`Measure::ALL`] order.
pub fn judge(children: &[(&str, [u64; 4])], bands: &Bands) -> (Vec<(Measure, Option<Spread>)>, Vec<Outlier>) {
    let mut spreads = Vec::new();
    let mut outliers = Vec::new();
    for m in Measure::ALL {
        let values = children.iter().map(|(_, v)| v[m as usize]);
        let spread = values.clone().min().zip(values.clone().max()).map(|(min, max)| Spread {
            min,
            max,
            mean: values.clone().sum::<u64>() as f64 / children.len() as f64,
        });
        spreads.push((m, spread));
        for (code, v) in children {
            if let Some(side) = bands.get(m).judge(v[m as usize]) {
                outliers.push(Outlier {
                    code: (*code).to_owned(),
                    measure: m,
                    value: v[m as usize],
                    side,
                });
            }
        }
    }
    (spreads, outliers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_parse_as_typed() {
        assert_eq!("300..500".parse(), Ok(Band::new(Some(300), Some(500))));
        assert_eq!("1..".parse(), Ok(Band::new(Some(1), None)));
        assert_eq!("..2500".parse(), Ok(Band::new(None, Some(2500))));
        assert_eq!("..".parse(), Ok(Band::OPEN));
        for bad in ["300", "a..b", "-1..5", "5..1", "1...5", "1e3..", " 1..2"] {
            assert!(bad.parse::<Band>().is_err(), "{bad}");
        }
    }

    #[test]
    fn outliers_are_named_on_the_side_they_fall() {
        let mut bands = Bands([Band::OPEN; 4]);
        bands.set(Measure::Households, Band::new(Some(300), Some(500)));
        bands.set(Measure::CenterHouseholds, Band::new(Some(1), None));
        let children = [
            ("a", [250, 700, 3, 1]),
            ("b", [400, 1100, 5, 0]),
            ("c", [520, 1500, 9, 2]),
        ];
        let (spreads, outliers) = judge(&children, &bands);
        let households = spreads[0].1.unwrap();
        assert_eq!((households.min, households.max), (250, 520));
        assert!((households.mean - 390.0).abs() < 1e-9);
        let named: Vec<_> = outliers.iter().map(|o| (o.code.as_str(), o.measure, o.side)).collect();
        assert_eq!(
            named,
            [
                ("a", Measure::Households, Side::Low),
                ("c", Measure::Households, Side::High),
                ("b", Measure::CenterHouseholds, Side::Low)
            ]
        );
    }
}
