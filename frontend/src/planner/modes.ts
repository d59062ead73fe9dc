// The planner's toolbar: modes that act on the open area and its selected child. Each mode draws its
// own controls into the panel it is given and tells the planner when it changed the data: editing
// a boundary (boundary.ts), splitting an area (split.ts), merging siblings (merge.ts) and
// suggesting red house-yards (yards.ts), each a module exporting a PlannerMode, listed in index.ts.
import type { Map as MapLibre } from 'maplibre-gl';
import { el } from '../dom';
import { t } from './text';
import type { AreaDetail, Report } from './types';

/** What a mode may read and do. */
export interface PlannerContext {
  map: MapLibre;
  /** The open area, its validation report and its children (with outlines and versions). */
  parent: AreaDetail;
  report: Report;
  children: AreaDetail[];
  /** The child picked, if any. */
  selected: AreaDetail | null;
  mayEdit(area: AreaDetail): boolean;
  /** Where the mode writes its controls while it runs. */
  panel: HTMLElement;
  /** The mode changed the data: leave it, refresh the map's tiles and reload, then say `message()`
   * (a function, so it is said again in the other language) and offer to undo the change. */
  changed(message: () => string, after?: AfterChange): Promise<void>;
  /** Leave the mode and read the open area again (after someone else's change). */
  reload(): Promise<void>;
  failed(e: unknown): void;
}

/** What a change leaves behind: the change to offer undoing, and which child to pick after it
 * (the first of `select` that is a child then; a split or merge retires the picked one). */
export interface AfterChange {
  changeId?: string | null;
  select?: string[];
}

export interface PlannerMode {
  id: string;
  /** Text key of its button. */
  label: string;
  /** Whether it can start now (e.g. a child is picked and may be edited). */
  available(ctx: PlannerContext): boolean;
  start(ctx: PlannerContext): void;
  stop(): void;
  /** Re-writes its controls after a language change. */
  render(): void;
}

export class Toolbar {
  private current: PlannerMode | null = null;

  constructor(private readonly bar: HTMLElement, private readonly panel: HTMLElement, private readonly modes: PlannerMode[]) {}

  get active() { return this.current; }

  render(ctx: PlannerContext | null) {
    this.bar.replaceChildren();
    for (const m of this.modes) {
      const b = el('button', t(m.label)) as HTMLButtonElement;
      b.type = 'button';
      b.id = `planner-mode-${m.id}`;
      b.disabled = !ctx || (this.current !== null && this.current !== m) || !m.available(ctx);
      b.classList.toggle('active', this.current === m);
      b.addEventListener('click', () => { if (ctx && this.current !== m) this.start(m, ctx); });
      this.bar.append(b);
    }
    if (this.current) this.current.render();
  }

  start(mode: PlannerMode, ctx: PlannerContext) {
    this.stop();
    this.current = mode;
    this.panel.hidden = false;
    document.body.dataset.plannerMode = mode.id;
    this.render(ctx);
    mode.start(ctx);
  }

  stop() {
    this.current?.stop();
    this.current = null;
    this.panel.replaceChildren();
    this.panel.hidden = true;
    delete document.body.dataset.plannerMode;
  }
}
