// The dispatcher: a point (typed, in any datum, or clicked) → the areas it lies in and the nearest
// stations of a kind, drawn on the map.
import type { MapMouseEvent } from 'maplibre-gl';
import { api } from './api';
import { toWgs84 } from './coords';
import { $, clearError, el, showError } from './dom';
import { KINDS, kindName, onLangChange, t, zh } from './i18n';
import { areaAtZoom, pushClick, setOverlay } from './map';
import { renderChain, showStats } from './stats';
import type { Area } from './types';

interface Nearest { results: { station: { code: string; name: string; kind: string; lon: number; lat: number }; distance_m: number }[] }
interface Located { lon: number; lat: number; areas: Area[] }
// The last answers shown, so that switching the language re-writes them.
let shown: { loc: Located; near: Nearest } | null = null;

function render() {
  if (!shown) return;
  const { loc, near } = shown;
  renderChain($('chain'), loc.areas);
  const list = $('nearest');
  list.replaceChildren();
  if (near.results.length === 0) list.append(el('li', t('none')));
  for (const r of near.results) {
    list.append(el('li', `${r.station.name} — ${kindName(r.station.kind)} — ${r.distance_m.toFixed(0)} ${t('m')}`));
  }
}

/** The station kinds offered, in the page's language. */
export function renderKinds() {
  const kindSel = $('kind') as HTMLSelectElement;
  const chosen = kindSel.value || 'red_station';
  kindSel.replaceChildren();
  for (const [kind, , , zhName, enName] of KINDS) {
    const opt = el('option', zh() ? zhName : enName) as HTMLOptionElement;
    opt.value = kind;
    kindSel.append(opt);
  }
  kindSel.value = chosen;
}
onLangChange(() => { renderKinds(); render(); });

async function dispatch(lon: number, lat: number, crs: string) {
  clearError();
  const kind = ($('kind') as HTMLSelectElement).value;
  const k = ($('k') as HTMLInputElement).value || '5';
  const q = `lon=${encodeURIComponent(lon)}&lat=${encodeURIComponent(lat)}&crs=${encodeURIComponent(crs)}`;
  try {
    // Answers in WGS 84, which is what the map draws.
    const [loc, near] = await Promise.all([
      api<Located>(`api/v1/locate?${q}`),
      api<Nearest>(`api/v1/nearest?${q}&kind=${encodeURIComponent(kind)}&k=${encodeURIComponent(k)}`),
    ]);
    shown = { loc, near };
    render();
    // The map draws WGS 84; a GCJ-02/BD-09 input is converted back for the drawn point only.
    const origin = toWgs84(lon, lat, crs);
    const color = KINDS.find((x) => x[0] === kind)?.[1];
    setOverlay(origin, near.results.map((r) => ({ at: [r.station.lon, r.station.lat], color })));
    const area = areaAtZoom(loc.areas);
    if (area) void showStats(area.code);
    document.body.dataset.dispatched = String(near.results.length);
  } catch (e) {
    showError(e);
  }
}

function onMapClick(ev: MapMouseEvent) {
  const { lng, lat } = ev.lngLat;
  ($('lon') as HTMLInputElement).value = lng.toFixed(6);
  ($('lat') as HTMLInputElement).value = lat.toFixed(6);
  ($('crs') as HTMLSelectElement).value = 'wgs84';
  void dispatch(Number(lng.toFixed(6)), Number(lat.toFixed(6)), 'wgs84');
}

export function setUpDispatch() {
  $('dispatch-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const lon = Number(($('lon') as HTMLInputElement).value);
    const lat = Number(($('lat') as HTMLInputElement).value);
    if (!($('lon') as HTMLInputElement).value || !($('lat') as HTMLInputElement).value || !Number.isFinite(lon) || !Number.isFinite(lat)) {
      showError(new Error(t('badCoord')));
      return;
    }
    void dispatch(lon, lat, ($('crs') as HTMLSelectElement).value);
  });
  pushClick(onMapClick);
}
