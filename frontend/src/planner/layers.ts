// The planner's own map layers, drawn above the served style and below the editing handles: the
// open area's children filled by balance, the selected child outlined, gaps, overlaps and
// overreach of the report as a layer of their own, and the preview of a mode (the parts of a split,
// a merged outline, suggested red house-yards, neighbours a shared vertex moves) on top.
import type { ExpressionSpecification, GeoJSONSource, Map as MapLibre } from 'maplibre-gl';
import { BALANCE_COLORS, balanceOf } from './report';
import { t } from './text';
import type { AreaDetail, Outline, Report } from './types';

const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };
const PROBLEM_COLORS = { gap: '#8e24aa', overlap: '#d50000', outside_parent: '#ff6d00' };
export const CHILDREN_FILL = 'planner-children-fill';
/** Outline colours of a preview's parts, told apart from each other and from the balance fills. */
export const PART_COLORS = ['#d81b60', '#1e88e5', '#00897b', '#fb8c00', '#5e35b1', '#6d4c41', '#c0ca33', '#00acc1'];
export const partColor = (i: number) => PART_COLORS[i % PART_COLORS.length];

export function addLayers(map: MapLibre) {
  if (map.getSource('planner-children')) return;
  map.addSource('planner-children', { type: 'geojson', data: EMPTY });
  map.addSource('planner-problems', { type: 'geojson', data: EMPTY });
  map.addSource('planner-labels', { type: 'geojson', data: EMPTY });
  const balanceColor = ['match', ['get', 'balance'], 'ok', BALANCE_COLORS.ok, 'low', BALANCE_COLORS.low, 'high',
    BALANCE_COLORS.high, BALANCE_COLORS.unknown] as ExpressionSpecification;
  map.addLayer({ id: CHILDREN_FILL, type: 'fill', source: 'planner-children',
    paint: { 'fill-color': balanceColor, 'fill-opacity': ['case', ['get', 'selected'], 0.12, 0.32] } });
  map.addLayer({ id: 'planner-children-line', type: 'line', source: 'planner-children',
    paint: { 'line-color': '#37474f', 'line-width': 1.5 } });
  map.addLayer({ id: 'planner-selected-line', type: 'line', source: 'planner-children', filter: ['get', 'selected'],
    paint: { 'line-color': '#0d47a1', 'line-width': 3.5 } });
  map.addLayer({ id: 'planner-problems-fill', type: 'fill', source: 'planner-problems',
    paint: { 'fill-color': ['match', ['get', 'kind'], 'gap', PROBLEM_COLORS.gap, 'overlap', PROBLEM_COLORS.overlap,
      PROBLEM_COLORS.outside_parent] as ExpressionSpecification, 'fill-opacity': 0.55 } });
  map.addLayer({ id: 'planner-problems-line', type: 'line', source: 'planner-problems',
    paint: { 'line-color': '#212121', 'line-width': 1.5, 'line-dasharray': [2, 1] } });
  map.addLayer({ id: 'planner-children-label', type: 'symbol', source: 'planner-labels',
    layout: { 'text-field': ['get', 'label'], 'text-font': ['Noto Sans CJK SC Regular'], 'text-size': 12 },
    paint: { 'text-color': '#263238', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 } });
  // A mode's preview: parts filled and outlined in their own colours ('part'), areas picked to go
  // with the selected one ('chosen'), neighbours a shared vertex moves ('moved', dashed).
  map.addSource('planner-preview', { type: 'geojson', data: EMPTY });
  map.addSource('planner-preview-labels', { type: 'geojson', data: EMPTY });
  map.addLayer({ id: 'planner-preview-fill', type: 'fill', source: 'planner-preview', filter: ['==', ['get', 'kind'], 'part'],
    paint: { 'fill-color': ['get', 'color'], 'fill-opacity': 0.25 } });
  map.addLayer({ id: 'planner-preview-line', type: 'line', source: 'planner-preview', filter: ['!=', ['get', 'kind'], 'moved'],
    paint: { 'line-color': ['get', 'color'], 'line-width': ['case', ['==', ['get', 'kind'], 'chosen'], 4, 3] } });
  map.addLayer({ id: 'planner-preview-moved', type: 'line', source: 'planner-preview', filter: ['==', ['get', 'kind'], 'moved'],
    paint: { 'line-color': ['get', 'color'], 'line-width': 2.5, 'line-dasharray': [2, 1] } });
  map.addLayer({ id: 'planner-preview-label', type: 'symbol', source: 'planner-preview-labels',
    layout: { 'text-field': ['get', 'label'], 'text-font': ['Noto Sans CJK SC Regular'], 'text-size': 13, 'text-allow-overlap': true },
    paint: { 'text-color': ['get', 'color'], 'text-halo-color': '#ffffff', 'text-halo-width': 2 } });
}

/** One outline of a mode's preview. */
export interface PreviewFeature {
  code: string; geometry: Outline; color: string; kind: 'part' | 'chosen' | 'moved';
  /** Written inside it (parts only). */
  label?: string;
}

/** Draws a mode's preview over the children (an empty list clears it). */
export function showPreview(map: MapLibre, features: PreviewFeature[]) {
  const shapes = map.getSource('planner-preview') as GeoJSONSource | undefined;
  const labels = map.getSource('planner-preview-labels') as GeoJSONSource | undefined;
  if (!shapes || !labels) return;
  shapes.setData({ type: 'FeatureCollection', features: features.map((f) => ({ type: 'Feature', geometry: f.geometry,
    properties: { code: f.code, color: f.color, kind: f.kind } })) });
  labels.setData({ type: 'FeatureCollection', features: features.filter((f) => f.label).map((f) => ({ type: 'Feature',
    geometry: { type: 'Point', coordinates: labelPoint(f.geometry) }, properties: { code: f.code, color: f.color, label: f.label } })) });
}

export function removeLayers(map: MapLibre) {
  for (const id of ['planner-preview-label', 'planner-preview-moved', 'planner-preview-line', 'planner-preview-fill',
    'planner-children-label', 'planner-problems-line', 'planner-problems-fill', 'planner-selected-line',
    'planner-children-line', CHILDREN_FILL]) {
    if (map.getLayer(id)) map.removeLayer(id);
  }
  for (const id of ['planner-children', 'planner-problems', 'planner-labels', 'planner-preview', 'planner-preview-labels']) if (map.getSource(id)) map.removeSource(id);
}

/** Draws the children of `report` (outlines from `children`) and its problems. */
export function showReport(map: MapLibre, report: Report, children: AreaDetail[], selected: string | null) {
  const kids = map.getSource('planner-children') as GeoJSONSource | undefined;
  const problems = map.getSource('planner-problems') as GeoJSONSource | undefined;
  const labels = map.getSource('planner-labels') as GeoJSONSource | undefined;
  if (!kids || !problems || !labels) return;
  kids.setData({ type: 'FeatureCollection', features: children.map((c) => ({ type: 'Feature', geometry: c.geometry,
    properties: { code: c.code, balance: balanceOf(report, c.code), selected: c.code === selected } })) });
  // One label per child, at a point well inside it (a polygon's own label would repeat in every tile).
  labels.setData({ type: 'FeatureCollection', features: children.map((c) => {
    const counts = report.children.find((r) => r.code === c.code);
    return { type: 'Feature', geometry: { type: 'Point', coordinates: labelPoint(c.geometry) }, properties: {
      label: counts?.households == null ? c.name : `${c.name}\n${counts.households} ${t('p_hh')}` } };
  }) });
  const features: GeoJSON.Feature[] = [
    ...report.gaps.map((g) => ({ type: 'Feature' as const, geometry: g.geometry, properties: { kind: 'gap' } })),
    ...report.overlaps.map((o) => ({ type: 'Feature' as const, geometry: o.geometry, properties: { kind: 'overlap' } })),
    ...report.outside_parent.map((o) => ({ type: 'Feature' as const, geometry: o.geometry, properties: { kind: 'outside_parent' } })),
  ];
  problems.setData({ type: 'FeatureCollection', features });
}

type Ring = number[][];
function inside(rings: Ring[], x: number, y: number): boolean {
  let odd = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i], [xj, yj] = ring[j];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
    }
  }
  return odd;
}
function edgeDistance(rings: Ring[], x: number, y: number): number {
  let best = Infinity;
  for (const ring of rings) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const [ax, ay] = ring[i], [bx, by] = ring[i + 1];
      const dx = bx - ax, dy = by - ay;
      const k = dx === 0 && dy === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
      best = Math.min(best, Math.hypot(ax + k * dx - x, ay + k * dy - y));
    }
  }
  return best;
}

/** A point well inside the largest part of `g`: of a 12 × 12 sample of its box, the one farthest
 * from its edges (good enough to place a label). */
export function labelPoint(g: Outline): [number, number] {
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  let best: [number, number] = polygons[0][0][0] as [number, number];
  let bestD = -1;
  for (const rings of polygons) {
    const xs = rings[0].map((p) => p[0]), ys = rings[0].map((p) => p[1]);
    const [w, e, s, n] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    for (let i = 0; i < 12; i++) {
      for (let j = 0; j < 12; j++) {
        const x = w + ((i + 0.5) / 12) * (e - w), y = s + ((j + 0.5) / 12) * (n - s);
        if (!inside(rings, x, y)) continue;
        const d = edgeDistance(rings, x, y);
        if (d > bestD) { bestD = d; best = [x, y]; }
      }
    }
  }
  return best;
}
