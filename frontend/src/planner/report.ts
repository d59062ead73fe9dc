// The validation report of the open area: its children with their balance (in band, too few, too
// many households), and the problems of how they tile it, listed.
import { el } from '../dom';
import { levelName, zh } from '../i18n';
import { describeProblem, m2, measureName, sideName, t } from './text';
import type { AreaDetail, Report } from './types';

export type Balance = 'ok' | 'low' | 'high' | 'unknown';
export const BALANCE_COLORS: Record<Balance, string> = { ok: '#43a047', low: '#f9a825', high: '#e53935', unknown: '#90a4ae' };

/** A child's balance against the household band (the report's outliers name it when outside). */
export function balanceOf(report: Report, code: string): Balance {
  if (!report.balance) return 'unknown';
  const out = report.balance.outliers.find((o) => o.code === code && o.measure === 'households')
    ?? report.balance.outliers.find((o) => o.code === code);
  return out ? out.side : 'ok';
}

export interface ReportActions {
  /** The child picked (to see or edit). */
  pick: (code: string) => void;
  /** The child opened as the area to plan (its own children shown). */
  open: (code: string) => void;
}

/** The children of the report as a list, each with its balance colour. */
export function renderChildren(target: HTMLElement, report: Report, children: AreaDetail[], selected: string | null,
  actions: ReportActions) {
  target.replaceChildren();
  const band = report.balance?.bands.households;
  if (band) target.append(el('div', `${t('p_band')}：${measureName('households')} ${band}`, 'hint'));
  const legend = el('div', undefined, 'planner-legend');
  for (const b of ['ok', 'low', 'high'] as Balance[]) {
    const chip = el('span', t(`p_${b}`), 'chip');
    chip.style.borderColor = BALANCE_COLORS[b];
    legend.append(chip);
  }
  target.append(legend);
  const list = el('ul', undefined, 'planner-children');
  for (const c of report.children) {
    const balance = balanceOf(report, c.code);
    const li = el('li');
    li.dataset.code = c.code;
    li.dataset.balance = balance;
    if (c.code === selected) li.classList.add('selected');
    const dot = el('span', undefined, 'dot');
    dot.style.background = BALANCE_COLORS[balance];
    const hh = c.households === null ? '' : ` · ${c.households} ${t('p_hh')}`;
    const name = el('span', `${c.name}（${c.code}）${hh}`, 'name');
    name.title = t(`p_${balance}`);
    li.append(dot, name);
    li.addEventListener('click', () => actions.pick(c.code));
    const detail = children.find((d) => d.code === c.code);
    if (detail && detail.children_count > 0) {
      const down = el('button', `${t('p_down')} ›`, 'down') as HTMLButtonElement;
      down.type = 'button';
      down.addEventListener('click', (ev) => { ev.stopPropagation(); actions.open(c.code); });
      li.append(down);
    }
    list.append(li);
  }
  target.append(list);
}

/** The report's problems, each as one item whose `data-kind` says which. */
export function renderProblems(target: HTMLElement, report: Report) {
  target.replaceChildren();
  const z = zh();
  const add = (kind: string, text: string) => {
    const li = el('li', text);
    li.dataset.kind = kind;
    target.append(li);
  };
  for (const g of report.gaps) add('gap', z ? `缝隙 ${m2(g.area_m2)}` : `gap of ${m2(g.area_m2)}`);
  for (const o of report.overlaps) add('overlap', z ? `重叠 ${o.codes.join(' 与 ')}：${m2(o.area_m2)}` : `overlap of ${o.codes.join(' and ')}: ${m2(o.area_m2)}`);
  for (const o of report.outside_parent) add('outside_parent', z ? `${o.code} 超出上级 ${m2(o.area_m2)}` : `${o.code} reaches ${m2(o.area_m2)} outside the parent`);
  for (const s of report.non_contiguous) add('non_contiguous', z ? `${s.code} 分为 ${s.parts} 块` : `${s.code} is in ${s.parts} pieces`);
  const strays = (kind: string, s: Report['in_no_child']) => {
    const households = s.households ?? s.household_codes.length;
    if (households + s.buildings.length + s.stations.length === 0) return;
    add(kind, describeProblem({ kind, households, buildings: s.buildings.length, stations: s.stations.length }));
  };
  strays('in_no_child', report.in_no_child);
  strays('in_two_children', report.in_two_children);
  for (const o of report.balance?.outliers ?? []) {
    const name = report.children.find((c) => c.code === o.code)?.name ?? o.code;
    add('outlier', z ? `${name}（${o.code}）${measureName(o.measure)}${sideName(o.side)}：${o.value}（标准 ${o.band}）`
      : `${name} (${o.code}): ${sideName(o.side)} ${measureName(o.measure)}, ${o.value} (band ${o.band})`);
  }
  if (report.slivers.count > 0) {
    add('slivers', z ? `细小缝隙/重叠 ${report.slivers.count} 处（已忽略）` : `${report.slivers.count} slivers (ignored)`);
  }
  if (target.childElementCount === 0) add('clean', t('p_clean'));
}

/** The open area's path (county → … → it), each opening that area. */
export function renderPath(target: HTMLElement, area: AreaDetail, open: (code: string) => void) {
  target.replaceChildren();
  for (const a of [...area.ancestors, area]) {
    const li = el('li', `${levelName(a.level)}：${a.name}`);
    li.dataset.code = a.code;
    if (a.code !== area.code) li.addEventListener('click', () => open(a.code));
    else li.classList.add('here');
    target.append(li);
  }
}
