//! Why an import was refused. Every variant says what and where, for the person who sent the file.

use std::fmt;

use crate::store::StoreError;

/// One bad feature: its position in the input (0-based, in file order), its code if it had a
/// readable one, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FeatureProblem {
    pub file: String,
    pub index: usize,
    pub code: Option<String>,
    pub reason: String,
}

impl fmt::Display for FeatureProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: feature {}", self.file, self.index)?;
        if let Some(code) = &self.code {
            write!(f, " (code {code})")?;
        }
        write!(f, ": {}", self.reason)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {file}: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// The file is not well-formed (JSON syntax, CSV structure, wrong top-level type).
    #[error("{file}: {reason}")]
    Malformed { file: String, reason: String },
    /// Some features are bad; nothing was imported.
    #[error("{}", describe(.problems, *.total))]
    Features {
        problems: Vec<FeatureProblem>,
        total: usize,
    },
    /// The store refused the write (a constraint no check caught); nothing was imported.
    #[error("the store refused the import, nothing was imported: {0}")]
    Store(#[from] StoreError),
}

/// How many problems are listed in full; the rest are counted.
pub const MAX_LISTED: usize = 50;

fn describe(problems: &[FeatureProblem], total: usize) -> String {
    let mut s = format!(
        "{total} bad feature{}, nothing was imported:",
        if total == 1 { "" } else { "s" }
    );
    for p in problems {
        s.push_str("\n  ");
        s.push_str(&p.to_string());
    }
    if total > problems.len() {
        s.push_str(&format!("\n  … and {} more", total - problems.len()));
    }
    s
}

/// A reason cut to a readable length. gridmap's own messages quote values clipped already; this
/// catches what parsers say, which can quote a whole offending string ("invalid type: string …").
/// The end is kept too, since it says where ("at line 1 column 90").
pub fn brief(reason: String) -> String {
    const HEAD: usize = 200;
    const TAIL: usize = 80;
    let n = reason.chars().count();
    if n <= HEAD + TAIL + 20 {
        return reason;
    }
    let head: String = reason.chars().take(HEAD).collect();
    let tail: String = reason.chars().skip(n - TAIL).collect();
    format!("{head} … {tail}")
}

/// Collects feature problems, keeping the first [`MAX_LISTED`] and counting all.
#[derive(Debug, Default)]
pub struct Problems {
    listed: Vec<FeatureProblem>,
    total: usize,
}

impl Problems {
    pub fn push(&mut self, file: &str, index: usize, code: Option<&str>, reason: impl Into<String>) {
        self.total += 1;
        if self.listed.len() < MAX_LISTED {
            self.listed.push(FeatureProblem {
                file: file.to_owned(),
                index,
                code: code.map(str::to_owned),
                reason: brief(reason.into()),
            });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// `Ok(())` when there were none, else the error listing them.
    pub fn into_result(self) -> Result<(), ImportError> {
        if self.total == 0 {
            Ok(())
        } else {
            Err(ImportError::Features {
                problems: self.listed,
                total: self.total,
            })
        }
    }
}
