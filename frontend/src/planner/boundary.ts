// The "edit boundary" mode: the picked child's outline becomes editable on the map; every change is
// proposed to the server (debounced) and its impact shown; the change is committed with a reason
// and the version the outline was read at (If-Match), so nobody's later change is overwritten.
import { request, json } from '../api';
import { el } from '../dom';
import { CommitPanel } from './commit';
import { Editor } from './editor';
import { ImpactPanel } from './impact';
import type { PlannerContext, PlannerMode } from './modes';
import { t } from './text';
import type { Outline } from './types';

interface Committed { areas: { code: string; version: number | null }[] }

export class BoundaryMode implements PlannerMode {
  readonly id = 'edit';
  readonly label = 'p_mode_edit';
  private editor: Editor | null = null;
  private impact: ImpactPanel | null = null;
  private commit: CommitPanel | null = null;
  private hint: HTMLElement | null = null;
  private impactTitle: HTMLElement | null = null;
  private discard: HTMLButtonElement | null = null;
  private outline: Outline | null = null;

  available(ctx: PlannerContext) {
    return ctx.selected !== null && ctx.mayEdit(ctx.selected);
  }

  start(ctx: PlannerContext) {
    const area = ctx.selected;
    if (!area) return;
    this.outline = null;
    this.hint = el('p', undefined, 'hint');
    this.discard = el('button', '') as HTMLButtonElement;
    this.discard.type = 'button';
    this.discard.id = 'planner-discard';
    this.discard.addEventListener('click', () => void ctx.reload());
    this.impactTitle = el('h3');
    const impactBox = el('div', undefined, 'impact');
    impactBox.id = 'planner-impact';
    this.impact = new ImpactPanel(impactBox, ctx.failed);
    this.commit = new CommitPanel(el('div', undefined, 'commit'), {
      send: async (reason, force) => {
        if (!this.outline) return;
        const body: Record<string, unknown> = { reason, geometry: this.outline };
        if (force) body.force = true;
        const answer = await request<Committed>(`api/v1/areas/${encodeURIComponent(area.code)}`,
          json('PUT', body, { 'If-Match': `"${area.version}"` }));
        const version = answer.body.areas.find((a) => a.code === area.code)?.version ?? null;
        await ctx.changed(() => `${t('p_committed')} ${version ?? ''}`.trim());
      },
      reload: () => void ctx.reload(),
    });
    ctx.panel.replaceChildren(this.hint, this.discard, this.impactTitle, impactBox, this.commit.box);
    this.render();
    this.impact.propose(area.code, null);
    const neighbours = [ctx.parent.geometry, ...ctx.children.filter((c) => c.code !== area.code).map((c) => c.geometry)];
    this.editor = new Editor(ctx.map, (outline) => {
      this.outline = outline;
      this.impact?.propose(area.code, outline);
      this.commit?.setReady(outline !== null);
    });
    try {
      this.editor.start(area.geometry, neighbours);
    } catch (e) {
      ctx.failed(e);
    }
  }

  stop() {
    this.editor?.stop();
    this.impact?.clear();
    this.editor = null;
    this.impact = null;
    this.commit = null;
    this.outline = null;
  }

  render() {
    if (this.hint) this.hint.textContent = t('p_editHint');
    if (this.discard) this.discard.textContent = t('p_discard');
    if (this.impactTitle) this.impactTitle.textContent = t('p_impact');
    this.impact?.render();
    this.commit?.render();
  }
}
