// The gridmap web app: a login, then the served MapLibre style with layer toggles and a legend, the
// dispatcher (locate + nearest stations), household search and area statistics. Every request goes
// to the gridmap server that served this page with the session's bearer token (map tiles too, through
// MapLibre's transformRequest); data is always written with textContent, never as HTML.
import * as maplibregl from 'maplibre-gl';
type GeoJSONSource = maplibregl.GeoJSONSource;
type MapMouseEvent = maplibregl.MapMouseEvent;
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import './style.css';

type Lang = 'zh' | 'en';
const T: Record<string, [string, string]> = {
  title: ['网格地图', 'gridmap'],
  layers: ['图层', 'Layers'],
  dispatch: ['调度：定位与最近站点', 'Dispatch: locate and nearest stations'],
  go: ['查询', 'Go'],
  clickHint: ['点击地图或输入坐标', 'Click the map or type a coordinate'],
  households: ['住户查询', 'Household search'],
  search: ['搜索', 'Search'],
  area: ['区域统计', 'Area statistics'],
  areas: ['行政区/网格', 'Areas / grids'],
  red_yards: ['红色屋场', 'Red house-yards'],
  buildings: ['楼栋', 'Buildings'],
  households_layer: ['住户', 'Households'],
  stations: ['站点', 'Stations'],
  outside: ['该点不在任何区域内', 'The point is in no area'],
  none: ['无结果', 'No results'],
  building: ['楼栋', 'Building'],
  center: ['党员中心户', 'Center household'],
  looks_after: ['联系户', 'Looks after'],
  hh: ['户数', 'Households'],
  people: ['人口', 'People'],
  party: ['党员户', 'Party members'],
  centers: ['党员中心户', 'Center households'],
  bld: ['楼栋', 'Buildings'],
  st: ['站点', 'Stations'],
  m: ['米', 'm'],
  network: ['无法连接服务器', 'Cannot reach the server'],
  badCoord: ['请输入数字坐标（经度、纬度）', 'Enter a numeric longitude and latitude'],
  username: ['用户名', 'User name'],
  password: ['密码', 'Password'],
  login: ['登录', 'Log in'],
  logout: ['退出', 'Log out'],
  badLogin: ['用户名或密码错误', 'Wrong user name or password'],
  admin: ['管理员', 'administrator'],
  planner: ['规划员', 'planner'],
  grid_leader: ['网格长', 'grid leader'],
  dispatcher: ['调度员', 'dispatcher'],
  viewer: ['访客', 'viewer'],
};
const KINDS: [string, string, string, string, string][] = [
  ['red_station', '#d32f2f', '驿', '红色驿站', 'Red station'],
  ['governance_center', '#6a1b9a', '综', '综治中心', 'Governance center'],
  ['police_room', '#1565c0', '警', '社区警务室', 'Police room'],
  ['volunteer_station', '#2e7d32', '志', '志愿服务站', 'Volunteer station'],
  ['talk_room', '#ef6c00', '说', '说事室', 'Talk room'],
  ['ops_center', '#00838f', '城', '城运中心', 'Ops center'],
  ['legal_office', '#5d4037', '法', '法务工作室', 'Legal office'],
];
const LEVELS: Record<string, [string, string]> = {
  county: ['区县', 'County'], township: ['乡镇街道', 'Township'], community: ['村/社区', 'Community'],
  grid: ['网格', 'Grid'], red_yard: ['红色屋场', 'Red yard'],
};

let lang: Lang = 'zh';
const t = (key: string) => (T[key] ? T[key][lang === 'zh' ? 0 : 1] : key);
const $ = <E extends HTMLElement>(id: string) => document.getElementById(id) as E;
function el(tag: string, text?: string, cls?: string): HTMLElement {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

// --- session and API -------------------------------------------------------------------------
// The bearer token lives in this tab's sessionStorage: gone when the tab closes, never in a cookie
// another site could make the browser send.
const TOKEN_KEY = 'gridmap-token';
let token = sessionStorage.getItem(TOKEN_KEY) ?? '';
interface Me { user: string; role: string; scope: string | null; sees_households: boolean }
let me: Me | null = null;

class ApiError extends Error {}
async function api<R>(path: string, init: RequestInit = {}): Promise<R> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers: { ...(init.headers ?? {}), Authorization: `Bearer ${token}` } });
  } catch {
    throw new ApiError(t('network'));
  }
  const body = await res.json().catch(() => null);
  if (res.status === 401 && me) {
    // The session ended (expired, revoked or logged out elsewhere): back to the login.
    signOut();
  }
  if (!res.ok) {
    const msg = body?.error?.message ?? `HTTP ${res.status}`;
    throw new ApiError(msg);
  }
  return body as R;
}
function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  // A fresh page drops every answer shown and the map's cached tiles.
  location.reload();
}
async function logIn(username: string, password: string) {
  const res = await fetch('api/v1/auth/token', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }),
  }).catch(() => null);
  const body = await res?.json().catch(() => null);
  // A refused login is said in the page's language; other refusals (too many tries) as the server words them.
  if (res?.status === 401) throw new ApiError(t('badLogin'));
  if (!res?.ok) throw new ApiError(body?.error?.message ?? t('network'));
  token = body.token;
  sessionStorage.setItem(TOKEN_KEY, token);
}
function showError(e: unknown) {
  const box = $('error');
  box.textContent = e instanceof Error ? e.message : String(e);
  box.hidden = false;
}
function clearError() {
  $('error').hidden = true;
}

interface Area { code: string; level: string; name: string; leader_name?: string | null }
interface Household {
  code: string; head_name: string; address?: string; phone?: string; lon: number; lat: number;
  center_household: boolean; building?: { code: string; address?: string } | null; areas?: Area[];
  center?: Household | null; looks_after?: Household[];
}

// --- map -------------------------------------------------------------------------------------
// MapLibre looks for its worker next to the script that imports it; the bundle moves that script, so
// point it at the worker file the build copied into assets/.
maplibregl.setWorkerUrl(workerUrl);
let map!: maplibregl.Map;
const here = new URL('.', document.baseURI).href;
async function startMap(account: Me) {
  // Relative, like every URL here, so the app also works below a proxy's path prefix.
  const style = (await (await fetch('style.json')).json()) as maplibregl.StyleSpecification;
  if (!account.sees_households) {
    // Not offered at all to roles that may not see residents' data (the server would refuse it).
    delete style.sources.households;
    style.layers = style.layers.filter((l) => !('source' in l) || l.source !== 'households');
  }
  map = new maplibregl.Map({
    container: 'map',
    style,
    center: [112.0, 32.0],
    zoom: 8,
    localIdeographFontFamily: false,
    // Tiles and TileJSON need the session's token; nothing is ever sent elsewhere.
    transformRequest: (url) => (url.startsWith(here) ? { url, headers: { Authorization: `Bearer ${token}` } } : { url }),
  });
  map.addControl(new maplibregl.NavigationControl(), 'top-right');
  (window as unknown as { gridmap: maplibregl.Map }).gridmap = map;
  map.on('load', onMapLoad);
  map.on('click', onMapClick);
}

let GROUPS = ['areas', 'red_yards', 'buildings', 'households_layer', 'stations'];
function groupOf(layer: { id: string; source?: unknown }): string | null {
  if (layer.id.startsWith('red_yard')) return 'red_yards';
  switch (layer.source) {
    case 'areas': return 'areas';
    case 'buildings': return 'buildings';
    case 'households': return 'households_layer';
    case 'stations': return 'stations';
  }
  return null;
}
const visible: Record<string, boolean> = Object.fromEntries(GROUPS.map((g) => [g, true]));
function applyVisibility() {
  if (!map) return;
  for (const layer of map.getStyle().layers) {
    const g = groupOf(layer as { id: string; source?: unknown });
    if (g) map.setLayoutProperty(layer.id, 'visibility', visible[g] ? 'visible' : 'none');
  }
}

const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };
function onMapLoad() {
  applyVisibility();
  map.addSource('links', { type: 'geojson', data: EMPTY });
  map.addSource('marks', { type: 'geojson', data: EMPTY });
  map.addLayer({ id: 'links', type: 'line', source: 'links',
    paint: { 'line-color': ['coalesce', ['get', 'color'], '#ff6f00'], 'line-width': 2.5, 'line-dasharray': [2, 1] } });
  // The area whose statistics are shown, outlined; its code is set by showStats.
  map.addLayer({ id: 'selected-area', type: 'line', source: 'areas', 'source-layer': 'areas',
    filter: ['==', ['get', 'code'], ''], paint: { 'line-color': '#0d47a1', 'line-width': 3.5 } });
  map.addLayer({ id: 'marks', type: 'circle', source: 'marks',
    paint: { 'circle-radius': 7, 'circle-color': '#ffeb3b', 'circle-stroke-color': '#000', 'circle-stroke-width': 2 } });
  document.body.dataset.mapLoaded = '1';
}

function setOverlay(origin: [number, number] | null, targets: { at: [number, number]; color?: string }[]) {
  const links = map.getSource('links') as GeoJSONSource | undefined;
  const marks = map.getSource('marks') as GeoJSONSource | undefined;
  if (!links || !marks) return;
  links.setData({ type: 'FeatureCollection', features: origin ? targets.map((x) => ({
    type: 'Feature', properties: { color: x.color ?? null },
    geometry: { type: 'LineString', coordinates: [origin, x.at] } })) : [] });
  marks.setData({ type: 'FeatureCollection', features: origin ? [{ type: 'Feature', properties: {},
    geometry: { type: 'Point', coordinates: origin } }] : [] });
}

// --- static UI -------------------------------------------------------------------------------
function renderStatic() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.querySelectorAll<HTMLElement>('[data-i18n]').forEach((e) => { e.textContent = t(e.dataset.i18n!); });
  $('lang').textContent = lang === 'zh' ? 'English' : '中文';
  ($('q') as HTMLInputElement).placeholder = lang === 'zh' ? '姓名、地址、电话或编码' : 'name, address, phone or code';
  const toggles = $('toggles');
  toggles.replaceChildren();
  for (const g of GROUPS) {
    const label = el('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = visible[g];
    box.dataset.group = g;
    box.addEventListener('change', () => { visible[g] = box.checked; applyVisibility(); });
    label.append(box, document.createTextNode(t(g)));
    toggles.append(label);
  }
  const legend = $('legend');
  legend.replaceChildren();
  const kindSel = $('kind') as HTMLSelectElement;
  const chosen = kindSel.value || 'red_station';
  kindSel.replaceChildren();
  for (const [kind, color, mark, zh, en] of KINDS) {
    const item = el('div');
    const m = el('span', mark, 'mark');
    m.style.background = color;
    item.append(m, document.createTextNode(lang === 'zh' ? zh : en));
    legend.append(item);
    const opt = el('option', lang === 'zh' ? zh : en) as HTMLOptionElement;
    opt.value = kind;
    kindSel.append(opt);
  }
  kindSel.value = chosen;
}
const kindName = (kind: string) => {
  const k = KINDS.find((x) => x[0] === kind);
  return k ? (lang === 'zh' ? k[3] : k[4]) : kind;
};

function renderChain(target: HTMLElement, areas: Area[]) {
  target.replaceChildren();
  if (areas.length === 0) target.append(el('li', t('outside')));
  for (const a of areas) {
    const li = el('li', `${LEVELS[a.level]?.[lang === 'zh' ? 0 : 1] ?? a.level}：${a.name}（${a.code}）`);
    li.addEventListener('click', () => void showStats(a.code));
    target.append(li);
  }
}

// GCJ-02 / BD-09 → WGS 84 for drawing the typed point (the server converts for the queries).
function gcjOffset(lon: number, lat: number): [number, number] {
  const a = 6378245.0, ee = 0.006693421622965943;
  const x = lon - 105, y = lat - 35;
  let dLat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  dLat += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  dLat += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  dLat += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  let dLon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  dLon += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  dLon += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  dLon += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  const rad = (lat / 180) * Math.PI;
  const magic = 1 - ee * Math.sin(rad) ** 2;
  const sq = Math.sqrt(magic);
  return [(dLon * 180) / ((a / sq) * Math.cos(rad) * Math.PI), (dLat * 180) / (((a * (1 - ee)) / (magic * sq)) * Math.PI)];
}
function toWgs84(lon: number, lat: number, crs: string): [number, number] {
  if (crs === 'bd09') {
    const x = lon - 0.0065, y = lat - 0.006;
    const z = Math.sqrt(x * x + y * y) - 0.00002 * Math.sin(y * Math.PI * 3000 / 180);
    const th = Math.atan2(y, x) - 0.000003 * Math.cos(x * Math.PI * 3000 / 180);
    [lon, lat] = [z * Math.cos(th), z * Math.sin(th)];
  } else if (crs !== 'gcj02') {
    return [lon, lat];
  }
  let w: [number, number] = [lon, lat];
  for (let i = 0; i < 5; i++) {
    const d = gcjOffset(w[0], w[1]);
    w = [lon - d[0], lat - d[1]];
  }
  return w;
}

// --- dispatcher ------------------------------------------------------------------------------
interface Nearest { results: { station: { code: string; name: string; kind: string; lon: number; lat: number }; distance_m: number }[] }
interface Located { lon: number; lat: number; areas: Area[] }
// The last answers shown, so that switching the language re-writes them.
let shownDispatch: { loc: Located; near: Nearest } | null = null;
function renderDispatch() {
  if (!shownDispatch) return;
  const { loc, near } = shownDispatch;
  renderChain($('chain'), loc.areas);
  const list = $('nearest');
  list.replaceChildren();
  if (near.results.length === 0) list.append(el('li', t('none')));
  for (const r of near.results) {
    list.append(el('li', `${r.station.name} — ${kindName(r.station.kind)} — ${r.distance_m.toFixed(0)} ${t('m')}`));
  }
}

// The area of `chain` (county first) that the map draws at the current zoom: the deepest level
// whose outline layer is shown from this zoom on, so a click on a county at zoom 8 picks the
// county and one at street level picks the grid or red house-yard.
function areaAtZoom(chain: Area[]): Area | undefined {
  const zoom = map.getZoom();
  const shown = chain.filter((a) => (map.getLayer(`${a.level}-line`)?.minzoom ?? 0) <= zoom);
  return shown.length > 0 ? shown[shown.length - 1] : chain[0];
}

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
    shownDispatch = { loc, near };
    renderDispatch();
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
function onMapClick(ev: MapMouseEvent) {
  const { lng, lat } = ev.lngLat;
  ($('lon') as HTMLInputElement).value = lng.toFixed(6);
  ($('lat') as HTMLInputElement).value = lat.toFixed(6);
  ($('crs') as HTMLSelectElement).value = 'wgs84';
  void dispatch(Number(lng.toFixed(6)), Number(lat.toFixed(6)), 'wgs84');
}

// --- households ------------------------------------------------------------------------------
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

// --- area statistics -------------------------------------------------------------------------
// Household counts are null for roles that see public layers only.
interface Stats { code: string; name: string; level: string; households: number | null; people?: number | null;
  party_members: number | null; center_households: number | null; buildings: number; stations: Record<string, number> }
let shownStats: Stats | null = null;
function renderStats() {
  const s = shownStats;
  if (!s) return;
  const box = $('stats');
  const level = LEVELS[s.level]?.[lang === 'zh' ? 0 : 1] ?? s.level;
  box.replaceChildren(el('strong', `${s.name}（${s.code}）`), el('div', level, 'hint'));
  const rows: [string, number | null | undefined][] = [['hh', s.households], ['people', s.people], ['party', s.party_members],
    ['centers', s.center_households], ['bld', s.buildings]];
  const ul = el('ul');
  for (const [k, v] of rows) if (v !== undefined && v !== null) ul.append(el('li', `${t(k)}：${v}`));
  for (const [kind, n] of Object.entries(s.stations ?? {})) ul.append(el('li', `${kindName(kind)}：${n}`));
  box.append(ul);
}
async function showStats(code: string) {
  try {
    shownStats = await api<Stats>(`api/v1/areas/${encodeURIComponent(code)}/stats`);
    renderStats();
    if (map.getLayer('selected-area')) map.setFilter('selected-area', ['==', ['get', 'code'], shownStats.code]);
    document.body.dataset.stats = shownStats.code;
  } catch (e) {
    showError(e);
  }
}

$('lang').addEventListener('click', () => {
  lang = lang === 'zh' ? 'en' : 'zh';
  renderStatic();
  renderDispatch();
  renderResults();
  renderStats();
  renderWho();
  if (popup?.isOpen() && shownHousehold) popup.setDOMContent(householdBox(shownHousehold));
});

// --- login -----------------------------------------------------------------------------------
function renderWho() {
  if (!me) return;
  const scope = me.scope ? ` · ${me.scope}` : '';
  $('who').textContent = `${me.user}（${t(me.role)}${scope}）`;
}
// Shows the app for the signed-in account: what its role cannot see is not offered.
function enter(account: Me) {
  me = account;
  $('login').hidden = true;
  $('app').hidden = false;
  if (!account.sees_households) {
    GROUPS = GROUPS.filter((g) => g !== 'households_layer');
    visible.households_layer = false;
    $('household-section').hidden = true;
  }
  renderStatic();
  renderWho();
  document.body.dataset.role = account.role;
  void startMap(account).catch(showError);
}
$('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const box = $('login-error');
  box.hidden = true;
  try {
    await logIn(($('username') as HTMLInputElement).value.trim(), ($('password') as HTMLInputElement).value);
    enter(await api<Me>('api/v1/auth/me'));
  } catch (e) {
    box.textContent = e instanceof Error ? e.message : String(e);
    box.hidden = false;
  }
});
$('logout').addEventListener('click', async () => {
  await api('api/v1/auth/token', { method: 'DELETE' }).catch(() => null);
  signOut();
});
async function boot() {
  renderStatic();
  if (token) {
    try {
      enter(await api<Me>('api/v1/auth/me'));
      return;
    } catch {
      sessionStorage.removeItem(TOKEN_KEY);
    }
  }
  $('login').hidden = false;
  ($('username') as HTMLInputElement).focus();
}
void boot();
