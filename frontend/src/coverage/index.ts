// The coverage view (a tab for every role): choose a station kind and a reach, see the coverage
// tiles on the map and the table by area, ask for suggested sites and see who each would cover,
// download the households left out (CSV) and, when the server draws it, the map (PNG).
// Viewers see the stations' reach and the areas, not households or household counts.
import { api, type Me } from '../api';
import { $, clearError, el, showError } from '../dom';
import { KINDS, kindName, onLangChange, t } from '../i18n';
import { mapReady, popClick, pushClick, theMap } from '../map';
import { addTab } from '../tabs';
import { allUncovered, downloadPng, pngOffered, save, toCsv } from './download';
import { highlight, removeLayers, showLayers } from './layers';
import { renderSites, within } from './suggestions';
import { renderTable } from './table';
import './text';
import type { CoverageAnswer, Site, Suggestions } from './types';

/** The reaches offered, metres; the walk is offered once the server measures walking distance. */
const RADII = [100, 500, 1000];
const WALK = 'walk15';

class CoverageView {
  private answer: CoverageAnswer | null = null;
  private sites: Site[] = [];
  private chosen: number | null = null;
  private uncovered: GeoJSON.Feature<GeoJSON.Point>[] | null = null;
  private active = false;
  private seq = 0;
  private kind = 'red_station';
  private radius = 100;

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
    const r = ($('coverage-radius') as HTMLSelectElement).value;
    if (r !== WALK) this.radius = Number(r);
  }

  async run() {
    clearError();
    this.read();
    const seq = ++this.seq;
    const { kind, radius } = this;
    document.body.dataset.coverage = '';
    showLayers(theMap(), kind, radius);
    this.sites = [];
    this.chosen = null;
    this.uncovered = null;
    this.render();
    const q = new URLSearchParams({ kind, radius_m: String(radius) });
    const answer = await api<CoverageAnswer>(`api/v1/coverage?${q}`);
    if (seq !== this.seq) return;
    this.answer = answer;
    this.render();
    document.body.dataset.coverage = `${kind}/${radius}`;
  }

  async suggest() {
    clearError();
    const { kind, radius } = this;
    const k = Math.max(1, Math.min(100, Number(($('coverage-k') as HTMLInputElement).value) || 5));
    const seq = this.seq;
    const q = new URLSearchParams({ kind, radius_m: String(radius), k: String(k) });
    const [answer, uncovered] = await Promise.all([
      api<Suggestions>(`api/v1/coverage/suggestions?${q}`),
      this.uncovered ? Promise.resolve(this.uncovered) : allUncovered(kind, radius),
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
    const covers = within([s.lon, s.lat], this.radius, this.uncovered ?? []);
    highlight(theMap(), this.sites.map((x) => [x.lon, x.lat]),
      covers.map((f) => f.geometry.coordinates as [number, number]), [s.lon, s.lat], this.radius);
    theMap().flyTo({ center: [s.lon, s.lat], zoom: Math.max(theMap().getZoom(), 16) });
    $('coverage-covers').textContent = `${t('c_covers')}: ${covers.length}`;
    $('coverage-covers').dataset.count = String(covers.length);
    this.render();
  }

  async csv() {
    clearError();
    const { kind, radius } = this;
    const features = this.uncovered ?? await allUncovered(kind, radius);
    this.uncovered = features;
    save(`uncovered-${kind}-${radius}m.csv`, new Blob(['\ufeff' + toCsv(features)], { type: 'text/csv;charset=utf-8' }));
  }

  render() {
    renderTable($('coverage-table'), this.answer);
    renderSites($('coverage-sites'), this.sites, this.chosen, (s) => this.pick(s));
    if (this.chosen === null) {
      $('coverage-covers').textContent = '';
      delete $('coverage-covers').dataset.count;
    }
  }
}

function fillChoices() {
  const kind = $('coverage-kind') as HTMLSelectElement;
  const was = kind.value || 'red_station';
  kind.replaceChildren(...KINDS.map(([k]) => { const o = el('option', kindName(k)) as HTMLOptionElement; o.value = k; return o; }));
  kind.value = was;
  const radius = $('coverage-radius') as HTMLSelectElement;
  const r = radius.value || '100';
  const options = RADII.map((m) => {
    const o = el('option', m >= 1000 ? `${m / 1000} km` : `${m} m`) as HTMLOptionElement;
    o.value = String(m);
    return o;
  });
  // The slot for walking distance: shown, not chosen, until the server offers it.
  const walk = el('option', `${t('c_walk')} — ${t('c_walkNote')}`) as HTMLOptionElement;
  walk.value = WALK;
  walk.disabled = true;
  radius.replaceChildren(...options, walk);
  radius.value = r;
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
  void pngOffered().then((yes) => {
    // The PNG endpoint is another part of the service: offered here only once the server has it.
    $('coverage-png').hidden = !yes;
    $('coverage-png-later').hidden = yes;
  });
  $('coverage-png').addEventListener('click', () => {
    void downloadPng(($('coverage-kind') as HTMLSelectElement).value, Number(($('coverage-radius') as HTMLSelectElement).value)).catch(showError);
  });
  onLangChange(() => { fillChoices(); view.render(); });
}
