// Snapping a dragged vertex to the outlines around it: to a vertex of a neighbour (or of the
// parent) within a few pixels, else onto one of their edges. Screen pixels, so it feels the same at
// every zoom; no map or DOM here, which keeps it testable by itself.
export type Position = [number, number];
export type Project = (lng: number, lat: number) => { x: number; y: number };

export const VERTEX_PX = 10;
export const EDGE_PX = 6;

/** Rings with their bounding boxes, for skipping the far ones quickly. */
export interface Targets { rings: { ring: Position[]; bbox: [number, number, number, number] }[] }

export function targetsOf(outlines: (GeoJSON.Polygon | GeoJSON.MultiPolygon)[]): Targets {
  const rings: Targets['rings'] = [];
  for (const g of outlines) {
    const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    for (const polygon of polygons) {
      for (const r of polygon) {
        const ring = r as Position[];
        let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
        for (const [x, y] of ring) { w = Math.min(w, x); e = Math.max(e, x); s = Math.min(s, y); n = Math.max(n, y); }
        rings.push({ ring, bbox: [w, s, e, n] });
      }
    }
  }
  return { rings };
}

/** Where a vertex dragged to `at` (with its screen position `px`) snaps, or undefined. `slack` is
 * how many degrees a few pixels are here (rings farther away are not looked at). */
export function snap(targets: Targets, at: Position, px: { x: number; y: number }, project: Project, slack: number): Position | undefined {
  let best: Position | undefined;
  let bestD = VERTEX_PX;
  const near = targets.rings.filter(({ bbox: [w, s, e, n] }) =>
    at[0] >= w - slack && at[0] <= e + slack && at[1] >= s - slack && at[1] <= n + slack);
  for (const { ring } of near) {
    for (const v of ring) {
      const p = project(v[0], v[1]);
      const d = Math.hypot(p.x - px.x, p.y - px.y);
      if (d < bestD) { bestD = d; best = v; }
    }
  }
  if (best) return [best[0], best[1]];
  bestD = EDGE_PX;
  for (const { ring } of near) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const a = project(ring[i][0], ring[i][1]);
      const b = project(ring[i + 1][0], ring[i + 1][1]);
      const dx = b.x - a.x, dy = b.y - a.y;
      const len2 = dx * dx + dy * dy;
      if (len2 === 0) continue;
      const k = Math.max(0, Math.min(1, ((px.x - a.x) * dx + (px.y - a.y) * dy) / len2));
      const d = Math.hypot(a.x + k * dx - px.x, a.y + k * dy - px.y);
      if (d < bestD) {
        bestD = d;
        // Linear in degrees between the two ends: an edge a few hundred metres long is straight in both.
        best = [ring[i][0] + k * (ring[i + 1][0] - ring[i][0]), ring[i][1] + k * (ring[i + 1][1] - ring[i][1])];
      }
    }
  }
  return best;
}
