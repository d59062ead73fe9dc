// Drawing a line across an area on the map with terra-draw's linestring mode: click points, then
// double-click (a click on the last point), press Enter or call finish(). One line at a time: once
// finished it stays drawn (and no new one starts) until redraw().
import type { Map as MapLibre } from 'maplibre-gl';
import { TerraDraw, TerraDrawLineStringMode } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';

export class LineDrawer {
  private draw: TerraDraw | null = null;
  private line: GeoJSON.LineString | null = null;

  /** `finished` gets the line once it is finished (two points or more). */
  constructor(private readonly map: MapLibre, private readonly finished: (line: GeoJSON.LineString) => void) {}

  /** The finished line, if any. */
  get result() { return this.line; }

  start() {
    this.stop();
    const mode = new TerraDrawLineStringMode({
      keyEvents: { cancel: 'Escape', finish: 'Enter' },
      styles: {
        lineStringColor: '#d50000', lineStringWidth: 3, closingPointColor: '#ffffff', closingPointOutlineColor: '#d50000',
        closingPointWidth: 5, closingPointOutlineWidth: 2, coordinatePointColor: '#ffffff', coordinatePointOutlineColor: '#d50000',
        coordinatePointWidth: 4, coordinatePointOutlineWidth: 2,
      },
    });
    const draw = new TerraDraw({
      adapter: new TerraDrawMapLibreGLAdapter({ map: this.map, coordinatePrecision: 9, prefixId: 'planner-line' }),
      modes: [mode],
    });
    this.draw = draw;
    draw.start();
    draw.setMode('linestring');
    // A double-click finishes the line; the map must not zoom on it as well.
    this.map.doubleClickZoom.disable();
    draw.on('finish', (id, context) => {
      if (context.mode !== 'linestring' || context.action !== 'draw') return;
      const f = draw.getSnapshotFeature(id);
      if (!f || f.geometry.type !== 'LineString') return;
      const coordinates = f.geometry.coordinates as [number, number][];
      if (coordinates.length < 2) {
        this.redraw();
        return;
      }
      this.line = { type: 'LineString', coordinates };
      // Drawn lines stay on the map; no further line is started.
      draw.setMode('static');
      this.finished(this.line);
    });
  }

  /** Finishes the line being drawn (as Enter does), keeping the points clicked so far. */
  finish() {
    if (!this.draw || this.line) return;
    this.map.getCanvas().dispatchEvent(new KeyboardEvent('keyup', { key: 'Enter' }));
  }

  /** Drops the line and starts a new one. */
  redraw() {
    if (!this.draw) return;
    this.line = null;
    this.draw.clear();
    this.draw.setMode('linestring');
  }

  stop() {
    if (this.draw) {
      this.draw.stop();
      this.draw = null;
      this.map.doubleClickZoom.enable();
    }
    this.line = null;
  }
}
