// Committing a change with a required reason. A 412 (someone else changed the area since it was
// read) offers a reload; a 409 with topology problems lists them and offers "commit anyway"; any
// other refusal is shown as the server words it.
import { ApiError } from '../api';
import { el } from '../dom';
import { describeProblem, t } from './text';
import type { Problem } from './types';

export interface CommitActions {
  /** Sends the change; resolves with what to say when done. */
  send(reason: string, force: boolean): Promise<void>;
  reload(): void;
}

export class CommitPanel {
  private readonly reason = document.createElement('textarea');
  private readonly go = el('button', '', 'primary') as HTMLButtonElement;
  private readonly force = el('button', '') as HTMLButtonElement;
  private readonly reloadButton = el('button', '') as HTMLButtonElement;
  private readonly msg = el('div', undefined, 'commit-msg');
  private readonly label = el('label');
  private ready = false;
  private busy = false;
  private lastMessage: (() => void) | null = null;

  constructor(readonly box: HTMLElement, private readonly actions: CommitActions) {
    box.id = 'planner-commit';
    this.reason.id = 'planner-reason';
    this.reason.rows = 2;
    this.reason.maxLength = 500;
    this.go.id = 'planner-commit-go';
    this.force.id = 'planner-force';
    this.reloadButton.id = 'planner-reload';
    this.msg.id = 'planner-commit-msg';
    this.msg.setAttribute('role', 'alert');
    for (const b of [this.go, this.force, this.reloadButton]) b.type = 'button';
    this.go.addEventListener('click', () => void this.commit(false));
    this.force.addEventListener('click', () => void this.commit(true));
    this.reloadButton.addEventListener('click', () => this.actions.reload());
    this.reason.addEventListener('input', () => this.update());
    box.append(this.label, this.reason, el('div', undefined, 'buttons'), this.msg);
    box.querySelector('.buttons')!.append(this.go, this.force, this.reloadButton);
    this.clearMessage();
    this.render();
  }

  /** Whether there is a change to commit. */
  setReady(ready: boolean) {
    this.ready = ready;
    this.clearMessage();
    this.update();
  }

  render() {
    this.label.textContent = t('p_reason');
    this.go.textContent = t('p_commit');
    this.force.textContent = t('p_force');
    this.reloadButton.textContent = t('p_reload');
    this.lastMessage?.();
  }

  private update() {
    this.go.disabled = !this.ready || this.busy;
    this.force.disabled = this.busy;
  }

  private clearMessage() {
    this.lastMessage = null;
    this.msg.replaceChildren();
    this.msg.hidden = true;
    delete this.msg.dataset.kind;
    this.force.hidden = true;
    this.reloadButton.hidden = true;
  }

  private say(kind: string, write: () => void) {
    this.lastMessage = () => { this.msg.replaceChildren(); write(); };
    this.msg.dataset.kind = kind;
    this.msg.hidden = false;
    this.lastMessage();
  }

  private async commit(force: boolean) {
    const reason = this.reason.value.trim();
    this.clearMessage();
    if (!reason) {
      this.say('reason', () => this.msg.append(el('span', t('p_needReason'))));
      this.reason.focus();
      return;
    }
    this.busy = true;
    this.update();
    try {
      await this.actions.send(reason, force);
    } catch (e) {
      this.refused(e);
    } finally {
      this.busy = false;
      this.update();
    }
  }

  private refused(e: unknown) {
    if (e instanceof ApiError && e.status === 412) {
      this.say('stale', () => this.msg.append(el('span', t('p_stale'))));
      this.reloadButton.hidden = false;
    } else if (e instanceof ApiError && e.status === 409 && e.code === 'topology_problems') {
      const problems = ((e.details as { new_problems?: Problem[] } | null)?.new_problems ?? []);
      this.say('conflict', () => {
        this.msg.append(el('span', t('p_conflict')));
        const ul = el('ul');
        for (const p of problems) {
          const li = el('li', describeProblem(p));
          li.dataset.kind = p.kind;
          ul.append(li);
        }
        this.msg.append(ul);
      });
      this.force.hidden = false;
    } else {
      const text = e instanceof Error ? e.message : String(e);
      this.say('error', () => this.msg.append(el('span', text)));
    }
  }
}
