// Area statistics, and the chains of areas (county → … → red house-yard) that open them.
import { api } from './api';
import { $, el, showError } from './dom';
import { kindName, levelName, onLangChange, t } from './i18n';
import { theMap } from './map';
import type { Area } from './types';

// Household counts are null for roles that see public layers only.
interface Stats { code: string; name: string; level: string; households: number | null; people?: number | null;
  party_members: number | null; center_households: number | null; buildings: number; stations: Record<string, number> }
let shown: Stats | null = null;

function render() {
  const s = shown;
  if (!s) return;
  const box = $('stats');
  box.replaceChildren(el('strong', `${s.name}（${s.code}）`), el('div', levelName(s.level), 'hint'));
  const rows: [string, number | null | undefined][] = [['hh', s.households], ['people', s.people], ['party', s.party_members],
    ['centers', s.center_households], ['bld', s.buildings]];
  const ul = el('ul');
  for (const [k, v] of rows) if (v !== undefined && v !== null) ul.append(el('li', `${t(k)}：${v}`));
  for (const [kind, n] of Object.entries(s.stations ?? {})) ul.append(el('li', `${kindName(kind)}：${n}`));
  box.append(ul);
}
onLangChange(render);

export async function showStats(code: string) {
  try {
    shown = await api<Stats>(`api/v1/areas/${encodeURIComponent(code)}/stats`);
    render();
    const map = theMap();
    if (map.getLayer('selected-area')) map.setFilter('selected-area', ['==', ['get', 'code'], shown.code]);
    document.body.dataset.stats = shown.code;
  } catch (e) {
    showError(e);
  }
}

/** Writes `areas` (top to bottom) into `target`, each opening its statistics when clicked. */
export function renderChain(target: HTMLElement, areas: Area[]) {
  target.replaceChildren();
  if (areas.length === 0) target.append(el('li', t('outside')));
  for (const a of areas) {
    const li = el('li', `${levelName(a.level)}：${a.name}（${a.code}）`);
    li.addEventListener('click', () => void showStats(a.code));
    target.append(li);
  }
}
