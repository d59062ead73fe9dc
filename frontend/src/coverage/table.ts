// The table of coverage by area, from /api/v1/coverage (household figures are null for viewers).
import { el } from '../dom';
import { levelName, t } from '../i18n';
import type { CoverageAnswer, Figures } from './types';

const pct = (s: number | null) => (s === null ? '—' : `${(s * 100).toFixed(1)}%`);
const num = (n: number | null) => (n === null ? '—' : String(n));

function row(name: string, f: Figures, code?: string) {
  const tr = el('tr');
  if (code) tr.dataset.code = code;
  for (const [text, cls] of [[name, 'name'], [String(f.stations), 'stations'], [num(f.households), 'households'],
    [num(f.covered), 'covered'], [pct(f.share), 'share']]) {
    tr.append(el('td', text, cls));
  }
  return tr;
}

export function renderTable(box: HTMLElement, answer: CoverageAnswer | null) {
  box.replaceChildren();
  if (!answer) return;
  const table = el('table', undefined, 'coverage-table');
  const head = el('tr');
  for (const k of [levelName(answer.level), t('c_stations'), t('c_households'), t('c_covered'), t('c_share')]) {
    head.append(el('th', k));
  }
  const body = el('tbody');
  for (const r of answer.by_area) body.append(row(r.name, r, r.code));
  const total = row(t('c_total'), answer);
  total.className = 'total';
  const thead = el('thead');
  const tfoot = el('tfoot');
  thead.append(head);
  tfoot.append(total);
  table.append(thead, body, tfoot);
  box.append(table);
}
