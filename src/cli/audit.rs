//! `gridmap audit`: reads the audit log, newest first.

use anyhow::Context;

use super::open_store;
use crate::access::AuditQuery;
use crate::config::AuditArgs;

pub async fn run(database: &str, args: AuditArgs) -> anyhow::Result<()> {
    let since = args
        .since
        .as_deref()
        .map(|s| {
            chrono::DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&chrono::Utc))
                .with_context(|| format!("--since {s:?} is not an RFC 3339 time such as 2026-11-24T08:00:00Z"))
        })
        .transpose()?;
    let store = open_store(database).await?;
    let entries = store
        .audit(&AuditQuery {
            user: args.user,
            code: args.code,
            action: args.action,
            since,
            limit: args.limit,
        })
        .await;
    store.close().await;
    let entries = entries?;
    let mut out = std::io::stdout().lock();
    use std::io::Write;
    for e in &entries {
        if args.json {
            writeln!(out, "{}", serde_json::to_string(e)?)?;
        } else {
            let codes = match e.codes.len() {
                0 => String::new(),
                1..=5 => e.codes.join(","),
                n => format!("{},… ({n})", e.codes[..5].join(",")),
            };
            writeln!(
                out,
                "{}  {:<20} {:<11} {:<15} {:<10} {:<28} {}{}",
                e.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                e.user,
                e.role.as_deref().unwrap_or("-"),
                e.action,
                e.target,
                e.remote.as_deref().unwrap_or("-"),
                codes,
                e.detail.as_deref().map(|d| format!("  [{d}]")).unwrap_or_default(),
            )?;
        }
    }
    Ok(())
}
