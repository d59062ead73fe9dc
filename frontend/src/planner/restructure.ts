// What splitting, merging and suggesting red house-yards share: the same request previews (with
// `"preview": true` it answers the areas it would create with their new codes, the codes it would
// retire, the lineage from old to new, and the impact, writing nothing) and commits (with a reason
// and the version of the area in its path as If-Match). This panel shows a preview — the new areas
// listed and drawn on the map in colours of their own, the retired codes, the lineage, the impact —
// and commits exactly what was previewed.
import { api, json } from '../api';
import { el } from '../dom';
import { CommitPanel } from './commit';
import { ImpactPanel } from './impact';
import { partColor, showPreview, type PreviewFeature } from './layers';
import type { PlannerContext } from './modes';
import { t } from './text';
import type { CreatedArea, Restructured } from './types';

export interface RestructureTarget {
  /** The request's path (…/split, …/merge, …/red_yards) and the version of the area it names. */
  path: string;
  version: number;
  /** What to say once committed (a function, so it is said again in the other language). */
  done(answer: Restructured): () => string;
  /** Which child to pick after the commit (the first of these that is one). */
  select(answer: Restructured): string[];
  /** How a created area is labelled on the map. */
  label(area: CreatedArea, households: number | null): string;
  /** More outlines drawn with the preview (the siblings a merge takes in). */
  extra?(): PreviewFeature[];
}

/** Households of `code` after the change, as the preview's impact counts them (null: not shown). */
export function householdsAfter(answer: Restructured, code: string): number | null {
  const i = answer.impact;
  return i.areas.find((a) => a.code === code)?.after?.households
    ?? i.after?.children.find((c) => c.code === code)?.households ?? null;
}

export class RestructurePanel {
  readonly box = el('div', undefined, 'restructure');
  private readonly list = el('div', undefined, 'preview-list');
  private readonly impactTitle = el('h3');
  private readonly impactBox = el('div', undefined, 'impact');
  private readonly impact: ImpactPanel;
  private readonly commit: CommitPanel;
  private body: Record<string, unknown> | null = null;
  private answer: Restructured | null = null;
  private error: string | null = null;
  private seq = 0;

  constructor(private readonly ctx: PlannerContext, private readonly target: RestructureTarget) {
    this.box.id = 'planner-preview';
    this.list.id = 'planner-preview-list';
    this.impactBox.id = 'planner-impact';
    this.impact = new ImpactPanel(this.impactBox, ctx.failed);
    this.commit = new CommitPanel(el('div', undefined, 'commit'), {
      send: (reason, force) => this.send(reason, force),
      reload: () => void ctx.reload(),
    });
    this.box.append(this.list, this.impactTitle, this.impactBox, this.commit.box);
    this.box.dataset.state = 'idle';
    this.render();
  }

  /** Previews `body` (without `preview`, `reason` or `force`); null clears the preview. */
  async preview(body: Record<string, unknown> | null) {
    const seq = ++this.seq;
    this.body = null;
    this.answer = null;
    this.error = null;
    this.commit.setReady(false);
    if (!body) {
      this.impact.clear();
      this.box.dataset.state = 'idle';
      this.render();
      this.draw();
      return;
    }
    this.box.dataset.state = 'pending';
    this.impact.waiting();
    this.render();
    this.draw();
    try {
      const answer = await api<Restructured>(this.target.path, json('POST', { ...body, preview: true }));
      if (seq !== this.seq) return; // a newer preview is on its way
      this.body = body;
      this.answer = answer;
      this.impact.show(answer.impact);
      this.commit.setReady(true);
      this.box.dataset.state = 'ready';
    } catch (e) {
      if (seq !== this.seq) return;
      // Refusals of the preview (a line that does not cross the area, areas that share no border)
      // are said here, where the planner is looking.
      this.error = e instanceof Error ? e.message : String(e);
      this.impact.clear();
      this.box.dataset.state = 'failed';
    }
    this.render();
    this.draw();
  }

  /** Redraws the preview on the map (after the mode changed its own outlines). */
  draw() {
    const a = this.answer;
    const parts: PreviewFeature[] = (a?.created ?? []).map((c, i) => ({
      code: c.code, geometry: c.geometry, color: partColor(i), kind: 'part',
      label: this.target.label(c, householdsAfter(a!, c.code)),
    }));
    showPreview(this.ctx.map, [...(this.target.extra?.() ?? []), ...parts]);
  }

  stop() {
    this.seq++;
    this.impact.clear();
    showPreview(this.ctx.map, []);
  }

  render() {
    this.impactTitle.textContent = t('p_impact');
    this.impactTitle.hidden = this.box.dataset.state === 'idle' || this.box.dataset.state === 'failed';
    this.impact.render();
    this.commit.render();
    const box = this.list;
    box.replaceChildren();
    if (this.error) {
      const e = el('div', this.error, 'preview-error');
      e.setAttribute('role', 'alert');
      box.append(e);
    }
    const a = this.answer;
    if (!a) return;
    box.append(el('h3', t('p_created')));
    const created = el('ul', undefined, 'created');
    created.id = 'planner-created';
    a.created.forEach((c, i) => {
      const households = householdsAfter(a, c.code);
      const li = el('li');
      li.dataset.code = c.code;
      if (households !== null) li.dataset.households = String(households);
      if (c.leader_name) li.dataset.leader = c.leader_name;
      const center = c.properties?.center_household;
      if (typeof center === 'string') li.dataset.center = center;
      const chip = el('span', undefined, 'chip');
      chip.style.borderColor = partColor(i);
      const bits = [`${c.code} ${c.name}`];
      if (c.leader_name) bits.push(`${t('p_leader')} ${c.leader_name}${typeof center === 'string' ? `（${center}）` : ''}`);
      if (households !== null) bits.push(`${households} ${t('p_hh')}`);
      li.append(chip, el('span', bits.join(' · ')));
      created.append(li);
    });
    box.append(created);
    const retired = el('div', `${t('p_retiredCodes')}：${a.retired.join('，') || t('p_none')}`, 'retired');
    retired.id = 'planner-retired';
    retired.dataset.codes = a.retired.join(',');
    box.append(retired);
    // The lineage, one line per retired area: what takes its place.
    const lineage = el('ul', undefined, 'lineage');
    lineage.id = 'planner-preview-lineage';
    const by = new Map<string, string[]>();
    for (const l of a.lineage) by.set(l.predecessor, [...(by.get(l.predecessor) ?? []), l.successor]);
    for (const [p, ss] of by) {
      const li = el('li', `${p} → ${ss.join('，')}`);
      li.dataset.predecessor = p;
      li.dataset.successors = ss.join(',');
      lineage.append(li);
    }
    if (by.size > 0) box.append(el('h3', t('p_lineage')), lineage);
  }

  private async send(reason: string, force: boolean) {
    if (!this.body) return;
    const body: Record<string, unknown> = { ...this.body, reason };
    if (force) body.force = true;
    const answer = await api<Restructured>(this.target.path, json('POST', body, { 'If-Match': `"${this.target.version}"` }));
    await this.ctx.changed(this.target.done(answer), { changeId: answer.change_id, select: this.target.select(answer) });
  }
}
