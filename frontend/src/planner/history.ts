// The history of the picked area: every version with who, when and why, and restoring an earlier
// one (with a reason; the server undoes every change since, with the neighbours those changes moved).
import { api, ApiError, json } from '../api';
import { el } from '../dom';
import { zh } from '../i18n';
import { t } from './text';
import type { History } from './types';

export interface HistoryActions {
  mayRestore(): boolean;
  /** A version was restored: the answer's new version of the area. */
  restored(version: number | null): Promise<void>;
}

export class HistoryPanel {
  private shown: History | null = null;
  private open: number | null = null;
  private draft = '';
  private message: { version: number; text: string; kind: string } | null = null;

  constructor(private readonly list: HTMLElement, private readonly actions: HistoryActions) {}

  async load(code: string | null) {
    this.open = null;
    this.draft = '';
    this.message = null;
    this.shown = null;
    this.list.replaceChildren();
    if (!code) return;
    const h = await api<History>(`api/v1/areas/${encodeURIComponent(code)}/history`);
    this.shown = h;
    this.render();
  }

  render() {
    const h = this.shown;
    this.list.replaceChildren();
    if (!h) return;
    for (const v of h.versions) {
      const li = el('li');
      li.dataset.version = String(v.version);
      const when = v.changed_at ? new Date(v.changed_at).toLocaleString(zh() ? 'zh-CN' : 'en-GB') : '—';
      const head = el('div', `${t('p_version')} ${v.version}${v.version === h.version ? `（${t('p_current')}）` : ''}`, 'version');
      li.append(head, el('div', `${when} · ${v.changed_by ?? '—'}`, 'who'), el('div', v.reason ?? '—', 'why'));
      if (v.version < h.version && this.actions.mayRestore()) {
        if (this.open === v.version) li.append(this.restoreForm(h, v.version));
        else {
          const b = el('button', t('p_restore'), 'restore') as HTMLButtonElement;
          b.type = 'button';
          b.addEventListener('click', () => { this.open = v.version; this.message = null; this.render(); });
          li.append(b);
        }
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

  private restoreForm(h: History, version: number): HTMLElement {
    const form = el('form', undefined, 'restore-form') as HTMLFormElement;
    const reason = document.createElement('input');
    reason.className = 'restore-reason';
    reason.placeholder = t('p_restoreReason');
    reason.maxLength = 500;
    reason.required = true;
    reason.value = this.draft;
    reason.addEventListener('input', () => { this.draft = reason.value; });
    const go = el('button', t('p_restoreGo'), 'restore-go') as HTMLButtonElement;
    go.type = 'submit';
    form.append(reason, go);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const why = reason.value.trim();
      if (!why) return;
      go.disabled = true;
      try {
        const answer = await api<{ areas: { code: string; version: number | null }[] }>(
          `api/v1/areas/${encodeURIComponent(h.code)}/restore`,
          json('POST', { version, reason: why }, { 'If-Match': `"${h.version}"` }));
        await this.actions.restored(answer.areas.find((a) => a.code === h.code)?.version ?? null);
      } catch (e) {
        const text = e instanceof ApiError && e.status === 412 ? t('p_stale') : e instanceof Error ? e.message : String(e);
        this.message = { version, text, kind: e instanceof ApiError && e.status === 412 ? 'stale' : 'error' };
        go.disabled = false;
        this.render();
      }
    });
    queueMicrotask(() => reason.focus());
    return form;
  }
}
