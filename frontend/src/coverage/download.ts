// Downloads: the uncovered households as CSV (from /coverage/uncovered, paged) and the slot for
// the coverage map as PNG, offered only when the server has /api/v1/maps/coverage.png.
import { api, bearer } from '../api';
import type { Uncovered } from './types';

const PAGE = 10_000;

/** Every uncovered household of `kind` at `radius` metres, as the caller may see them. */
export async function allUncovered(kind: string, radius: number): Promise<GeoJSON.Feature<GeoJSON.Point>[]> {
  const out: GeoJSON.Feature<GeoJSON.Point>[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const q = new URLSearchParams({ kind, radius_m: String(radius), limit: String(PAGE), offset: String(offset) });
    const page = await api<Uncovered>(`api/v1/coverage/uncovered?${q}`);
    out.push(...page.features);
    if (page.features.length < PAGE || out.length >= page.numberMatched) return out;
  }
}

const COLUMNS = ['code', 'lon', 'lat', 'head_name', 'address', 'area_code', 'nearest_station', 'distance_m'];

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  // Quoted when needed (RFC 4180); a leading = + - @ is defused so spreadsheets do not run it.
  const safe = /^[=+\-@]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(features: GeoJSON.Feature<GeoJSON.Point>[]): string {
  const lines = [COLUMNS.join(',')];
  for (const f of features) {
    const p = (f.properties ?? {}) as Record<string, unknown>;
    const [lon, lat] = f.geometry.coordinates;
    lines.push(COLUMNS.map((c) => cell(c === 'code' ? (f.id ?? p.code) : c === 'lon' ? lon : c === 'lat' ? lat : p[c])).join(','));
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

/** Whether the server draws coverage maps as PNG (another part of the service; it may not yet). */
export async function pngOffered(): Promise<boolean> {
  const spec = await fetch('api/v1/openapi.json').then((r) => r.json()).catch(() => null);
  return Boolean(spec?.paths?.['/api/v1/maps/coverage.png']);
}

/** The PNG, fetched with the session's token and saved. */
export async function downloadPng(kind: string, radius: number) {
  const q = new URLSearchParams({ kind, radius_m: String(radius), width: '1600', height: '1200' });
  const res = await fetch(`api/v1/maps/coverage.png?${q}`, { headers: { Authorization: bearer() } });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  save(`coverage-${kind}-${radius}m.png`, await res.blob());
}
