//! Codes: the stable, user-facing identifiers of every feature.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A feature's code (area codes such as `420624103201`, or building/household/station codes).
///
/// 1–64 characters of ASCII letters, digits, `-`, `_` and `.`: codes travel in URLs, file names and
/// CSV cells, so anything else is refused at the edge rather than escaped everywhere.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Code(String);

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CodeError {
    #[error("code is empty")]
    Empty,
    #[error("code is {0} characters long; at most 64 are allowed")]
    TooLong(usize),
    #[error("code {0:?} has a character other than ASCII letters, digits, '-', '_' and '.'")]
    BadChar(String),
}

impl Code {
    pub const MAX_LEN: usize = 64;

    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(CodeError::Empty);
        }
        let n = s.chars().count();
        if n > Self::MAX_LEN {
            return Err(CodeError::TooLong(n));
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        {
            let shown: String = s.chars().take(Self::MAX_LEN).collect();
            return Err(CodeError::BadChar(shown));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Code {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Code> for String {
    fn from(c: Code) -> Self {
        c.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Codes hash and compare as their text, so maps keyed by code can be searched with a `&str`.
impl std::borrow::Borrow<str> for Code {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_statistical_codes_and_rejects_the_rest() {
        assert_eq!(Code::parse(" 420624103201 ").unwrap().as_str(), "420624103201");
        assert_eq!(Code::parse(""), Err(CodeError::Empty));
        assert!(matches!(
            Code::parse("a'; drop table areas"),
            Err(CodeError::BadChar(_))
        ));
        assert!(matches!(Code::parse(&"9".repeat(65)), Err(CodeError::TooLong(65))));
    }
}
