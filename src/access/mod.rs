//! Who may see what: accounts and roles, bearer-token sessions, the one policy over residents'
//! data ([`Grant`]), masking, the audit log and rate limits.
//!
//! Households carry residents' personal information (names, phones, party membership). China's
//! Personal Information Protection Law asks for the minimum necessary access, masking, and a record
//! of who looked; this module is where gridmap does all three.

mod audit;
mod error;
mod grant;
pub mod mask;
pub mod password;
mod rate;
mod role;
mod token;

pub use audit::{Action, AuditEntry, AuditLog, AuditQuery, MAX_CODES};
pub use error::AccessError;
pub use grant::{Caller, Grant, Sight};
pub use rate::{Rate, RateLimiter};
pub use role::{Role, User, UserNameError, check_user_name};
pub use token::{Issued, RECHECK, Sessions, StoredToken, TokenHash, hash_token};
