//! `gridmap user add|list|remove|revoke`.

use std::io::{IsTerminal, Read};

use anyhow::{Context, bail};

use super::open_store;
use crate::access::{Action, AuditEntry, Role, User, check_user_name, password};
use crate::config::{UserCommand, cli_user};
use crate::domain::Code;
use crate::store::{Store, StoreError};

pub async fn run(database: &str, command: UserCommand) -> anyhow::Result<()> {
    let store = open_store(database).await?;
    let result = match command {
        UserCommand::Add { name, role, scope } => {
            let password = read_password()?;
            add(&*store, &name, role, scope.as_deref(), &password)
                .await
                .map(|detail| eprintln!("added {detail}"))
        }
        UserCommand::List => list(&*store).await,
        UserCommand::Remove { name } => remove(&*store, &name).await,
        UserCommand::Revoke { name } => revoke(&*store, &name).await,
    };
    store.close().await;
    result
}

/// The password: the first line of standard input (prompted for when it is a terminal).
fn read_password() -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("password (input is shown; pipe it in to keep it off the screen): ");
    }
    let mut text = String::new();
    stdin
        .lock()
        .take(4096)
        .read_to_string(&mut text)
        .context("reading the password from standard input")?;
    let line = text.lines().next().unwrap_or_default().to_owned();
    if line.is_empty() {
        bail!(
            "no password on standard input: pipe it in, e.g. `printf '%s\\n' \"$PASS\" | gridmap user add NAME --role ROLE`"
        );
    }
    Ok(line)
}

/// Adds an account, checking the name, the password and that the scope is a stored area; says
/// what was added.
pub async fn add(
    store: &dyn Store,
    name: &str,
    role: Role,
    scope: Option<&str>,
    password: &str,
) -> anyhow::Result<String> {
    check_user_name(name).with_context(|| format!("user name {name:?}"))?;
    let scope = scope
        .map(|s| Code::parse(s).with_context(|| format!("scope {s:?}")))
        .transpose()?;
    if let Some(code) = &scope
        && !store.load_areas().await?.iter().any(|a| &a.code == code)
    {
        bail!("no area with code {code} to scope the account to");
    }
    let given = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || password::hash(&given)).await??;
    let user = User {
        name: name.to_owned(),
        role,
        scope: scope.clone(),
        created_at: chrono::Utc::now(),
    };
    match store.add_user(&user, &hash).await {
        Err(StoreError::Constraint(_)) => bail!("there is already a user named {name}"),
        other => other?,
    }
    let detail = match &scope {
        Some(c) => format!("{name}: {role} in {c}"),
        None => format!("{name}: {role} everywhere"),
    };
    store
        .append_audit(&[AuditEntry::anonymous(&cli_user(), Action::UserAdded, "account").detail(detail.clone())])
        .await?;
    Ok(detail)
}

async fn list(store: &dyn Store) -> anyhow::Result<()> {
    let users = store.users().await?;
    println!("{:<24} {:<12} {:<20} created", "name", "role", "scope");
    for u in users {
        println!(
            "{:<24} {:<12} {:<20} {}",
            u.name,
            u.role.as_str(),
            u.scope.as_ref().map_or("(everywhere)", |c| c.as_str()),
            u.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
    }
    Ok(())
}

async fn remove(store: &dyn Store, name: &str) -> anyhow::Result<()> {
    if !store.remove_user(name).await? {
        bail!("there is no user named {name}");
    }
    store
        .append_audit(&[AuditEntry::anonymous(&cli_user(), Action::UserRemoved, "account").detail(name)])
        .await?;
    eprintln!("removed {name} and its tokens");
    Ok(())
}

async fn revoke(store: &dyn Store, name: &str) -> anyhow::Result<()> {
    if !store.users().await?.iter().any(|u| u.name == name) {
        bail!("there is no user named {name}");
    }
    let n = store.revoke_tokens_of(name).await?;
    store
        .append_audit(&[
            AuditEntry::anonymous(&cli_user(), Action::TokensRevoked, "account").detail(format!("{name}: {n} tokens"))
        ])
        .await?;
    eprintln!("revoked {n} tokens of {name}; running servers stop accepting them within seconds");
    Ok(())
}
