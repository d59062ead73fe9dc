//! Roles and accounts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::Code;

/// What an account may do. Every role is further limited to its account's scope (an area and its
/// whole subtree) for residents' data; see [`super::Grant`] for the rules in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
#[value(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including accounts and imports of every layer.
    Admin,
    /// Edits areas in scope; sees households masked.
    Planner,
    /// Sees the households of the grids in scope in full, and nothing of other households.
    GridLeader,
    /// Locate, nearest, stations, area chains and leaders everywhere; households only as counts or masked.
    Dispatcher,
    /// Public layers only: areas (leaders masked) and stations.
    Viewer,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Self::Admin,
        Self::Planner,
        Self::GridLeader,
        Self::Dispatcher,
        Self::Viewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Planner => "planner",
            Self::GridLeader => "grid_leader",
            Self::Dispatcher => "dispatcher",
            Self::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An account, without its password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub name: String,
    pub role: Role,
    /// The area (with its subtree) the account's residents' data is limited to; `None` is everywhere.
    pub scope: Option<Code>,
    pub created_at: DateTime<Utc>,
}

/// Why a user name is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserNameError {
    #[error("a user name must not be empty")]
    Empty,
    #[error("a user name has at most 64 characters")]
    TooLong,
    #[error("a user name has letters, digits, '-', '_', '.' and '@' only")]
    BadChar,
}

/// Checks a user name: 1–64 letters (any script), digits, `-`, `_`, `.` or `@`. Names show up in
/// the audit log and in messages, so nothing that could pass for markup or a control sequence.
pub fn check_user_name(name: &str) -> Result<(), UserNameError> {
    if name.is_empty() {
        return Err(UserNameError::Empty);
    }
    if name.chars().count() > 64 {
        return Err(UserNameError::TooLong);
    }
    if !name.chars().all(|c| c.is_alphanumeric() || "-_.@".contains(c)) {
        return Err(UserNameError::BadChar);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_names_are_checked() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
        assert!(check_user_name("wang.li@xiangyang").is_ok());
        assert!(check_user_name("王丽").is_ok());
        assert_eq!(check_user_name(""), Err(UserNameError::Empty));
        assert_eq!(check_user_name("a<b"), Err(UserNameError::BadChar));
        assert_eq!(check_user_name("a b"), Err(UserNameError::BadChar));
        assert_eq!(check_user_name(&"x".repeat(65)), Err(UserNameError::TooLong));
    }
}
