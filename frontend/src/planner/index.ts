// The planner view, for those who may redraw areas (admins, planners in their scope): pick an area
// (on the map, by code, or along its path), see its children coloured by balance with the gaps,
// overlaps and overreach of the validation report on their own layer and its problems listed; pick
// a child to see its history (restore a version, revert a change, follow its lineage) or to work on
// it with a mode of the toolbar. After a commit the view says so and offers to undo it.
import type { MapMouseEvent } from 'maplibre-gl';
import { api, json, type Me } from '../api';
import { $, clearError, el, showError } from '../dom';
import { onLangChange } from '../i18n';
import { areaAtZoom, mapReady, popClick, pushClick, refreshAreaTiles, theMap } from '../map';
import type { Area } from '../types';
import { BoundaryMode } from './boundary';
import { HistoryPanel } from './history';
import { addLayers, CHILDREN_FILL, removeLayers, showReport } from './layers';
import { MergeMode } from './merge';
import { Toolbar, type AfterChange, type PlannerContext, type PlannerMode } from './modes';
import { addTab } from '../tabs';
import { renderChildren, renderPath, renderProblems } from './report';
import { SplitMode } from './split';
import { t } from './text';
import type { AreaDetail, Report, Reverted } from './types';
import { YardsMode } from './yards';

/** The toolbar's modes, in order. */
const MODES: PlannerMode[] = [new BoundaryMode(), new SplitMode(), new MergeMode(), new YardsMode()];

export const mayPlan = (me: Me) => me.role === 'admin' || me.role === 'planner';

const area = (code: string) => api<AreaDetail>(`api/v1/areas/${encodeURIComponent(code)}`);

class Planner {
  private parent: AreaDetail | null = null;
  private report: Report | null = null;
  private children: AreaDetail[] = [];
  private selected: AreaDetail | null = null;
  /** What the view says after a change, and the change it offers to undo. */
  private status: { text: () => string; kind: string; undo?: { id: string; select: string[] } } | null = null;
  private active = false;
  private seq = 0;
  private readonly toolbar = new Toolbar($('planner-toolbar'), $('planner-mode'), MODES);
  private readonly history = new HistoryPanel($('planner-history-head'), $('planner-history'), {
    mayRestore: () => this.selected !== null && this.mayEdit(this.selected),
    mayRevert: () => this.parent !== null && this.mayEdit(this.parent),
    restored: async (version, changeId) => this.changed(() => `${t('p_restored')} ${version ?? ''}`.trim(), { changeId }),
    reverted: async (answer) => this.reverted(answer, this.selected?.code ?? null),
  });

  constructor(private readonly me: Me) {
    $('planner-undo').addEventListener('click', () => void this.undo());
  }

  /** Whether the account may redraw `a`: its role may, and `a` is inside its scope. */
  mayEdit(a: AreaDetail) {
    const scope = this.me.scope;
    return mayPlan(this.me) && (!scope || a.code === scope || a.ancestors.some((x) => x.code === scope));
  }

  async show() {
    this.active = true;
    await mapReady;
    if (!this.active) return;
    addLayers(theMap());
    pushClick(this.onClick);
    if (this.parent) this.render();
    else if (this.me.scope) await this.open(this.me.scope).catch(showError);
  }

  hide() {
    this.active = false;
    this.toolbar.stop();
    popClick(this.onClick);
    removeLayers(theMap());
  }

  /** Opens `code` as the area to plan, with `select` (one of its children, or the first of a list
   * that is one) picked. */
  async open(code: string, select?: string | string[] | null, keepView = false) {
    clearError();
    const seq = ++this.seq;
    this.toolbar.stop();
    const [parent, report] = await Promise.all([
      area(code), api<Report>(`api/v1/areas/${encodeURIComponent(code)}/validate`)]);
    const children = await Promise.all(report.children.map((c) => area(c.code)));
    if (seq !== this.seq) return;
    const moved = this.parent?.code !== parent.code;
    this.parent = parent;
    this.report = report;
    this.children = children;
    const wanted = select == null ? [] : typeof select === 'string' ? [select] : select;
    this.selected = wanted.map((w) => children.find((c) => c.code === w)).find((c) => c !== undefined) ?? null;
    if (!keepView || moved) this.status = null;
    this.render();
    if (moved && !keepView) {
      const [w, s, e, n] = parent.bbox;
      theMap().fitBounds([[w, s], [e, n]], { padding: 30, duration: 0 });
    }
    await this.history.load(this.selected?.code ?? null);
    document.body.dataset.plannerArea = parent.code;
    document.body.dataset.plannerSelected = this.selected?.code ?? '';
  }

  async pick(code: string) {
    if (this.toolbar.active) return;
    this.selected = this.children.find((c) => c.code === code) ?? null;
    this.status = null;
    this.render();
    try {
      await this.history.load(this.selected?.code ?? null);
    } catch (e) {
      showError(e);
    }
    document.body.dataset.plannerSelected = this.selected?.code ?? '';
  }

  /** After a commit, restore or revert: the tiles show the new outlines, the view is read again
   * (with `after.select` picked, else the child picked before), and the change may be undone. */
  async changed(message: () => string, after: AfterChange = {}) {
    const before = this.selected?.code ?? null;
    this.toolbar.stop();
    refreshAreaTiles();
    if (this.parent) await this.open(this.parent.code, [...(after.select ?? []), ...(before ? [before] : [])], true);
    this.status = { text: message, kind: 'done',
      undo: after.changeId ? { id: after.changeId, select: before ? [before] : [] } : undefined };
    this.renderStatus();
  }

  /** Undoes the change just made (the one the status offers), with a fixed reason. */
  private async undo() {
    const undo = this.status?.undo;
    if (!undo) return;
    const button = $('planner-undo') as HTMLButtonElement;
    button.disabled = true;
    try {
      const answer = await api<Reverted>(`api/v1/changes/${encodeURIComponent(undo.id)}/revert`,
        json('POST', { reason: t('p_undoReason') }));
      await this.reverted(answer, undo.select[0] ?? null);
    } catch (e) {
      const text = e instanceof Error ? e.message : String(e);
      this.status = { text: () => `${t('p_undoFailed')}：${text}`, kind: 'error' };
      this.renderStatus();
    } finally {
      button.disabled = false;
    }
  }

  /** After a change was reverted: the areas it brought back (or `select`) picked. */
  private async reverted(answer: Reverted, select: string | null) {
    const restored = answer.restored ?? [];
    await this.changed(() => t('p_undone'), { select: [...(select ? [select] : []), ...restored] });
    // Undoing an undo is a revert of the revert: offered too.
    if (this.status) this.status.undo = { id: answer.change_id, select: this.selected ? [this.selected.code] : [] };
    this.renderStatus();
  }

  private context(): PlannerContext | null {
    if (!this.parent || !this.report) return null;
    return {
      map: theMap(), parent: this.parent, report: this.report, children: this.children, selected: this.selected,
      mayEdit: (a) => this.mayEdit(a), panel: $('planner-mode'),
      changed: (message, after) => this.changed(message, after),
      reload: async () => {
        this.toolbar.stop();
        if (this.parent) await this.open(this.parent.code, this.selected?.code, true).catch(showError);
      },
      failed: showError,
    };
  }

  render() {
    if (!this.active) return;
    const parent = this.parent, report = this.report;
    $('planner-area').hidden = !parent;
    if (!parent || !report) return;
    renderPath($('planner-path'), parent, (code) => void this.open(code).catch(showError));
    renderChildren($('planner-children'), report, this.children, this.selected?.code ?? null, {
      pick: (code) => void this.pick(code),
      open: (code) => void this.open(code).catch(showError),
    });
    renderProblems($('planner-problems'), report);
    showReport(theMap(), report, this.children, this.selected?.code ?? null);
    const sel = $('planner-selected');
    sel.replaceChildren();
    $('planner-history-section').hidden = !this.selected;
    if (this.selected) {
      sel.append(el('strong', `${this.selected.name}（${this.selected.code}）`),
        el('span', ` · ${t('p_version')} ${this.selected.version}`, 'hint'));
      if (!this.mayEdit(this.selected)) sel.append(el('div', t('p_noEdit'), 'hint'));
    } else {
      sel.append(el('div', t('p_select'), 'hint'));
    }
    this.toolbar.render(this.context());
    this.history.render();
    this.renderStatus();
  }

  private renderStatus() {
    $('planner-done').hidden = !this.status;
    $('planner-done').dataset.kind = this.status?.kind ?? '';
    const box = $('planner-status');
    box.textContent = this.status?.text() ?? '';
    box.dataset.kind = this.status?.kind ?? '';
    const undo = $('planner-undo');
    undo.hidden = !this.status?.undo;
    undo.dataset.change = this.status?.undo?.id ?? '';
  }

  private readonly onClick = (ev: MapMouseEvent) => {
    if (this.toolbar.active) return;
    const hit = theMap().queryRenderedFeatures(ev.point, { layers: [CHILDREN_FILL] })[0];
    const code = hit?.properties?.code;
    if (typeof code === 'string') {
      void this.pick(code);
      return;
    }
    // Outside the open area: the area drawn there at this zoom, among its siblings.
    void (async () => {
      const { lng, lat } = ev.lngLat;
      const loc = await api<{ areas: Area[] }>(`api/v1/locate?lon=${lng.toFixed(6)}&lat=${lat.toFixed(6)}`);
      const at = areaAtZoom(loc.areas);
      if (!at) return;
      const i = loc.areas.indexOf(at);
      await (i > 0 ? this.open(loc.areas[i - 1].code, at.code) : this.open(at.code));
    })().catch(showError);
  };
}

/** Offers the planner view to accounts that may redraw areas; nobody else sees it. */
export function setUpPlanner(me: Me) {
  if (!mayPlan(me)) return;
  const planner = new Planner(me);
  addTab('planner', { show: () => void planner.show(), hide: () => planner.hide() });
  $('planner-pick').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const code = ($('planner-code') as HTMLInputElement).value.trim();
    if (code) void planner.open(code).catch(showError);
  });
  onLangChange(() => planner.render());
}
