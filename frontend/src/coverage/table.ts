// The summary and the table of coverage by area, from /api/v1/coverage (household figures are null
// for viewers). For the walk the walking figures are the ones shown as covered and share, with the
// straight-line share beside them: a walk is never shorter than the straight line, so the gap
// between the two is what the paths cost.
import { el } from '../dom';
import { kindName, levelName, t, zh } from '../i18n';
import { reachText } from './reach';
import type { CoverageAnswer, Measured } from './types';

const pct = (s: number | null | undefined) => (s === null || s === undefined ? '—' : `${(s * 100).toFixed(1)}%`);
const num = (n: number | null | undefined) => (n === null || n === undefined ? '—' : String(n));

/** Covered and share as shown: on foot for the walk, in a straight line otherwise. */
const shown = (f: Measured) => f.walking ?? f;

function row(name: string, f: Measured, walking: boolean, code?: string) {
  const tr = el('tr');
  if (code) tr.dataset.code = code;
  const cells: [string, string][] = [[name, 'name'], [String(f.stations), 'stations'], [num(f.households), 'households'],
    [num(shown(f).covered), 'covered'], [pct(shown(f).share), 'share']];
  if (walking) cells.push([pct(f.share), 'straight']);
  for (const [text, cls] of cells) tr.append(el('td', text, cls));
  return tr;
}

export function renderTable(box: HTMLElement, answer: CoverageAnswer | null) {
  box.replaceChildren();
  if (!answer) return;
  const walking = answer.distance === 'walking';
  const table = el('table', undefined, 'coverage-table');
  if (walking) table.classList.add('walking');
  const head = el('tr');
  const heads = [levelName(answer.level), t('c_stations'), t('c_households'),
    t(walking ? 'c_coveredWalk' : 'c_covered'), t(walking ? 'c_shareWalk' : 'c_share')];
  if (walking) heads.push(t('c_straight'));
  for (const k of heads) head.append(el('th', k));
  const body = el('tbody');
  for (const r of answer.by_area) body.append(row(r.name, r, walking, r.code));
  const total = row(t('c_total'), answer, walking);
  total.className = 'total';
  const thead = el('thead');
  const tfoot = el('tfoot');
  thead.append(head);
  tfoot.append(total);
  table.append(thead, body, tfoot);
  box.append(table);
}

/** One line over the table: the kind, the reach in words and, where the caller may see household
 * figures, the share covered (for the walk, with the straight-line share beside). */
export function renderSummary(box: HTMLElement, answer: CoverageAnswer | null) {
  box.replaceChildren();
  delete box.dataset.distance;
  if (!answer) return;
  const walking = answer.distance === 'walking';
  if (walking) box.dataset.distance = 'walking';
  box.append(el('strong', `${kindName(answer.kind)} · ${reachText({ radius: answer.radius_m, walking })}`, 'reach'));
  const f = shown(answer);
  if (answer.households === null || f.covered === null) return;
  const covered = t(walking ? 'c_summaryWalk' : 'c_summary')
    .replace('{covered}', String(f.covered)).replace('{households}', String(answer.households))
    .replace('{share}', pct(f.share));
  box.append(document.createTextNode(`${zh() ? '：' : ': '}${covered}`));
  if (walking) box.append(el('span', `${zh() ? '，' : '; '}${t('c_straightLine')} ${pct(answer.share)}`, 'straight'));
}
