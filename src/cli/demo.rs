//! `gridmap demo load|generate`, and loading the demo into an empty store at start.

use std::path::Path;

use anyhow::Context;

use super::import::import_files;
use super::open_store;
use crate::access::Role;
use crate::demo::LIMIAO;
use crate::domain::{Crs, Layer};
use crate::state::{AppState, Limits};
use crate::store::Store;

/// Imports `DIR/{areas,buildings,households,stations,paths}.geojson` in dependency order (a demo
/// generated before paths existed has no `paths.geojson`; it loads without a network).
pub async fn load_demo(state: &AppState, dir: &Path) -> anyhow::Result<()> {
    for layer in Layer::ALL {
        let file = dir.join(format!("{layer}.geojson"));
        if layer == Layer::Paths && !file.exists() {
            continue;
        }
        let (n, _) = import_files(state, layer, Crs::Wgs84, &[&file], false)
            .await
            .with_context(|| format!("loading the demo {layer} from {}", file.display()))?;
        tracing::info!(layer = %layer, features = n, "demo data loaded");
    }
    Ok(())
}

pub async fn run_load(database: &str, dir: &Path) -> anyhow::Result<()> {
    let store = open_store(database).await?;
    let state = AppState::load(store.clone(), Limits::default()).await?;
    let result = load_demo(&state, dir).await;
    let accounts = match &result {
        Ok(()) => demo_accounts(&*store, None).await.map(Some),
        Err(_) => Ok(None),
    };
    store.close().await;
    result?;
    eprintln!("demo data from {} loaded into {}", dir.display(), store.backend());
    if let Some(accounts) = accounts? {
        print_logins(&accounts, None);
    }
    Ok(())
}

/// The demo's accounts, one per role: (name, role, scope, password).
pub type DemoAccounts = Vec<(&'static str, Role, Option<&'static str>, String)>;

/// Adds one account per role to a store that has none, each with a fresh random password, and
/// writes the logins to `save_to` (readable by its owner only) when given. Returns nothing when
/// the store already has accounts: the demo never resets someone's password.
pub async fn demo_accounts(store: &dyn Store, save_to: Option<&Path>) -> anyhow::Result<DemoAccounts> {
    if !store.users().await?.is_empty() {
        return Ok(Vec::new());
    }
    // 李庙镇 and its first grid: the demo's rural township, where the red house-yards are.
    let plan: [(&'static str, Role, Option<&'static str>); 5] = [
        ("demo-admin", Role::Admin, None),
        ("demo-planner", Role::Planner, Some(LIMIAO)),
        ("demo-leader", Role::GridLeader, Some(LIMIAO_GRID)),
        ("demo-dispatcher", Role::Dispatcher, None),
        ("demo-viewer", Role::Viewer, None),
    ];
    let mut accounts = Vec::new();
    for (name, role, scope) in plan {
        let password = random_password()?;
        super::add_user(store, name, role, scope, &password).await?;
        accounts.push((name, role, scope, password));
    }
    if let Some(path) = save_to {
        write_logins(path, &accounts).with_context(|| format!("writing the demo logins to {}", path.display()))?;
    }
    Ok(accounts)
}

/// The grid of 李庙镇 the demo's grid leader looks after.
pub const LIMIAO_GRID: &str = "420624103002001";

fn random_password() -> anyhow::Result<String> {
    // 62 symbols, 16 of them: ~95 bits.
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness for a password: {e}"))?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect())
}

fn logins_text(accounts: &DemoAccounts) -> String {
    let mut text =
        String::from("# gridmap demo accounts (one per role); log in with POST /api/v1/auth/token or the web app\n");
    for (name, role, scope, password) in accounts {
        text.push_str(&format!(
            "{name:<16} {password}  {role}{}\n",
            scope.map(|s| format!(" of {s}")).unwrap_or_default()
        ));
    }
    text
}

fn write_logins(path: &Path, accounts: &DemoAccounts) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(logins_text(accounts).as_bytes())
}

/// Prints how to log in as each role.
pub fn print_logins(accounts: &DemoAccounts, saved_to: Option<&Path>) {
    if accounts.is_empty() {
        return;
    }
    println!("{}", logins_text(accounts));
    if let Some(path) = saved_to {
        println!("(also saved in {}, readable by you only)", path.display());
    }
}

pub fn run_generate(source: &Path, out: &Path) -> anyhow::Result<()> {
    let summary = crate::demo::generate(source, out)?;
    eprintln!("demo data written to {}: {summary}", out.display());
    Ok(())
}
