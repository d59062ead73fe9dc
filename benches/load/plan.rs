//! The mixed requests of a load run, drawn from what a store holds: locate and nearest at
//! household positions (where incidents happen), area tiles at street zoom and household tiles at
//! door zoom around them, and household searches by code.

use gridmap::store::Store;
use gridmap::tiles::TileCoord;

/// About `n` request paths, in equal shares of locate, nearest, area tiles, household tiles and
/// household search.
pub async fn paths(store: &dyn Store, n: usize) -> anyhow::Result<Vec<String>> {
    let households = store.load_households().await?;
    anyhow::ensure!(
        !households.is_empty(),
        "the store has no households to aim the requests at"
    );
    let step = (households.len() / (n / 5).max(1)).max(1);
    let mut out = Vec::with_capacity(n);
    for h in households.iter().step_by(step) {
        let (lon, lat) = (h.location.lon(), h.location.lat());
        out.push(format!("/api/v1/locate?lon={lon}&lat={lat}"));
        out.push(format!("/api/v1/nearest?lon={lon}&lat={lat}&kind=red_station&k=5"));
        let t = TileCoord::containing(lon, lat, 14);
        out.push(format!("/tiles/areas/14/{}/{}.mvt", t.x(), t.y()));
        let t = TileCoord::containing(lon, lat, 16);
        out.push(format!("/tiles/households/16/{}/{}.mvt", t.x(), t.y()));
        // The code minus its last digits: a page of neighbours, as a grid worker would type it.
        let code = h.code.as_str();
        out.push(format!(
            "/api/v1/households?q={}&limit=20",
            &code[..code.len().saturating_sub(2)]
        ));
    }
    Ok(out)
}
