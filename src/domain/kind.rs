//! Station kinds: a known list, open to new kinds.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The kind of a station (`red_station`, `governance_center`, …). Kinds are extensible: any lower-case
/// identifier of 1–40 characters `[a-z0-9_]` is accepted on import; [`StationKind::KNOWN`] lists the ones
/// gridmap knows by name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StationKind(String);

impl StationKind {
    /// The kinds in DOMAIN.md, with their Chinese names.
    pub const KNOWN: [(&'static str, &'static str); 7] = [
        ("red_station", "红色驿站"),
        ("governance_center", "综治中心"),
        ("police_room", "社区警务室"),
        ("volunteer_station", "志愿服务站"),
        ("talk_room", "说事室"),
        ("ops_center", "城运中心"),
        ("legal_office", "法务工作室"),
    ];

    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let ok = !s.is_empty()
            && s.len() <= 40
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(format!(
                "station kind {:?} must be 1-40 characters of a-z, 0-9 and '_' (known kinds: {})",
                s.chars().take(40).collect::<String>(),
                Self::known_list()
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_known(&self) -> bool {
        Self::KNOWN.iter().any(|(k, _)| *k == self.0)
    }

    /// `red_station, governance_center, …` for messages.
    pub fn known_list() -> String {
        Self::KNOWN.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")
    }
}

impl TryFrom<String> for StationKind {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<StationKind> for String {
    fn from(k: StationKind) -> Self {
        k.0
    }
}

impl fmt::Display for StationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
