// Suggested sites for new stations (/coverage/suggestions) listed with their gains; clicking one
// highlights the households left out within the radius of it, which a station there would cover.
import { el } from '../dom';
import { t } from '../i18n';
import type { Site } from './types';

/** Ground distance in metres between two nearby WGS 84 points, on the ellipsoid's local tangent
 * plane (the radii of curvature at their mean latitude): off by millimetres over a few kilometres. */
export function metres(a: [number, number], b: [number, number]): number {
  const A = 6378137, E2 = 0.00669437999014;
  const phi = ((a[1] + b[1]) / 2) * Math.PI / 180;
  const w = 1 - E2 * Math.sin(phi) ** 2;
  const north = (A * (1 - E2)) / w ** 1.5; // meridional radius
  const east = A / Math.sqrt(w); // prime vertical radius
  const dx = ((b[0] - a[0]) * Math.PI / 180) * east * Math.cos(phi);
  const dy = ((b[1] - a[1]) * Math.PI / 180) * north;
  return Math.hypot(dx, dy);
}

/** The households of `uncovered` within `radius` metres of `site`. */
export function within(site: [number, number], radius: number, uncovered: GeoJSON.Feature<GeoJSON.Point>[]) {
  return uncovered.filter((f) => metres(site, f.geometry.coordinates as [number, number]) <= radius);
}

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
