// The "suggest red house-yards" mode, for a grid (the picked child, or the open area itself): the
// server divides it into K red house-yards balanced on households, each in one piece and led by a
// party-member center household. The preview draws them with their leaders (masked as the server
// masks them for the caller) and the households each would hold; the commit replaces the grid's
// present red house-yards.
import { api } from '../api';
import { el } from '../dom';
import type { PlannerContext, PlannerMode } from './modes';
import { RestructurePanel } from './restructure';
import { t } from './text';
import type { AreaDetail } from './types';

/** Households a red house-yard should hold at least (rural grids hold about 300): caps the default count. */
const HOUSEHOLDS_PER_YARD = 30;
const MAX_YARDS = 50;

/** The grid the mode works on: the picked child if it is a grid, else the open area if it is one. */
function gridOf(ctx: PlannerContext): AreaDetail | null {
  if (ctx.selected?.level === 'grid') return ctx.selected;
  return ctx.parent.level === 'grid' ? ctx.parent : null;
}

/** The default count: one red house-yard per center household, at most one per 30 households. */
export function defaultCount(centers: number | null, households: number | null): number {
  const cap = households === null ? MAX_YARDS : Math.max(1, Math.min(MAX_YARDS, Math.floor(households / HOUSEHOLDS_PER_YARD)));
  return Math.max(1, Math.min(centers ?? 1, cap));
}

export class YardsMode implements PlannerMode {
  readonly id = 'yards';
  readonly label = 'p_mode_yards';
  private panel: RestructurePanel | null = null;
  private texts: (() => void)[] = [];
  private seq = 0;

  available(ctx: PlannerContext) {
    const grid = gridOf(ctx);
    return grid !== null && ctx.mayEdit(grid);
  }

  start(ctx: PlannerContext) {
    const grid = gridOf(ctx);
    if (!grid) return;
    const seq = ++this.seq;
    this.texts = [];
    const text = <E extends HTMLElement>(e: E, key: string): E => {
      this.texts.push(() => { e.textContent = t(key); });
      return e;
    };
    const count = document.createElement('input');
    count.type = 'number';
    count.id = 'planner-yards-count';
    count.min = '1';
    count.max = String(MAX_YARDS);
    const go = text(el('button', undefined, 'primary') as HTMLButtonElement, 'p_preview');
    go.type = 'button';
    go.id = 'planner-yards-preview';
    go.addEventListener('click', () => {
      const n = Math.round(Number(count.value));
      void this.panel?.preview(Number.isFinite(n) && n > 0 ? { count: n } : null);
    });
    count.addEventListener('input', () => void this.panel?.preview(null));
    const row = el('div', undefined, 'row');
    row.append(text(el('span'), 'p_yardsCount'), count, go);
    const centers = el('div', undefined, 'hint');
    centers.id = 'planner-yards-centers';
    const discard = text(el('button') as HTMLButtonElement, 'p_discard');
    discard.type = 'button';
    discard.id = 'planner-discard';
    discard.addEventListener('click', () => void ctx.reload());
    this.panel = new RestructurePanel(ctx, {
      path: `api/v1/areas/${encodeURIComponent(grid.code)}/red_yards`,
      version: grid.version,
      done: (a) => () => `${t('p_yardsDone')} ${a.created.length}`,
      select: () => (grid === ctx.selected ? [grid.code] : []),
      label: (c, households) => [c.name, c.leader_name ? `${t('p_leader')} ${c.leader_name}` : '',
        households === null ? '' : `${households} ${t('p_hh')}`].filter(Boolean).join('\n'),
    });
    ctx.panel.replaceChildren(el('p', `${grid.name}（${grid.code}）`, 'target'), text(el('p', undefined, 'hint'), 'p_yardsHint'),
      row, centers, discard, this.panel.box);
    this.render();
    // The default count: the center households the report shows for the grid (for the open grid,
    // its statistics), capped by its size.
    const shown = ctx.report.children.find((c) => c.code === grid.code);
    const counts = shown
      ? Promise.resolve({ center_households: shown.center_households, households: shown.households })
      : api<{ center_households: number | null; households: number | null }>(`api/v1/areas/${encodeURIComponent(grid.code)}/stats`);
    void counts.then((s) => {
      if (seq !== this.seq) return;
      count.value = String(defaultCount(s.center_households, s.households));
      centers.dataset.centers = String(s.center_households ?? '');
      this.texts.push(() => { centers.textContent = `${t('p_yardsCenters')}：${s.center_households ?? '—'}`; });
      this.render();
    }).catch(ctx.failed);
  }

  stop() {
    this.seq++;
    this.panel?.stop();
    this.panel = null;
    this.texts = [];
  }

  render() {
    for (const f of this.texts) f();
    this.panel?.render();
  }
}
