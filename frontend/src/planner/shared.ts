// Vertices siblings share. When the planner drags a vertex of the edited outline, the vertices of
// other siblings at the same place (within 1e-9°) go with it, so a corner where three grids meet
// stays one corner in all three (the server's shared edges settle a border between two areas, not
// a corner of three: moving it in one outline alone opens a gap or an overlap). A vertex on the
// parent's outline stays the edited area's alone: the siblings cannot leave the parent's border,
// and the server's shared edges and clipping settle that border. Which siblings' vertices follow
// is decided when a vertex first leaves its place, so one dropped onto another corner on its way
// does not pick that corner up. No map or DOM here.
import type { Position } from './snap';
import type { Outline } from './types';

export const SAME_DEG = 1e-9;
export const same = (a: Position, b: Position) => Math.abs(a[0] - b[0]) <= SAME_DEG && Math.abs(a[1] - b[1]) <= SAME_DEG;

/** The one place that moved between two versions of a ring (its first and last vertex count as
 * one), as `[from, to]`; null when nothing or more than one place moved, or vertices were added
 * or removed. */
export function movedVertex(before: Position[], after: Position[]): [Position, Position] | null {
  if (before.length !== after.length) return null;
  let moved: [Position, Position] | null = null;
  for (let i = 0; i < before.length; i++) {
    if (before[i][0] === after[i][0] && before[i][1] === after[i][1]) continue;
    if (moved && !(same(moved[0], before[i]) && same(moved[1], after[i]))) return null;
    moved = [before[i], after[i]];
  }
  return moved;
}

const polygonsOf = (g: Outline) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as Position[][][];

/** Whether `p` lies on an edge or vertex of `g` (within SAME_DEG, in degrees: the edges are short). */
export function onOutline(g: Outline, p: Position): boolean {
  for (const polygon of polygonsOf(g)) {
    for (const ring of polygon) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const [a, b] = [ring[i], ring[i + 1]];
        const dx = b[0] - a[0], dy = b[1] - a[1];
        const len2 = dx * dx + dy * dy;
        const k = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2));
        if (Math.hypot(a[0] + k * dx - p[0], a[1] + k * dy - p[1]) <= SAME_DEG) return true;
      }
    }
  }
  return false;
}

/** `ring` without a vertex equal to the one before it (a corner moved onto its neighbour). */
const withoutRepeats = (ring: Position[]) => ring.filter((v, i) => i === 0 || !same(v, ring[i - 1]));

/** A vertex of a sibling: its code, and where in its outline (polygon, ring, index). */
interface Ref { code: string; part: number; ring: number; index: number }

export class SharedVertices {
  /** Places of the edited outline that moved, with the siblings' vertices that follow them. */
  private tracked: { at: Position; refs: Ref[] }[] = [];

  /** `siblings` may follow the edited outline's vertices, except where they lie on `parent`. */
  constructor(private readonly siblings: { code: string; geometry: Outline }[], private readonly parent: Outline | null = null) {}

  /** The edited outline's vertex at `from` is now at `to`. */
  move(from: Position, to: Position) {
    let t = this.tracked.find((x) => same(x.at, from));
    if (!t) {
      // A place that starts moving: the siblings' vertices there follow it from now on (none when
      // it is on the parent's outline), and no others it passes by.
      const claimed = (r: Ref) => this.tracked.some((x) => x.refs.some((q) =>
        q.code === r.code && q.part === r.part && q.ring === r.ring && q.index === r.index));
      const pinned = this.parent !== null && onOutline(this.parent, from);
      t = { at: from, refs: pinned ? [] : this.refsAt(from).filter((r) => !claimed(r)) };
      this.tracked.push(t);
    }
    t.at = [to[0], to[1]];
  }

  /** Forgets every move (the drawing is back as it was). */
  reset() {
    this.tracked = [];
  }

  /** The siblings whose outlines changed, with their new outlines. */
  outlines(): { code: string; geometry: Outline }[] {
    const out: { code: string; geometry: Outline }[] = [];
    for (const s of this.siblings) {
      const polygons = polygonsOf(s.geometry).map((p) => p.map((r) => r.map((v) => [v[0], v[1]] as Position)));
      let changed = false;
      for (const t of this.tracked) {
        for (const r of t.refs) {
          if (r.code !== s.code) continue;
          const v = polygons[r.part][r.ring][r.index];
          if (v[0] === t.at[0] && v[1] === t.at[1]) continue;
          polygons[r.part][r.ring][r.index] = [t.at[0], t.at[1]];
          changed = true;
        }
      }
      if (!changed) continue;
      for (const polygon of polygons) polygon.forEach((ring, i) => { polygon[i] = withoutRepeats(ring); });
      out.push({ code: s.code, geometry: s.geometry.type === 'Polygon'
        ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons } });
    }
    return out;
  }

  /** Every sibling vertex at `p` (in the siblings' outlines as read). */
  private refsAt(p: Position): Ref[] {
    const refs: Ref[] = [];
    for (const s of this.siblings) {
      polygonsOf(s.geometry).forEach((polygon, part) => polygon.forEach((ring, r) => ring.forEach((v, index) => {
        if (same(v, p)) refs.push({ code: s.code, part, ring: r, index });
      })));
    }
    return refs;
  }
}
