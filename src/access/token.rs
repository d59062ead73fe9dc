//! Bearer tokens and the sessions they open.
//!
//! A token is 32 random bytes, shown once to the client as `gm_` + 64 hex digits; the store keeps
//! only its SHA-256, so a copy of the database opens no session. Validated tokens are cached in
//! memory so that a request costs a hash and a map lookup, not a round trip: each cached token is
//! checked against the store again once it is older than the recheck interval ([`RECHECK`] by
//! default), which is how a revocation made by
//! another process (`gridmap user revoke`) reaches a running server. While the store cannot be
//! reached (or does not answer within half a second), cached sessions go on working, rechecked
//! again only an interval later (reads are served from memory too); new logins wait.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::{AccessError, Caller, User, password};
use crate::store::Store;

/// How long a cached session is trusted before the store is asked again, by default.
pub const RECHECK: Duration = Duration::from_secs(5);

/// How long a request whose cached session is due for its recheck waits for the store's answer
/// before it is served on the cached session. A reachable store answers in milliseconds.
const RECHECK_WAIT: Duration = Duration::from_millis(500);

/// What the store keeps of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenHash(pub [u8; 32]);

/// A token as the store returns it.
#[derive(Debug, Clone)]
pub struct StoredToken {
    pub user: User,
    pub expires_at: DateTime<Utc>,
    pub revoked: bool,
}

const PREFIX: &str = "gm_";

/// A new random token and its hash.
pub fn new_token() -> Result<(String, TokenHash), AccessError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AccessError::Internal(format!("no randomness for a token: {e}")))?;
    let text = format!("{PREFIX}{}", hex(&bytes));
    let hash = hash_token(&text);
    Ok((text, hash))
}

pub fn hash_token(text: &str) -> TokenHash {
    TokenHash(Sha256::digest(text.as_bytes()).into())
}

/// Whether `text` has a token's shape; anything else is refused before any lookup.
fn well_formed(text: &str) -> bool {
    text.len() == PREFIX.len() + 64
        && text.starts_with(PREFIX)
        && text[PREFIX.len()..].bytes().all(|b| b.is_ascii_hexdigit())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A token handed out by [`Sessions::login`].
#[derive(Debug, Clone)]
pub struct Issued {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub caller: Arc<Caller>,
}

struct Cached {
    caller: Arc<Caller>,
    expires_at: DateTime<Utc>,
    checked: Instant,
}

/// Open sessions of one server.
pub struct Sessions {
    cache: RwLock<HashMap<TokenHash, Cached>>,
    /// One store lookup at a time per token: the first burst of requests carrying a new token (a
    /// client opening hundreds of connections at once) waits for one lookup instead of queueing
    /// hundreds for the store's few connections, where some would time out as 503s.
    lookups: std::sync::Mutex<HashMap<TokenHash, Arc<tokio::sync::Mutex<()>>>>,
    lifetime: chrono::Duration,
    recheck: Duration,
}

/// Cached sessions above which expired ones are swept out on the next login.
const SWEEP_ABOVE: usize = 10_000;

impl Sessions {
    /// Sessions whose tokens live `lifetime`, checked against the store every `recheck`.
    pub fn new(lifetime: Duration, recheck: Duration) -> Self {
        Self {
            cache: RwLock::new(HashMap::new()),
            lookups: std::sync::Mutex::new(HashMap::new()),
            lifetime: chrono::Duration::from_std(lifetime).unwrap_or(chrono::Duration::hours(12)),
            recheck,
        }
    }

    /// Checks a name and password and opens a session. An unknown name and a wrong password get
    /// the same answer after the same work, so names cannot be probed.
    pub async fn login(&self, store: &dyn Store, name: &str, password: &str) -> Result<Issued, AccessError> {
        let found = store.credentials(name).await?;
        let stored_hash = found
            .as_ref()
            .map_or_else(|| password::decoy().to_owned(), |(_, h)| h.clone());
        let given = password.to_owned();
        let ok = tokio::task::spawn_blocking(move || password::verify(&given, &stored_hash))
            .await
            .map_err(|e| AccessError::Internal(format!("checking a password: {e}")))?;
        let user = match (found, ok) {
            (Some((user, _)), true) => user,
            _ => return Err(AccessError::BadCredentials),
        };
        let (token, hash) = new_token()?;
        let expires_at = Utc::now() + self.lifetime;
        store.add_token(&hash, &user.name, expires_at).await?;
        let caller = Arc::new(Caller {
            user: user.name.as_str().into(),
            role: user.role,
            scope: user.scope,
        });
        let mut cache = self.cache.write().unwrap_or_else(|e| e.into_inner());
        if cache.len() > SWEEP_ABOVE {
            let now = Utc::now();
            cache.retain(|_, c| c.expires_at > now);
        }
        cache.insert(
            hash,
            Cached {
                caller: caller.clone(),
                expires_at,
                checked: Instant::now(),
            },
        );
        Ok(Issued {
            token,
            expires_at,
            caller,
        })
    }

    /// The caller a bearer token stands for, and the token's hash (the key of its rate allowance,
    /// so a request hashes its token once).
    pub async fn authenticate(&self, store: &dyn Store, token: &str) -> Result<(Arc<Caller>, TokenHash), AccessError> {
        if !well_formed(token) {
            return Err(AccessError::Unauthenticated(
                "the bearer token is not a gridmap token".into(),
            ));
        }
        let hash = hash_token(token);
        self.caller_of(store, hash).await.map(|caller| (caller, hash))
    }

    /// The cached session of `hash`: its caller, expiry and how long ago the store confirmed it.
    fn cached(&self, hash: &TokenHash) -> Option<(Arc<Caller>, DateTime<Utc>, Duration)> {
        let cache = self.cache.read().unwrap_or_else(|e| e.into_inner());
        cache
            .get(hash)
            .map(|c| (c.caller.clone(), c.expires_at, c.checked.elapsed()))
    }

    async fn caller_of(&self, store: &dyn Store, hash: TokenHash) -> Result<Arc<Caller>, AccessError> {
        let now = Utc::now();
        let mut cached = self.cached(&hash);
        if let Some((caller, expires_at, age)) = &cached {
            if *expires_at <= now {
                self.forget(&hash);
                return Err(expired());
            }
            if *age < self.recheck {
                return Ok(caller.clone());
            }
        }
        let gate = self
            .lookups
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(hash)
            .or_default()
            .clone();
        let turn = match (&cached, gate.try_lock()) {
            (_, Ok(turn)) => Some(turn),
            // Another request is rechecking this session: serve it as confirmed so far.
            (Some((caller, _, _)), Err(_)) => return Ok(caller.clone()),
            // Another request is looking this token up: wait for it and read what it found. If it
            // found nothing (an unknown token, a store away), ask again — all at once, as before,
            // rather than one after another behind a store that does not answer.
            (None, Err(_)) => {
                drop(gate.lock().await);
                cached = self.cached(&hash);
                if let Some((caller, expires_at, age)) = &cached
                    && *expires_at > now
                    && *age < self.recheck
                {
                    return Ok(caller.clone());
                }
                None
            }
        };
        let answer = self.look_up(store, hash, cached, now).await;
        if turn.is_some() {
            self.lookups.lock().unwrap_or_else(|e| e.into_inner()).remove(&hash);
        }
        answer
    }

    /// Asks the store about `hash` and caches what it says.
    async fn look_up(
        &self,
        store: &dyn Store,
        hash: TokenHash,
        cached: Option<(Arc<Caller>, DateTime<Utc>, Duration)>,
        now: DateTime<Utc>,
    ) -> Result<Arc<Caller>, AccessError> {
        let lookup = store.token(&hash);
        let found = match &cached {
            // A session the store confirmed lately is not held up by a store that does not answer
            // (while the database is down, the pool waits out its whole acquire timeout).
            Some((caller, _, _)) => match tokio::time::timeout(RECHECK_WAIT, lookup).await {
                Ok(found) => found,
                Err(_) => return Ok(self.keep_open(&hash, caller)),
            },
            None => lookup.await,
        };
        match found {
            Ok(Some(t)) if !t.revoked && t.expires_at > now => {
                let caller = Arc::new(Caller {
                    user: t.user.name.as_str().into(),
                    role: t.user.role,
                    scope: t.user.scope,
                });
                self.cache.write().unwrap_or_else(|e| e.into_inner()).insert(
                    hash,
                    Cached {
                        caller: caller.clone(),
                        expires_at: t.expires_at,
                        checked: Instant::now(),
                    },
                );
                Ok(caller)
            }
            Ok(Some(t)) if !t.revoked => {
                self.forget(&hash);
                Err(expired())
            }
            Ok(_) => {
                self.forget(&hash);
                Err(AccessError::Unauthenticated(
                    "the bearer token is unknown or revoked; log in again".into(),
                ))
            }
            // The store is away: a session it confirmed lately stays open.
            Err(e) if e.is_unavailable() => match cached {
                Some((caller, _, _)) => Ok(self.keep_open(&hash, &caller)),
                None => Err(e.into()),
            },
            Err(e) => Err(e.into()),
        }
    }

    /// Revokes one token (logging out).
    pub async fn revoke(&self, store: &dyn Store, token: &str) -> Result<(), AccessError> {
        let hash = hash_token(token);
        self.forget(&hash);
        store.revoke_token(&hash).await?;
        Ok(())
    }

    /// Drops every cached session of `user` (after `gridmap user revoke/remove` in this process).
    pub fn forget_user(&self, user: &str) {
        self.cache
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, c| &*c.caller.user != user);
    }

    /// Keeps a cached session open while the store cannot be asked, and asks again only after
    /// another recheck interval: until then every request of the token would wait for the store.
    fn keep_open(&self, hash: &TokenHash, caller: &Arc<Caller>) -> Arc<Caller> {
        if let Some(c) = self.cache.write().unwrap_or_else(|e| e.into_inner()).get_mut(hash) {
            c.checked = Instant::now();
        }
        caller.clone()
    }

    fn forget(&self, hash: &TokenHash) {
        self.cache.write().unwrap_or_else(|e| e.into_inner()).remove(hash);
    }
}

fn expired() -> AccessError {
    AccessError::Unauthenticated("the bearer token has expired; log in again".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_well_formed() {
        let (a, ha) = new_token().unwrap();
        let (b, hb) = new_token().unwrap();
        assert_ne!(a, b);
        assert_ne!(ha, hb);
        assert!(well_formed(&a), "{a}");
        assert_eq!(hash_token(&a), ha);
        assert!(!well_formed("gm_xyz"));
        assert!(!well_formed(&a.replace("gm_", "xx_")));
        assert!(!well_formed(&format!("{}g", &a[..a.len() - 1])));
    }
}
