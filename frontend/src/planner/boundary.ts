// The "edit boundary" mode: the picked child's outline becomes editable on the map; every change is
// proposed to the server (debounced) and its impact shown; the change is committed with a reason
// and the version the outline was read at (If-Match), so nobody's later change is overwritten.
// A vertex dragged where other siblings have one too (inside the parent, not on its outline) takes
// theirs along (shared.ts): the draft
// then proposes all their outlines together, and the commit is the batch commit of the siblings,
// each with the version it was drawn on.
import { request, json } from '../api';
import { el } from '../dom';
import { CommitPanel } from './commit';
import { Editor } from './editor';
import { ImpactPanel, type Drawn } from './impact';
import { showPreview } from './layers';
import type { PlannerContext, PlannerMode } from './modes';
import { SharedVertices } from './shared';
import { t } from './text';
import type { Committed, Outline } from './types';

const MOVED_COLOR = '#ff6f00';

export class BoundaryMode implements PlannerMode {
  readonly id = 'edit';
  readonly label = 'p_mode_edit';
  private editor: Editor | null = null;
  private impact: ImpactPanel | null = null;
  private commit: CommitPanel | null = null;
  private hint: HTMLElement | null = null;
  private impactTitle: HTMLElement | null = null;
  private discard: HTMLButtonElement | null = null;
  private shared: HTMLElement | null = null;
  private outline: Outline | null = null;
  /** Siblings whose vertices moved with the outline's, with their new outlines. */
  private siblings: { code: string; geometry: Outline }[] = [];
  private ctx: PlannerContext | null = null;

  available(ctx: PlannerContext) {
    return ctx.selected !== null && ctx.mayEdit(ctx.selected);
  }

  start(ctx: PlannerContext) {
    const area = ctx.selected;
    if (!area) return;
    this.ctx = ctx;
    this.outline = null;
    this.siblings = [];
    this.hint = el('p', undefined, 'hint');
    this.discard = el('button', '') as HTMLButtonElement;
    this.discard.type = 'button';
    this.discard.id = 'planner-discard';
    this.discard.addEventListener('click', () => void ctx.reload());
    this.shared = el('div', undefined, 'hint shared');
    this.shared.id = 'planner-shared';
    this.impactTitle = el('h3');
    const impactBox = el('div', undefined, 'impact');
    impactBox.id = 'planner-impact';
    this.impact = new ImpactPanel(impactBox, ctx.failed);
    this.commit = new CommitPanel(el('div', undefined, 'commit'), {
      send: async (reason, force) => {
        if (!this.outline) return;
        const answer = await this.send(ctx, this.outline, reason, force);
        const version = answer.areas.find((a) => a.code === area.code)?.version ?? null;
        await ctx.changed(() => `${t('p_committed')} ${version ?? ''}`.trim(), { changeId: answer.change_id, select: [area.code] });
      },
      reload: () => void ctx.reload(),
    });
    ctx.panel.replaceChildren(this.hint, this.discard, this.shared, this.impactTitle, impactBox, this.commit.box);
    this.render();
    this.impact.propose(area.code, null);
    const others = ctx.children.filter((c) => c.code !== area.code);
    const shared = new SharedVertices(others, ctx.parent.geometry);
    const neighbours = [ctx.parent.geometry, ...others.map((c) => c.geometry)];
    this.editor = new Editor(ctx.map, (outline, moved) => {
      if (moved) shared.move(moved[0], moved[1]);
      if (!outline) shared.reset();
      this.outline = outline;
      this.siblings = outline ? shared.outlines() : [];
      const drawn: Drawn | null = !outline ? null : this.siblings.length === 0 ? { geometry: outline }
        : { areas: [{ code: area.code, geometry: outline }, ...this.siblings] };
      showPreview(ctx.map, this.siblings.map((s) => ({ code: s.code, geometry: s.geometry, color: MOVED_COLOR, kind: 'moved' as const })));
      this.renderShared();
      this.impact?.propose(area.code, drawn);
      this.commit?.setReady(outline !== null);
    });
    try {
      this.editor.start(area.geometry, neighbours);
    } catch (e) {
      ctx.failed(e);
    }
  }

  /** Commits the outline: alone (the server moves the borders it shares), or with the siblings
   * whose vertices moved with it, in one batch. */
  private async send(ctx: PlannerContext, outline: Outline, reason: string, force: boolean): Promise<Committed> {
    const area = ctx.selected!;
    const extra: Record<string, unknown> = force ? { force: true } : {};
    if (this.siblings.length === 0) {
      return (await request<Committed>(`api/v1/areas/${encodeURIComponent(area.code)}`,
        json('PUT', { reason, geometry: outline, ...extra }, { 'If-Match': `"${area.version}"` }))).body;
    }
    const version = (code: string) => ctx.children.find((c) => c.code === code)?.version;
    const areas = [{ code: area.code, version: area.version, geometry: outline },
      ...this.siblings.map((s) => ({ code: s.code, version: version(s.code), geometry: s.geometry }))];
    return (await request<Committed>(`api/v1/areas/${encodeURIComponent(ctx.parent.code)}/children`,
      json('PUT', { areas, reason, ...extra }))).body;
  }

  private renderShared() {
    if (!this.shared) return;
    const codes = this.siblings.map((s) => s.code);
    this.shared.dataset.codes = codes.join(',');
    this.shared.hidden = codes.length === 0;
    this.shared.textContent = codes.length === 0 ? '' : `${t('p_sharedMoved')}：${codes.join('，')}`;
  }

  stop() {
    this.editor?.stop();
    this.impact?.clear();
    if (this.ctx) showPreview(this.ctx.map, []);
    this.editor = null;
    this.impact = null;
    this.commit = null;
    this.outline = null;
    this.siblings = [];
    this.ctx = null;
  }

  render() {
    if (this.hint) this.hint.textContent = t('p_editHint');
    if (this.discard) this.discard.textContent = t('p_discard');
    if (this.impactTitle) this.impactTitle.textContent = t('p_impact');
    this.renderShared();
    this.impact?.render();
    this.commit?.render();
  }
}
