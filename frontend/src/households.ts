// Household search: a list of matches; one opens in a popup on the map with its area chain,
// building and center household (党员中心户), linked by lines to those it looks after.
import * as maplibregl from 'maplibre-gl';
import { api } from './api';
import { $, clearError, el, showError } from './dom';
import { onLangChange, t, zh } from './i18n';
import { setOverlay, theMap } from './map';
import { renderChain } from './stats';
import type { Household } from './types';

let popup: maplibregl.Popup | null = null;
let shownHousehold: Household | null = null;
let shownResults: Household[] | null = null;

function householdBox(h: Household): HTMLElement {
  const box = el('div', undefined, 'popup');
  box.append(el('strong', h.head_name));
  if (h.address) box.append(el('div', h.address));
  const chain = el('ol');
  renderChain(chain, h.areas ?? []);
  box.append(chain);
  if (h.building) box.append(el('div', `${t('building')}：${h.building.address ?? h.building.code}`));
  if (h.center) box.append(el('div', `${t('center')}：${h.center.head_name}`));
  if (h.center_household) box.append(el('div', `${t('center')} · ${t('looks_after')}：${h.looks_after?.length ?? 0}`));
  return box;
}

async function openHousehold(code: string) {
  clearError();
  try {
    const h = await api<Household>(`api/v1/households/${encodeURIComponent(code)}`);
    popup?.remove();
    shownHousehold = h;
    const map = theMap();
    popup = new maplibregl.Popup({ maxWidth: '320px' }).setLngLat([h.lon, h.lat]).setDOMContent(householdBox(h)).addTo(map);
    popup.on('close', () => { if (shownHousehold === h) shownHousehold = null; });
    const targets = (h.looks_after ?? []).map((x) => ({ at: [x.lon, x.lat] as [number, number], color: '#d32f2f' }));
    if (h.center) targets.push({ at: [h.center.lon, h.center.lat], color: '#d32f2f' });
    setOverlay([h.lon, h.lat], targets);
    map.flyTo({ center: [h.lon, h.lat], zoom: 17, duration: 800 });
    document.body.dataset.household = h.code;
  } catch (e) {
    showError(e);
  }
}

function renderResults() {
  if (!shownResults) return;
  const list = $('results');
  list.replaceChildren();
  if (shownResults.length === 0) list.append(el('li', t('none')));
  for (const h of shownResults) {
    const li = el('li', `${h.head_name}${h.center_household ? ' ★' : ''} — ${h.address ?? h.code}`);
    li.dataset.code = h.code;
    li.addEventListener('click', () => void openHousehold(h.code));
    list.append(li);
  }
}

const renderPlaceholder = () => {
  ($('q') as HTMLInputElement).placeholder = zh() ? '姓名、地址、电话或编码' : 'name, address, phone or code';
};
onLangChange(() => {
  renderPlaceholder();
  renderResults();
  if (popup?.isOpen() && shownHousehold) popup.setDOMContent(householdBox(shownHousehold));
});

export function setUpHouseholds() {
  renderPlaceholder();
  $('search-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearError();
    const q = ($('q') as HTMLInputElement).value.trim();
    try {
      const res = await api<{ total: number; results: Household[] }>(`api/v1/households?q=${encodeURIComponent(q)}&limit=20`);
      shownResults = res.results;
      renderResults();
    } catch (e) {
      showError(e);
    }
  });
}
