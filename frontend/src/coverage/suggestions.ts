// Suggested sites for new stations (/coverage/suggestions) listed with their gains; clicking one
// highlights the households the server names as those it would newly cover.
import { el } from '../dom';
import { t } from '../i18n';
import type { Site } from './types';

export function renderSites(box: HTMLElement, sites: Site[], chosen: number | null, pick: (s: Site) => void) {
  box.replaceChildren();
  for (const s of sites) {
    const li = el('li');
    li.dataset.rank = String(s.rank);
    if (s.rank === chosen) li.className = 'chosen';
    const b = el('button', `#${s.rank} ${s.address ?? s.building_code ?? `${s.lon.toFixed(5)}, ${s.lat.toFixed(5)}`}`);
    (b as HTMLButtonElement).type = 'button';
    b.addEventListener('click', () => pick(s));
    const share = s.share === null ? '' : ` · ${t('c_after')} ${(s.share * 100).toFixed(1)}%`;
    li.append(b, el('span', ` +${s.gain} ${t('c_gain')}${share}`, 'gain'));
    box.append(li);
  }
}
