// The map: the served MapLibre style with the session's token on every tile request, the layer
// toggles and legend, the overlay of lines and marks the dispatcher and household search draw, and
// who gets clicks on the map (the dispatcher, unless a view such as the planner takes them).
import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { bearer, type Me } from './api';
import { $, el } from './dom';
import { KINDS, onLangChange, t, zh } from './i18n';
import type { Area } from './types';

// MapLibre looks for its worker next to the script that imports it; the bundle moves that script, so
// point it at the worker file the build copied into assets/.
maplibregl.setWorkerUrl(workerUrl);
let map!: maplibregl.Map;
export const theMap = () => map;
const here = new URL('.', document.baseURI).href;

let loaded: () => void;
/** Resolves once the style has loaded and the app's own layers are added. */
export const mapReady = new Promise<void>((ok) => { loaded = ok; });

type Click = (ev: maplibregl.MapMouseEvent) => void;
const clicks: Click[] = [];
/** Clicks on the map go to `fn` until it is popped (the last pushed handler gets them). */
export const pushClick = (fn: Click) => { clicks.push(fn); };
export const popClick = (fn: Click) => { const i = clicks.lastIndexOf(fn); if (i >= 0) clicks.splice(i, 1); };

export async function startMap(who: Me) {
  // Relative, like every URL here, so the app also works below a proxy's path prefix.
  const style = (await (await fetch('style.json')).json()) as maplibregl.StyleSpecification;
  if (!who.sees_households) {
    // Not offered at all to roles that may not see residents' data (the server would refuse it).
    delete style.sources.households;
    style.layers = style.layers.filter((l) => !('source' in l) || l.source !== 'households');
  }
  map = new maplibregl.Map({
    container: 'map',
    style,
    center: [112.0, 32.0],
    zoom: 8,
    localIdeographFontFamily: false,
    // Tiles and TileJSON need the session's token; nothing is ever sent elsewhere.
    transformRequest: (url) => (url.startsWith(here) ? { url, headers: { Authorization: bearer() } } : { url }),
  });
  map.addControl(new maplibregl.NavigationControl(), 'top-right');
  (window as unknown as { gridmap: maplibregl.Map }).gridmap = map;
  map.on('load', onMapLoad);
  map.on('click', (ev) => clicks[clicks.length - 1]?.(ev));
}

/** Reloads the area tiles, after a commit changed outlines. The server's tiles carry an ETag of the
 * data's generation with `no-cache`, so the browser revalidates and gets the new ones. */
export function refreshAreaTiles() {
  if (map?.getSource('areas')) map.refreshTiles('areas');
}

// --- layer toggles and legend ----------------------------------------------------------------
let groups = ['areas', 'red_yards', 'paths_layer', 'buildings', 'households_layer', 'stations'];
function groupOf(layer: { id: string; source?: unknown }): string | null {
  if (layer.id.startsWith('red_yard')) return 'red_yards';
  switch (layer.source) {
    case 'areas': return 'areas';
    // Roads and footpaths, where the server has a path network: what the walks go along.
    case 'paths': return 'paths_layer';
    case 'buildings': return 'buildings';
    case 'households': return 'households_layer';
    case 'stations': return 'stations';
  }
  return null;
}
const visible: Record<string, boolean> = Object.fromEntries(groups.map((g) => [g, true]));
/** Layers the app adds itself (ids starting with these) are not switched by the toggles. */
const OWN = ['planner-'];
function applyVisibility() {
  if (!map) return;
  for (const layer of map.getStyle().layers) {
    if (OWN.some((p) => layer.id.startsWith(p))) continue;
    const g = groupOf(layer as { id: string; source?: unknown });
    if (g) map.setLayoutProperty(layer.id, 'visibility', visible[g] ? 'visible' : 'none');
  }
}
/** Drops the households layer group for roles that may not see residents. */
export function withoutHouseholds() {
  groups = groups.filter((g) => g !== 'households_layer');
  visible.households_layer = false;
}

export function renderLayers() {
  const toggles = $('toggles');
  toggles.replaceChildren();
  for (const g of groups) {
    const label = el('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = visible[g];
    box.dataset.group = g;
    box.addEventListener('change', () => { visible[g] = box.checked; applyVisibility(); });
    label.append(box, document.createTextNode(t(g)));
    toggles.append(label);
  }
  const legend = $('legend');
  legend.replaceChildren();
  for (const [, color, mark, zhName, enName] of KINDS) {
    const item = el('div');
    const m = el('span', mark, 'mark');
    m.style.background = color;
    item.append(m, document.createTextNode(zh() ? zhName : enName));
    legend.append(item);
  }
}
onLangChange(renderLayers);

// --- overlay ---------------------------------------------------------------------------------
const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };
function onMapLoad() {
  applyVisibility();
  map.addSource('links', { type: 'geojson', data: EMPTY });
  map.addSource('marks', { type: 'geojson', data: EMPTY });
  map.addLayer({ id: 'links', type: 'line', source: 'links',
    paint: { 'line-color': ['coalesce', ['get', 'color'], '#ff6f00'], 'line-width': 2.5, 'line-dasharray': [2, 1] } });
  // The area whose statistics are shown, outlined; its code is set by the statistics panel.
  map.addLayer({ id: 'selected-area', type: 'line', source: 'areas', 'source-layer': 'areas',
    filter: ['==', ['get', 'code'], ''], paint: { 'line-color': '#0d47a1', 'line-width': 3.5 } });
  map.addLayer({ id: 'marks', type: 'circle', source: 'marks',
    paint: { 'circle-radius': 7, 'circle-color': '#ffeb3b', 'circle-stroke-color': '#000', 'circle-stroke-width': 2 } });
  document.body.dataset.mapLoaded = '1';
  loaded();
}

export function setOverlay(origin: [number, number] | null, targets: { at: [number, number]; color?: string }[]) {
  const links = map.getSource('links') as maplibregl.GeoJSONSource | undefined;
  const marks = map.getSource('marks') as maplibregl.GeoJSONSource | undefined;
  if (!links || !marks) return;
  links.setData({ type: 'FeatureCollection', features: origin ? targets.map((x) => ({
    type: 'Feature', properties: { color: x.color ?? null },
    geometry: { type: 'LineString', coordinates: [origin, x.at] } })) : [] });
  marks.setData({ type: 'FeatureCollection', features: origin ? [{ type: 'Feature', properties: {},
    geometry: { type: 'Point', coordinates: origin } }] : [] });
}

/** The area of `chain` (county first) that the map draws at the current zoom: the deepest level
 * whose outline layer is shown from this zoom on, so a click on a county at zoom 8 picks the
 * county and one at street level picks the grid or red house-yard. */
export function areaAtZoom(chain: Area[]): Area | undefined {
  const zoom = map.getZoom();
  const shown = chain.filter((a) => (map.getLayer(`${a.level}-line`)?.minzoom ?? 0) <= zoom);
  return shown.length > 0 ? shown[shown.length - 1] : chain[0];
}
