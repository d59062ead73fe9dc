// The coverage layers on the map: the server's coverage tiles for one kind and reach (areas
// coloured by covered share, households covered or not, and each station's reach: a circle at true
// ground size for a straight radius, the stretches of path within the walk for the 15-minute walk)
// and a highlight of the households a suggested site would cover.
import type * as maplibregl from 'maplibre-gl';
import type { Reach } from './reach';

const here = new URL('.', document.baseURI).href;
const SOURCE = 'coverage';
const HIGHLIGHT = 'coverage-highlight';
export const IDS = ['coverage-areas', 'coverage-reach-fill', 'coverage-reach-line', 'coverage-households',
  'coverage-site-reach', 'coverage-highlight', 'coverage-sites'];
/** Colours of households: covered, left out. */
export const COVERED = '#00c853';
export const UNCOVERED = '#d50000';

const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

export function removeLayers(map: maplibregl.Map) {
  for (const id of IDS) if (map.getLayer(id)) map.removeLayer(id);
  for (const s of [SOURCE, HIGHLIGHT]) if (map.getSource(s)) map.removeSource(s);
}

/** Polygons only: a walk's reach is lines, which a fill layer must not try to fill. */
const POLYGONS: maplibregl.FilterSpecification = ['in', ['geometry-type'], ['literal', ['Polygon', 'MultiPolygon']]];

/** (Re)draws the coverage tiles of `kind` at `reach`. */
export function showLayers(map: maplibregl.Map, kind: string, reach: Reach) {
  removeLayers(map);
  // The kind and radius are in the tile's path; the walk is asked as `?distance=walking` on each.
  const walking = reach.walking ? '?distance=walking' : '';
  map.addSource(SOURCE, {
    type: 'vector', maxzoom: 16,
    tiles: [`${here}tiles/coverage/${encodeURIComponent(kind)}/${reach.radius}/{z}/{x}/{y}.mvt${walking}`],
  });
  map.addSource(HIGHLIGHT, { type: 'geojson', data: EMPTY });
  map.addLayer({ id: 'coverage-areas', type: 'fill', source: SOURCE, 'source-layer': 'coverage_areas',
    paint: {
      'fill-color': ['case', ['has', 'share'],
        ['interpolate', ['linear'], ['get', 'share'], 0, '#ef5350', 0.5, '#ffca28', 1, '#66bb6a'], '#9e9e9e'],
      'fill-opacity': ['interpolate', ['linear'], ['zoom'], 12, 0.4, 16, 0.15],
      'fill-outline-color': '#555',
    } });
  map.addLayer({ id: 'coverage-reach-fill', type: 'fill', source: SOURCE, 'source-layer': 'coverage_reach',
    filter: POLYGONS, paint: { 'fill-color': '#1e88e5', 'fill-opacity': 0.18 } });
  // A circle's outline, or the paths within the walk of a station: those are the reach itself, so
  // they are drawn wider to stand out from the roads under them.
  map.addLayer({ id: 'coverage-reach-line', type: 'line', source: SOURCE, 'source-layer': 'coverage_reach',
    layout: { 'line-cap': 'round', 'line-join': 'round' },
    paint: { 'line-color': '#1565c0', 'line-width': reach.walking ? ['interpolate', ['linear'], ['zoom'], 10, 1.5, 16, 4] : 1.5 } });
  map.addLayer({ id: 'coverage-households', type: 'circle', source: SOURCE, 'source-layer': 'coverage_households',
    paint: {
      'circle-color': ['case', ['get', 'covered'], COVERED, UNCOVERED],
      // No outline: in a block of flats the dots overlap, and outlines would hide their colour.
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 14, 3, 17, 7],
    } });
  map.addLayer({ id: 'coverage-site-reach', type: 'line', source: HIGHLIGHT, filter: ['==', ['get', 'what'], 'reach'],
    paint: { 'line-color': '#ff6f00', 'line-width': 2.5, 'line-dasharray': [2, 1] } });
  map.addLayer({ id: 'coverage-highlight', type: 'circle', source: HIGHLIGHT, filter: ['==', ['get', 'what'], 'household'],
    paint: { 'circle-radius': 9, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#ffea00', 'circle-stroke-width': 3 } });
  map.addLayer({ id: 'coverage-sites', type: 'circle', source: HIGHLIGHT, filter: ['==', ['get', 'what'], 'site'],
    paint: { 'circle-radius': 8, 'circle-color': '#ff6f00', 'circle-stroke-color': '#000', 'circle-stroke-width': 2 } });
}

/** A circle of `radius` metres around `at` (WGS 84), on the ellipsoid's local tangent plane. */
function circle(at: [number, number], radius: number): [number, number][] {
  const A = 6378137, E2 = 0.00669437999014;
  const phi = at[1] * Math.PI / 180;
  const w = 1 - E2 * Math.sin(phi) ** 2;
  const east = (A / Math.sqrt(w)) * Math.cos(phi) * Math.PI / 180; // metres per degree of longitude
  const north = ((A * (1 - E2)) / w ** 1.5) * Math.PI / 180; // metres per degree of latitude
  return Array.from({ length: 65 }, (_, k) => {
    const a = (k / 64) * 2 * Math.PI;
    return [at[0] + (radius * Math.sin(a)) / east, at[1] + (radius * Math.cos(a)) / north];
  });
}

/** Marks the suggested `sites` and highlights `households` (positions) on the map, with the reach
 * (`radius` metres) of the site `chosen`. */
export function highlight(map: maplibregl.Map, sites: [number, number][], households: [number, number][],
  chosen?: [number, number], radius = 0) {
  const src = map.getSource(HIGHLIGHT) as maplibregl.GeoJSONSource | undefined;
  const point = (what: string) => (at: [number, number]): GeoJSON.Feature => ({
    type: 'Feature', properties: { what }, geometry: { type: 'Point', coordinates: at } });
  document.body.dataset.coverageHighlighted = String(households.length);
  src?.setData({ type: 'FeatureCollection',
    features: [...households.map(point('household')), ...sites.map(point('site')),
      ...(chosen ? [{ type: 'Feature' as const, properties: { what: 'reach' },
        geometry: { type: 'LineString' as const, coordinates: circle(chosen, radius) } }] : [])] });
}
