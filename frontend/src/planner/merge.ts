// The "merge" mode: the picked child and the neighbours chosen to go with it — clicked on the map
// or ticked in the list — become one area under a new code (optionally with a new name). Every
// change of the choice is previewed: the merged outline with its code, the codes retired, the
// impact; the commit names the version of every area merged.
import type { MapMouseEvent } from 'maplibre-gl';
import { el } from '../dom';
import { popClick, pushClick } from '../map';
import { CHILDREN_FILL } from './layers';
import type { PlannerContext, PlannerMode } from './modes';
import { RestructurePanel } from './restructure';
import { t } from './text';
import type { Outline } from './types';

const CHOSEN_COLOR = '#ff6f00';
const PREVIEW_DELAY_MS = 300;

/** Whether two outlines share a vertex (within 1e-9°): a hint of which siblings border. */
function touching(a: Outline, b: Outline): boolean {
  const points = (g: Outline) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates).flat(2);
  const keys = new Set(points(a).map(([x, y]) => `${x.toFixed(8)},${y.toFixed(8)}`));
  return points(b).some(([x, y]) => keys.has(`${x.toFixed(8)},${y.toFixed(8)}`));
}

export class MergeMode implements PlannerMode {
  readonly id = 'merge';
  readonly label = 'p_mode_merge';
  private ctx: PlannerContext | null = null;
  private panel: RestructurePanel | null = null;
  private chosen = new Set<string>();
  private boxes = new Map<string, HTMLInputElement>();
  private name: HTMLInputElement | null = null;
  private timer: number | undefined;
  private texts: (() => void)[] = [];

  available(ctx: PlannerContext) {
    const s = ctx.selected;
    return s !== null && ctx.mayEdit(s) && ctx.children.some((c) => c.code !== s.code && ctx.mayEdit(c));
  }

  start(ctx: PlannerContext) {
    const area = ctx.selected;
    if (!area) return;
    this.ctx = ctx;
    this.chosen = new Set();
    this.boxes = new Map();
    this.texts = [];
    const text = <E extends HTMLElement>(e: E, key: string): E => {
      this.texts.push(() => { e.textContent = t(key); });
      return e;
    };
    // Siblings that share a vertex with the picked child first: they are the ones it can merge with.
    const siblings = ctx.children.filter((c) => c.code !== area.code && ctx.mayEdit(c))
      .map((c) => ({ c, near: touching(area.geometry, c.geometry) }))
      .sort((x, y) => Number(y.near) - Number(x.near));
    const list = el('ul', undefined, 'merge-list');
    list.id = 'planner-merge-list';
    for (const { c, near } of siblings) {
      const li = el('li');
      li.dataset.code = c.code;
      li.dataset.adjacent = String(near);
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.addEventListener('change', () => this.toggle(c.code, box.checked));
      this.boxes.set(c.code, box);
      const label = el('label');
      label.append(box, el('span', `${c.name}（${c.code}）`));
      if (near) label.append(text(el('span', undefined, 'hint'), 'p_adjacent'));
      li.append(label);
      list.append(li);
    }
    const name = document.createElement('input');
    name.id = 'planner-merge-name';
    name.maxLength = 200;
    name.placeholder = area.name;
    name.addEventListener('input', () => this.schedule());
    this.name = name;
    const nameRow = el('label', undefined, 'row');
    nameRow.append(text(el('span'), 'p_mergeName'), name);
    const discard = text(el('button') as HTMLButtonElement, 'p_discard');
    discard.type = 'button';
    discard.id = 'planner-discard';
    discard.addEventListener('click', () => void ctx.reload());
    this.panel = new RestructurePanel(ctx, {
      path: `api/v1/areas/${encodeURIComponent(area.code)}/merge`,
      version: area.version,
      done: (a) => () => `${t('p_mergeDone')} ${a.created.map((c) => c.code).join('，')}`,
      select: (a) => a.created.map((c) => c.code),
      label: (c, households) => `${c.code}\n${c.name}${households === null ? '' : `\n${households} ${t('p_hh')}`}`,
      extra: () => [...this.chosen].flatMap((code) => {
        const c = ctx.children.find((x) => x.code === code);
        return c ? [{ code, geometry: c.geometry, color: CHOSEN_COLOR, kind: 'chosen' as const }] : [];
      }),
    });
    ctx.panel.replaceChildren(text(el('p', undefined, 'hint'), 'p_mergeHint'), list, nameRow, discard, this.panel.box);
    pushClick(this.onClick);
    this.render();
  }

  private toggle(code: string, on: boolean) {
    if (on) this.chosen.add(code);
    else this.chosen.delete(code);
    const box = this.boxes.get(code);
    if (box) box.checked = on;
    this.panel?.draw();
    this.schedule();
  }

  /** Previews the choice once it has been still for a moment. */
  private schedule() {
    window.clearTimeout(this.timer);
    void this.panel?.preview(null);
    this.timer = window.setTimeout(() => {
      const ctx = this.ctx;
      if (!ctx || this.chosen.size === 0) return;
      const versions = (code: string) => ctx.children.find((c) => c.code === code)?.version;
      const body: Record<string, unknown> = { with: [...this.chosen].map((code) => ({ code, version: versions(code) })) };
      const name = this.name?.value.trim();
      if (name) body.name = name;
      void this.panel?.preview(body);
    }, PREVIEW_DELAY_MS);
  }

  private readonly onClick = (ev: MapMouseEvent) => {
    const ctx = this.ctx;
    if (!ctx) return;
    const code = ctx.map.queryRenderedFeatures(ev.point, { layers: [CHILDREN_FILL] })[0]?.properties?.code;
    if (typeof code !== 'string' || code === ctx.selected?.code || !this.boxes.has(code)) return;
    this.toggle(code, !this.chosen.has(code));
  };

  stop() {
    window.clearTimeout(this.timer);
    popClick(this.onClick);
    this.panel?.stop();
    this.panel = null;
    this.ctx = null;
    this.name = null;
    this.boxes = new Map();
    this.texts = [];
  }

  render() {
    for (const f of this.texts) f();
    this.panel?.render();
  }
}
