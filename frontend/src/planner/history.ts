// The history of the picked area: every version with who, when and why; restoring an earlier one
// (with a reason; the server undoes every change since, with the neighbours those changes moved);
// reverting the one change that wrote a version (a redraw, split, merge or red house-yard
// suggestion: the areas it retired come back under their codes); and the lineage — the areas it
// was split or merged from, and those it became — each opening its own history here, retired
// codes included.
import { api, ApiError, json } from '../api';
import { el } from '../dom';
import { zh } from '../i18n';
import { t } from './text';
import type { Committed, History, Reverted } from './types';

export interface HistoryActions {
  /** Whether the picked area may be restored (the planner may redraw it). */
  mayRestore(): boolean;
  /** Whether changes may be reverted here (the server checks every area the change wrote). */
  mayRevert(): boolean;
  /** A version was restored: the answer's new version of the area, and the change that did it. */
  restored(version: number | null, changeId: string | null): Promise<void>;
  /** A change was reverted. */
  reverted(answer: Reverted): Promise<void>;
}

type Form = { version: number; kind: 'restore' | 'revert' };

export class HistoryPanel {
  /** The picked area's code; the panel may show another area's history reached through lineage. */
  private home: string | null = null;
  private shown: History | null = null;
  private open: Form | null = null;
  private draft = '';
  private message: { version: number; text: string; kind: string } | null = null;
  private seq = 0;

  constructor(private readonly head: HTMLElement, private readonly list: HTMLElement, private readonly actions: HistoryActions) {}

  /** Shows the history of the picked area `code` (none: null). */
  async load(code: string | null) {
    this.home = code;
    await this.show(code);
  }

  /** Shows the history of `code`: the picked area's, or one reached through its lineage. */
  private async show(code: string | null) {
    const seq = ++this.seq;
    this.open = null;
    this.draft = '';
    this.message = null;
    this.shown = null;
    this.head.replaceChildren();
    this.list.replaceChildren();
    delete this.list.dataset.code;
    if (!code) return;
    const h = await api<History>(`api/v1/areas/${encodeURIComponent(code)}/history`);
    if (seq !== this.seq) return;
    this.shown = h;
    this.render();
    this.list.dataset.code = h.code;
  }

  render() {
    const h = this.shown;
    this.head.replaceChildren();
    this.list.replaceChildren();
    if (!h) return;
    this.renderHead(h);
    for (const v of h.versions) {
      const li = el('li');
      li.dataset.version = String(v.version);
      if (v.change_id) li.dataset.change = v.change_id;
      const when = v.changed_at ? new Date(v.changed_at).toLocaleString(zh() ? 'zh-CN' : 'en-GB') : '—';
      const head = el('div', `${t('p_version')} ${v.version}${v.version === h.version ? `（${t('p_current')}）` : ''}`, 'version');
      li.append(head, el('div', `${when} · ${v.changed_by ?? '—'}`, 'who'), el('div', v.reason ?? '—', 'why'));
      const restorable = h.version !== null && v.version < h.version && h.code === this.home && this.actions.mayRestore();
      const revertible = v.change_id !== null && this.actions.mayRevert();
      if (this.open?.version === v.version) li.append(this.form(h, this.open, v.change_id));
      else if (restorable || revertible) {
        const buttons = el('div', undefined, 'buttons');
        const button = (kind: Form['kind'], label: string) => {
          const b = el('button', t(label), kind) as HTMLButtonElement;
          b.type = 'button';
          b.addEventListener('click', () => { this.open = { version: v.version, kind }; this.message = null; this.draft = ''; this.render(); });
          buttons.append(b);
        };
        if (restorable) button('restore', 'p_restore');
        if (revertible) button('revert', 'p_revert');
        li.append(buttons);
      }
      if (this.message?.version === v.version) {
        const m = el('div', this.message.text, 'restore-msg');
        m.dataset.kind = this.message.kind;
        m.setAttribute('role', 'alert');
        li.append(m);
      }
      this.list.append(li);
    }
  }

  /** Whose history this is (when not the picked area's), and its lineage as links. */
  private renderHead(h: History) {
    if (h.code !== this.home || h.retired) {
      const of = el('div', `${t('p_historyOf')} ${h.code}${h.retired ? `（${t('p_retired')}）` : ''}`, 'history-of');
      of.id = 'planner-history-of';
      of.dataset.retired = String(h.retired ?? false);
      this.head.append(of);
      if (this.home && h.code !== this.home) {
        const back = el('button', `← ${this.home}`, 'link') as HTMLButtonElement;
        back.type = 'button';
        back.id = 'planner-history-back';
        back.addEventListener('click', () => void this.show(this.home).catch(this.failed));
        of.append(' ', back);
      }
    }
    const links = h.lineage ?? [];
    const unique = (codes: string[]) => [...new Set(codes)];
    const from = unique(links.filter((l) => l.successor === h.code).map((l) => l.predecessor));
    const into = unique(links.filter((l) => l.predecessor === h.code).map((l) => l.successor));
    if (from.length + into.length === 0) return;
    const box = el('div', undefined, 'lineage');
    box.id = 'planner-lineage';
    const row = (codes: string[], label: string, cls: string) => {
      if (codes.length === 0) return;
      const div = el('div', `${t(label)}：`, cls);
      for (const code of codes) {
        const a = el('button', code, 'link lineage-link') as HTMLButtonElement;
        a.type = 'button';
        a.dataset.code = code;
        a.addEventListener('click', () => void this.show(code).catch(this.failed));
        div.append(a, ' ');
      }
      box.append(div);
    };
    row(from, 'p_predecessors', 'predecessors');
    row(into, 'p_successors', 'successors');
    this.head.append(box);
  }

  private readonly failed = (e: unknown) => {
    this.head.append(el('div', e instanceof Error ? e.message : String(e), 'restore-msg'));
  };

  /** The reason form of a restore or a revert, and what it sends. */
  private form(h: History, open: Form, changeId: string | null): HTMLElement {
    const form = el('form', undefined, `${open.kind}-form restore-form`) as HTMLFormElement;
    const reason = document.createElement('input');
    reason.className = `${open.kind}-reason`;
    reason.placeholder = t(open.kind === 'restore' ? 'p_restoreReason' : 'p_revertReason');
    reason.maxLength = 500;
    reason.required = true;
    reason.value = this.draft;
    reason.addEventListener('input', () => { this.draft = reason.value; });
    const go = el('button', t(open.kind === 'restore' ? 'p_restoreGo' : 'p_revertGo'), `${open.kind}-go`) as HTMLButtonElement;
    go.type = 'submit';
    const cancel = el('button', t('p_cancel'), 'cancel') as HTMLButtonElement;
    cancel.type = 'button';
    cancel.addEventListener('click', () => { this.open = null; this.render(); });
    form.append(reason, go, cancel);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const why = reason.value.trim();
      if (!why) return;
      go.disabled = true;
      try {
        if (open.kind === 'restore') {
          const answer = await api<Committed>(`api/v1/areas/${encodeURIComponent(h.code)}/restore`,
            json('POST', { version: open.version, reason: why }, { 'If-Match': `"${h.version}"` }));
          await this.actions.restored(answer.areas.find((a) => a.code === h.code)?.version ?? null, answer.change_id ?? null);
        } else if (changeId) {
          const answer = await api<Reverted>(`api/v1/changes/${encodeURIComponent(changeId)}/revert`, json('POST', { reason: why }));
          await this.actions.reverted(answer);
        }
      } catch (e) {
        const stale = e instanceof ApiError && e.status === 412;
        const since = e instanceof ApiError && e.status === 409;
        const text = stale ? t('p_stale') : since ? `${t('p_changedSince')}（${e.message}）` : e instanceof Error ? e.message : String(e);
        this.message = { version: open.version, text, kind: stale ? 'stale' : since ? 'changed_since' : 'error' };
        go.disabled = false;
        this.render();
      }
    });
    queueMicrotask(() => reason.focus());
    return form;
  }
}
