// The reaches the coverage view offers: a straight-line radius around each station, or the
// 15-minute walk, which the server measures along its path network (`distance=walking`). Every
// request the view makes (figures, tiles, uncovered households, suggestions, the PNG map) carries
// the reach through `reachQuery`, so none of them can ask about a different reach than the table.
import { currentLang, t } from '../i18n';

export interface Reach { radius: number; walking: boolean }

/** A 15-minute walk at 80 m a minute, the pace the server's README counts with. */
export const WALK_M = 1200;
/** The select's value for the walk (the straight radii are their metres). */
export const WALK = 'walk15';
export const RADII = [100, 500, 1000];

export function reachOf(value: string): Reach {
  return value === WALK ? { radius: WALK_M, walking: true } : { radius: Number(value), walking: false };
}

export const valueOf = (r: Reach) => (r.walking ? WALK : String(r.radius));

/** `kind`, `radius_m` and, for the walk, `distance=walking`, then `extra`. */
export function reachQuery(kind: string, r: Reach, extra: Record<string, string> = {}): URLSearchParams {
  const q = new URLSearchParams({ kind, radius_m: String(r.radius) });
  if (r.walking) q.set('distance', 'walking');
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q;
}

/** A short tag for file names and the page's `data-coverage`: `100m`, `walk1200m`. */
export const tagOf = (r: Reach) => `${r.walking ? 'walk' : ''}${r.radius}m`;

const metres = (m: number) => (m >= 1000 && m % 1000 === 0 ? `${m / 1000} km` : `${m.toLocaleString('en-US')} m`);

/** The choice as listed: `100 m`, `1 km`, `15-minute walk`. */
export const choiceName = (r: Reach) => (r.walking ? t('c_walk') : metres(r.radius));

/** The reach in words for the summary: what is measured and how. */
export function reachText(r: Reach): string {
  if (r.walking) {
    return currentLang() === 'zh' ? `${t('c_walk')}（沿路网 ${r.radius} 米）` : `${t('c_walk')} (${metres(r.radius)} along paths)`;
  }
  return currentLang() === 'zh' ? `直线 ${r.radius} 米以内` : `within ${metres(r.radius)} in a straight line`;
}
