// Editing one area's outline on the map with terra-draw: its largest part is loaded as a polygon
// whose vertices can be dragged (snapping to the neighbours' vertices and edges), added at midpoints
// and removed with a right-click. The whole outline, other parts and holes included, is handed back
// on every change, with the vertex that moved (from where to where) when one did.
import type { Map as MapLibre } from 'maplibre-gl';
import { TerraDraw, TerraDrawPolygonMode, TerraDrawSelectMode, type GeoJSONStoreFeatures } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import { movedVertex } from './shared';
import { EDGE_PX, snap, targetsOf, type Position } from './snap';
import type { Outline } from './types';

const PRECISION = 9;
const round = (v: number) => Number(v.toFixed(PRECISION));

/** The outline's polygons, largest (by planar area of its outer ring) first kept where it was. */
function polygonsOf(g: Outline): Position[][][] {
  return (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as Position[][][];
}
function ringArea(ring: Position[]): number {
  let a = 0;
  for (let i = 0; i + 1 < ring.length; i++) a += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return Math.abs(a / 2);
}

export class Editor {
  private draw: TerraDraw | null = null;
  private id: string | number | null = null;
  private polygons: Position[][][] = [];
  private part = 0;
  private original = '';
  private last: Position[] = [];

  /** `changed` gets the outline (null while unchanged) and, when one vertex moved, `[from, to]`. */
  constructor(private readonly map: MapLibre,
    private readonly changed: (outline: Outline | null, moved: [Position, Position] | null) => void) {}

  get active() { return this.draw !== null; }

  /** Starts editing `outline`, snapping to `neighbours`. */
  start(outline: Outline, neighbours: Outline[]) {
    this.stop();
    this.polygons = polygonsOf(outline).map((p) => p.map((r) => r.map(([x, y]) => [x, y] as Position)));
    this.part = this.polygons.reduce((best, p, i) => (ringArea(p[0]) > ringArea(this.polygons[best][0]) ? i : best), 0);
    const targets = targetsOf(neighbours);
    const select = new TerraDrawSelectMode({
      allowManualDeselection: false,
      keyEvents: null,
      flags: {
        polygon: {
          feature: {
            draggable: false,
            coordinates: {
              draggable: true,
              midpoints: true,
              deletable: true,
              snappable: {
                toCustom: (event, context) => {
                  const at: Position = [event.lng, event.lat];
                  const off = context.unproject(event.containerX + EDGE_PX * 2, event.containerY + EDGE_PX * 2);
                  const slack = Math.max(Math.abs(off.lng - event.lng), Math.abs(off.lat - event.lat));
                  const s = snap(targets, at, { x: event.containerX, y: event.containerY }, context.project, slack);
                  return s ? [round(s[0]), round(s[1])] : undefined;
                },
              },
            },
          },
        },
      },
      styles: {
        selectedPolygonColor: '#1e88e5', selectedPolygonFillOpacity: 0.15, selectedPolygonOutlineColor: '#0d47a1',
        selectedPolygonOutlineWidth: 3, selectionPointColor: '#ffffff', selectionPointOutlineColor: '#0d47a1',
        selectionPointWidth: 5, selectionPointOutlineWidth: 2, midPointColor: '#90caf9', midPointOutlineColor: '#0d47a1',
        midPointWidth: 3,
      },
    });
    const draw = new TerraDraw({
      adapter: new TerraDrawMapLibreGLAdapter({ map: this.map, coordinatePrecision: PRECISION, prefixId: 'planner-td' }),
      modes: [new TerraDrawPolygonMode(), select],
    });
    this.draw = draw;
    draw.start();
    draw.setMode('select');
    const ring = this.polygons[this.part][0].map(([x, y]) => [round(x), round(y)]);
    const id = draw.getFeatureId();
    const added = draw.addFeatures([{ type: 'Feature', id, properties: { mode: 'polygon' },
      geometry: { type: 'Polygon', coordinates: [ring] } } as GeoJSONStoreFeatures]);
    if (!added[0]?.valid) {
      this.stop();
      throw new Error(added[0]?.reason ?? 'the outline cannot be edited');
    }
    this.id = id;
    // As stored (terra-draw may have turned the ring): what "unchanged" compares with.
    this.last = this.vertices();
    this.original = JSON.stringify(this.last);
    draw.selectFeature(id);
    draw.on('change', (ids) => {
      if (this.id === null || !ids.includes(this.id)) return;
      const now = this.vertices();
      const moved = movedVertex(this.last, now);
      this.last = now;
      this.changed(this.outline(), moved);
    });
  }

  /** The edited outline, or null while it is unchanged. */
  outline(): Outline | null {
    if (!this.draw || this.id === null) return null;
    const f = this.draw.getSnapshotFeature(this.id);
    if (!f || f.geometry.type !== 'Polygon') return null;
    const ring = f.geometry.coordinates[0] as Position[];
    if (JSON.stringify(ring) === this.original) return null;
    const polygons = this.polygons.map((p, i) => (i === this.part ? [ring, ...p.slice(1)] : p));
    return polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons };
  }

  /** The vertices of the edited ring, for tests and for showing where they are. */
  vertices(): Position[] {
    if (!this.draw || this.id === null) return [];
    const f = this.draw.getSnapshotFeature(this.id);
    return f && f.geometry.type === 'Polygon' ? (f.geometry.coordinates[0] as Position[]) : [];
  }

  stop() {
    if (this.draw) {
      this.draw.stop();
      this.draw = null;
    }
    this.id = null;
  }
}
