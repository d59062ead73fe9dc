// Downloads: the uncovered households as CSV (from /coverage/uncovered, paged) and the coverage
// map as PNG (/api/v1/maps/coverage.png, drawn on the server), both for the reach of the table.
import { ApiError, api, bearer } from '../api';
import { type Reach, reachQuery, tagOf } from './reach';
import type { Uncovered } from './types';

const PAGE = 10_000;

/** Every household of `kind` left out at `reach`, as the caller may see them. */
export async function allUncovered(kind: string, reach: Reach): Promise<GeoJSON.Feature<GeoJSON.Point>[]> {
  const out: GeoJSON.Feature<GeoJSON.Point>[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const q = reachQuery(kind, reach, { limit: String(PAGE), offset: String(offset) });
    const page = await api<Uncovered>(`api/v1/coverage/uncovered?${q}`);
    out.push(...page.features);
    if (page.features.length < PAGE || out.length >= page.numberMatched) return out;
  }
}

const COLUMNS = ['code', 'lon', 'lat', 'head_name', 'address', 'area_code', 'nearest_station', 'distance_m'];
/** On foot, the walk to the nearest station too (the server gives it beside the straight line). */
const WALK_COLUMNS = [...COLUMNS, 'walking_distance_m'];

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  // Quoted when needed (RFC 4180); a leading = + - @ is defused so spreadsheets do not run it.
  const safe = /^[=+\-@]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(features: GeoJSON.Feature<GeoJSON.Point>[], walking = false): string {
  const columns = walking ? WALK_COLUMNS : COLUMNS;
  const lines = [columns.join(',')];
  for (const f of features) {
    const p = (f.properties ?? {}) as Record<string, unknown>;
    const [lon, lat] = f.geometry.coordinates;
    lines.push(columns.map((c) => cell(c === 'code' ? (f.id ?? p.code) : c === 'lon' ? lon : c === 'lat' ? lat : p[c])).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

export function save(name: string, blob: Blob) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** The coverage map of `kind` at `reach` as the server draws it, fetched with the session's token
 * (a plain link could not carry it) and saved. */
export async function downloadPng(kind: string, reach: Reach) {
  const q = reachQuery(kind, reach, { width: '1600', height: '1200' });
  const res = await fetch(`api/v1/maps/coverage.png?${q}`, { headers: { Authorization: bearer() } });
  if (!res.ok) {
    const err = (await res.json().catch(() => null))?.error;
    throw new ApiError(err?.message ?? `HTTP ${res.status}`, res.status, err?.code ?? '');
  }
  save(`coverage-${kind}-${tagOf(reach)}.png`, await res.blob());
}
