// The coverage view (a tab for every role): choose a station kind and a reach (a straight-line
// radius or the 15-minute walk along the paths), see the coverage tiles on the map and the table by
// area, ask for suggested sites and see who each would cover, download the households left out
// (CSV) and the map (PNG). Viewers see the stations' reach and the areas, not households or
// household counts.
import { ApiError, api, type Me } from '../api';
import { $, clearError, el, showError } from '../dom';
import { KINDS, kindName, onLangChange, t } from '../i18n';
import { mapReady, popClick, pushClick, theMap } from '../map';
import { addTab } from '../tabs';
import { allUncovered, downloadPng, save, toCsv } from './download';
import { highlight, removeLayers, showLayers } from './layers';
import { RADII, type Reach, WALK, WALK_M, choiceName, reachOf, reachQuery, tagOf, valueOf } from './reach';
import { renderSites } from './suggestions';
import { renderSummary, renderTable } from './table';
import './text';
import type { CoverageAnswer, Site, Suggestions } from './types';

/** Set once the server has said it has no path network (409 `no_paths`): the walk is then not offered. */
let noPaths = false;

class CoverageView {
  private answer: CoverageAnswer | null = null;
  private sites: Site[] = [];
  private chosen: number | null = null;
  private uncovered: GeoJSON.Feature<GeoJSON.Point>[] | null = null;
  private active = false;
  private seq = 0;
  private kind = 'red_station';
  private reach: Reach = { radius: 100, walking: false };

  constructor(private readonly me: Me) {}

  async show() {
    this.active = true;
    await mapReady;
    if (!this.active) return;
    pushClick(this.ignoreClick);
    await this.run();
  }

  hide() {
    this.active = false;
    popClick(this.ignoreClick);
    removeLayers(theMap());
  }

  /** Map clicks do not locate while coverage is shown. */
  private readonly ignoreClick = () => {};

  private read() {
    this.kind = ($('coverage-kind') as HTMLSelectElement).value;
    this.reach = reachOf(($('coverage-radius') as HTMLSelectElement).value);
  }

  async run() {
    clearError();
    this.read();
    const seq = ++this.seq;
    const { kind, reach } = this;
    document.body.dataset.coverage = '';
    removeLayers(theMap());
    this.answer = null;
    this.sites = [];
    this.chosen = null;
    this.uncovered = null;
    this.note(null);
    this.render();
    let answer: CoverageAnswer;
    try {
      answer = await api<CoverageAnswer>(`api/v1/coverage?${reachQuery(kind, reach)}`);
    } catch (e) {
      if (seq === this.seq && isNoPaths(e)) return this.withoutPaths();
      throw e;
    }
    // Left unseen if asked again meanwhile, or if the view was closed (show() asks anew).
    if (seq !== this.seq || !this.active) return;
    // The tiles after the figures: a walk the server cannot measure is refused there first, and
    // then no tile is asked for at all.
    showLayers(theMap(), kind, reach);
    this.answer = answer;
    this.render();
    document.body.dataset.coverage = `${kind}/${tagOf(reach)}`;
  }

  /** The server has no path network: say so, and offer only the straight-line reaches. */
  private withoutPaths() {
    noPaths = true;
    fillChoices();
    this.reach = reachOf(($('coverage-radius') as HTMLSelectElement).value);
    this.note('c_noPaths');
    this.render();
    document.body.dataset.coverage = 'no_paths';
  }

  /** The note over the figures: the text of `key`, or none. */
  private note(key: string | null) {
    const box = $('coverage-note');
    box.textContent = key === null ? '' : t(key);
    box.hidden = key === null;
    // As one of the page's fixed texts, it is re-written in the other language while shown.
    if (key === null) delete box.dataset.i18n;
    else box.dataset.i18n = key;
  }

  async suggest() {
    clearError();
    const { kind, reach } = this;
    const k = Math.max(1, Math.min(100, Number(($('coverage-k') as HTMLInputElement).value) || 5));
    const seq = this.seq;
    const [answer, uncovered] = await Promise.all([
      api<Suggestions>(`api/v1/coverage/suggestions?${reachQuery(kind, reach, { k: String(k) })}`),
      this.uncovered ? Promise.resolve(this.uncovered) : allUncovered(kind, reach),
    ]);
    if (seq !== this.seq) return;
    this.sites = answer.sites;
    this.uncovered = uncovered;
    this.chosen = null;
    highlight(theMap(), this.sites.map((s) => [s.lon, s.lat]), []);
    this.render();
    document.body.dataset.suggestions = String(this.sites.length);
  }

  private pick(s: Site) {
    this.chosen = s.rank;
    // The server names the households each site newly covers (on foot for the walk, which no
    // circle drawn here could tell); their places are in the list of those left out.
    const codes = new Set(s.households);
    const covers = (this.uncovered ?? []).filter((f) => codes.has(String(f.id ?? f.properties?.code)));
    // A straight radius is also drawn around the site; the walk's reach is not a circle.
    highlight(theMap(), this.sites.map((x) => [x.lon, x.lat]),
      covers.map((f) => f.geometry.coordinates as [number, number]),
      this.reach.walking ? undefined : [s.lon, s.lat], this.reach.radius);
    theMap().flyTo({ center: [s.lon, s.lat], zoom: Math.max(theMap().getZoom(), 16) });
    $('coverage-covers').textContent = `${t(this.reach.walking ? 'c_coversWalk' : 'c_covers')}: ${covers.length}`;
    $('coverage-covers').dataset.count = String(covers.length);
    this.render();
  }

  async csv() {
    clearError();
    const { kind, reach } = this;
    const features = this.uncovered ?? await allUncovered(kind, reach);
    this.uncovered = features;
    save(`uncovered-${kind}-${tagOf(reach)}.csv`, new Blob(['\ufeff' + toCsv(features, reach.walking)], { type: 'text/csv;charset=utf-8' }));
  }

  async png() {
    clearError();
    await downloadPng(this.kind, this.reach);
  }

  render() {
    renderSummary($('coverage-summary'), this.answer);
    renderTable($('coverage-table'), this.answer);
    renderSites($('coverage-sites'), this.sites, this.chosen, (s) => this.pick(s));
    // The legend names what the reach layer draws: circles, or the paths within the walk.
    const reach = $('coverage-legend-reach');
    reach.dataset.i18n = this.reach.walking ? 'c_legendWalk' : 'c_legendReach';
    reach.textContent = t(reach.dataset.i18n);
    $('coverage-legend-dot').classList.toggle('walk', this.reach.walking);
    // Suggestions and downloads are for the reach the table shows: none while there is no table.
    for (const id of ['coverage-suggest', 'coverage-csv', 'coverage-png']) ($(id) as HTMLButtonElement).disabled = !this.answer;
    if (this.chosen === null) {
      $('coverage-covers').textContent = '';
      delete $('coverage-covers').dataset.count;
    }
  }
}

const isNoPaths = (e: unknown) => e instanceof ApiError && e.status === 409 && e.code === 'no_paths';

function fillChoices() {
  const kind = $('coverage-kind') as HTMLSelectElement;
  const was = kind.value || 'red_station';
  kind.replaceChildren(...KINDS.map(([k]) => { const o = el('option', kindName(k)) as HTMLOptionElement; o.value = k; return o; }));
  kind.value = was;
  const radius = $('coverage-radius') as HTMLSelectElement;
  const r = radius.value || '100';
  const reaches: Reach[] = [...RADII.map((m) => ({ radius: m, walking: false })), { radius: WALK_M, walking: true }];
  radius.replaceChildren(...reaches.map((reach) => {
    const o = el('option', choiceName(reach)) as HTMLOptionElement;
    o.value = valueOf(reach);
    if (reach.walking && noPaths) {
      o.disabled = true;
      o.textContent = `${choiceName(reach)} (${t('c_noPathsShort')})`;
    }
    return o;
  }));
  // A walk the server cannot measure falls back to the first straight radius.
  radius.value = r === WALK && noPaths ? String(RADII[0]) : r;
}

export function setUpCoverage(me: Me) {
  const view = new CoverageView(me);
  addTab('coverage', { show: () => void view.show().catch(showError), hide: () => view.hide() });
  fillChoices();
  const households = me.sees_households;
  for (const id of ['coverage-suggest-section', 'coverage-downloads']) $(id).hidden = !households;
  $('coverage-viewer-note').hidden = households;
  $('coverage-form').addEventListener('submit', (ev) => { ev.preventDefault(); void view.run().catch(showError); });
  $('coverage-suggest-form').addEventListener('submit', (ev) => { ev.preventDefault(); void view.suggest().catch(showError); });
  $('coverage-csv').addEventListener('click', () => void view.csv().catch(showError));
  $('coverage-png').addEventListener('click', () => void view.png().catch(showError));
  onLangChange(() => { fillChoices(); view.render(); });
}
