// The "split" mode: the picked child is cut in two or more along a line drawn across it on the map,
// or into N parts balanced on households. The preview lists the parts with the codes they would
// get and draws them; the commit retires the child's code (its history and lineage stay) and
// carries its own children into the parts.
import { el } from '../dom';
import { LineDrawer } from './line';
import type { PlannerContext, PlannerMode } from './modes';
import { RestructurePanel } from './restructure';
import { t } from './text';

type How = 'line' | 'parts';

export class SplitMode implements PlannerMode {
  readonly id = 'split';
  readonly label = 'p_mode_split';
  private panel: RestructurePanel | null = null;
  private drawer: LineDrawer | null = null;
  private how: How = 'line';
  private texts: (() => void)[] = [];
  private lineRow: HTMLElement | null = null;
  private partsRow: HTMLElement | null = null;

  available(ctx: PlannerContext) {
    return ctx.selected !== null && ctx.mayEdit(ctx.selected);
  }

  start(ctx: PlannerContext) {
    const area = ctx.selected;
    if (!area) return;
    this.how = 'line';
    this.texts = [];
    const text = <E extends HTMLElement>(e: E, key: string): E => {
      this.texts.push(() => { e.textContent = t(key); });
      return e;
    };
    const choice = (how: How, key: string) => {
      const input = document.createElement('input');
      input.type = 'radio';
      input.name = 'planner-split-how';
      input.id = `planner-split-${how}`;
      input.checked = how === this.how;
      input.addEventListener('change', () => { if (input.checked) this.choose(how); });
      const label = el('label');
      label.append(input, text(el('span'), key));
      return label;
    };
    const n = document.createElement('input');
    n.type = 'number';
    n.id = 'planner-split-n';
    n.min = '2';
    n.max = '50';
    n.value = '2';
    const go = text(el('button', undefined, 'primary') as HTMLButtonElement, 'p_preview');
    go.type = 'button';
    go.id = 'planner-split-preview';
    go.addEventListener('click', () => {
      const parts = Math.round(Number(n.value));
      void this.panel?.preview(Number.isFinite(parts) ? { parts } : null);
    });
    n.addEventListener('input', () => void this.panel?.preview(null));
    const partsRow = el('div', undefined, 'row split-parts');
    partsRow.append(text(el('span'), 'p_splitN'), n, go);

    const finish = text(el('button') as HTMLButtonElement, 'p_lineFinish');
    finish.type = 'button';
    finish.id = 'planner-line-finish';
    finish.addEventListener('click', () => this.drawer?.finish());
    const redraw = text(el('button') as HTMLButtonElement, 'p_lineRedraw');
    redraw.type = 'button';
    redraw.id = 'planner-line-redraw';
    redraw.addEventListener('click', () => {
      void this.panel?.preview(null);
      this.drawer?.redraw();
    });
    const lineRow = el('div', undefined, 'row split-line');
    lineRow.append(text(el('p', undefined, 'hint'), 'p_lineHint'), finish, redraw);

    const discard = text(el('button') as HTMLButtonElement, 'p_discard');
    discard.type = 'button';
    discard.id = 'planner-discard';
    discard.addEventListener('click', () => void ctx.reload());

    const choose = el('div', undefined, 'row choose');
    choose.append(choice('line', 'p_splitByLine'), choice('parts', 'p_splitByParts'));
    this.panel = new RestructurePanel(ctx, {
      path: `api/v1/areas/${encodeURIComponent(area.code)}/split`,
      version: area.version,
      done: (a) => () => `${t('p_splitDone')} ${a.created.map((c) => c.code).join('，')}`,
      select: (a) => a.created.map((c) => c.code),
      label: (c, households) => `${c.code}${households === null ? '' : `\n${households} ${t('p_hh')}`}`,
    });
    ctx.panel.replaceChildren(text(el('p', undefined, 'hint'), 'p_splitHint'), choose, lineRow, partsRow, discard, this.panel.box);
    this.lineRow = lineRow;
    this.partsRow = partsRow;
    this.drawer = new LineDrawer(ctx.map, (line) => void this.panel?.preview({ line }));
    this.choose('line');
    this.render();
  }

  private choose(how: How) {
    this.how = how;
    if (this.lineRow) this.lineRow.hidden = how !== 'line';
    if (this.partsRow) this.partsRow.hidden = how !== 'parts';
    void this.panel?.preview(null);
    if (how === 'line') this.drawer?.start();
    else this.drawer?.stop();
  }

  stop() {
    this.drawer?.stop();
    this.panel?.stop();
    this.drawer = null;
    this.panel = null;
    this.lineRow = null;
    this.partsRow = null;
    this.texts = [];
  }

  render() {
    for (const f of this.texts) f();
    this.panel?.render();
  }
}
