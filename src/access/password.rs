//! Password hashing: Argon2id with the argon2 crate's defaults (19 MiB, 2 passes), stored as a
//! PHC string, so the parameters travel with each hash and can be raised later without a migration.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// Shortest password accepted.
pub const MIN_LEN: usize = 8;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("a password has at least {MIN_LEN} characters")]
    TooShort,
    #[error("a password has at most 1024 characters")]
    TooLong,
    #[error("hashing the password failed: {0}")]
    Hash(String),
}

/// Hashes `password` with a fresh random salt. Takes tens of milliseconds of CPU on purpose: call it
/// off the async workers.
pub fn hash(password: &str) -> Result<String, PasswordError> {
    if password.chars().count() < MIN_LEN {
        return Err(PasswordError::TooShort);
    }
    if password.len() > 1024 {
        return Err(PasswordError::TooLong);
    }
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| PasswordError::Hash(format!("no randomness for a salt: {e}")))?;
    let salt = SaltString::encode_b64(&bytes).map_err(|e| PasswordError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Whether `password` matches a stored hash. A malformed stored hash matches nothing.
pub fn verify(password: &str, stored: &str) -> bool {
    if password.len() > 1024 {
        return false;
    }
    PasswordHash::new(stored).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash that matches no password, verified against when the user does not exist so that a
/// login for an unknown name takes as long as one with a wrong password.
pub fn decoy() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("decoy password that is never used").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_their_password() {
        let h = hash("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify("correct horse", &h));
        assert!(!verify("correct horsf", &h));
        assert!(!verify("correct horse", "not a hash"));
        assert_ne!(hash("correct horse").unwrap(), h, "salted");
        assert!(matches!(hash("short"), Err(PasswordError::TooShort)));
        assert!(!verify("anything", decoy()));
    }
}
