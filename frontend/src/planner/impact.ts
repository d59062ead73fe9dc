// The impact panel: what a change would do — households that move from which area to which, counts
// before and after per affected area (new and retired ones marked), new and solved problems, and
// whether it would block a commit. It renders an impact it is given (split, merge and red
// house-yard previews answer one), or one it asks for itself: while an outline is being edited the
// drawing is proposed to the server a moment after it stops changing (POST
// /api/v1/areas/{code}/proposals as a draft, `keep: false`: nothing is written or kept).
import { api, json } from '../api';
import { el } from '../dom';
import { describeProblem, m2, t } from './text';
import type { Counts, Impact, Outline, Proposal } from './types';

export const DEBOUNCE_MS = 400;

/** What a draft proposes: one area's new outline, or several siblings' (a vertex they share moved). */
export type Drawn = { geometry: Outline } | { areas: { code: string; geometry: Outline }[] };

export class ImpactPanel {
  private timer: number | undefined;
  private seq = 0;
  private shown: Impact | null = null;

  constructor(private readonly box: HTMLElement, private readonly failed: (e: unknown) => void) {}

  get impact() { return this.shown; }

  /** Proposes `drawn` (through the area `code`) once the drawing has been still for a moment; null
   * says the drawing is unchanged. */
  propose(code: string, drawn: Drawn | null) {
    window.clearTimeout(this.timer);
    const seq = ++this.seq;
    if (!drawn) {
      this.shown = null;
      this.state('unchanged');
      this.render();
      return;
    }
    this.state('pending');
    this.timer = window.setTimeout(async () => {
      this.box.replaceChildren(el('p', t('p_computing'), 'hint'));
      try {
        const p = await api<Proposal>(`api/v1/areas/${encodeURIComponent(code)}/proposals`,
          json('POST', { title: `draft ${seq}`, ...drawn, keep: false }));
        if (seq !== this.seq) return; // a newer drawing is on its way
        this.shown = p.impact;
        this.render();
        // Drafts are not kept: the title names which drawing this impact is of.
        this.box.dataset.proposal = `draft ${seq}`;
        this.state('ready');
      } catch (e) {
        if (seq !== this.seq) return;
        this.shown = null;
        this.box.replaceChildren();
        this.state('failed');
        this.failed(e);
      }
    }, DEBOUNCE_MS);
  }

  /** Shows `impact`, computed elsewhere (a preview's); any draft on its way is dropped. */
  show(impact: Impact) {
    window.clearTimeout(this.timer);
    this.seq++;
    this.shown = impact;
    this.render();
    this.state('ready');
  }

  /** Says an impact is being computed elsewhere. */
  waiting() {
    window.clearTimeout(this.timer);
    this.seq++;
    this.shown = null;
    this.box.replaceChildren(el('p', t('p_computing'), 'hint'));
    this.state('pending');
  }

  clear() {
    window.clearTimeout(this.timer);
    this.seq++;
    this.shown = null;
    this.box.replaceChildren();
    this.state('idle');
  }

  private state(s: string) {
    this.box.dataset.state = s;
  }

  /** Writes the impact shown (again, after a language change). */
  render() {
    const i = this.shown;
    if (!i) {
      if (this.box.dataset.state === 'unchanged') this.box.replaceChildren(el('p', t('p_noChange'), 'hint'));
      return;
    }
    const box = this.box;
    box.replaceChildren();
    const verdict = el('p', t(i.blocking ? 'p_blocking' : 'p_fine'), i.blocking ? 'verdict blocking' : 'verdict fine');
    verdict.dataset.blocking = String(i.blocking);
    box.append(verdict);

    const moved = i.households_moved ?? i.moves.households.length;
    box.append(el('h3', `${t('p_moves')}（${moved}）`));
    const moves = el('ul', undefined, 'moves');
    moves.id = 'planner-moves';
    for (const m of i.moves.households) {
      const li = el('li', `${m.code}：${m.from ?? '—'} → ${m.to ?? '—'}`);
      li.dataset.code = m.code;
      li.dataset.from = m.from ?? '';
      li.dataset.to = m.to ?? '';
      moves.append(li);
    }
    if (i.moves.households.length === 0) moves.append(el('li', t('p_none'), 'hint'));
    box.append(moves);
    if (i.moves.buildings.length > 0) box.append(el('div', `${t('p_buildingsMoved')}：${i.moves.buildings.length}`));
    if (i.moves.stations.length > 0) {
      box.append(el('div', `${t('p_stationsMoved')}：${i.moves.stations.map((s) => `${s.code} ${s.from ?? '—'} → ${s.to ?? '—'}`).join('；')}`));
    }

    box.append(el('h3', t('p_counts')));
    const table = el('table', undefined, 'counts');
    table.id = 'planner-counts';
    const head = el('tr');
    for (const h of ['', t('hh'), t('people'), t('bld')]) head.append(el('th', h));
    table.append(head);
    const pair = (b: Counts | null, a: Counts | null, k: keyof Counts) => `${b?.[k] ?? '—'} → ${a?.[k] ?? '—'}`;
    for (const a of i.areas) {
      const tr = el('tr');
      tr.dataset.code = a.code;
      if (a.status) tr.dataset.status = a.status;
      const leader = a.leader_name ? ` · ${a.leader_name}` : '';
      const status = a.status === 'created' || a.status === 'retired' ? ` ${t(`p_status_${a.status}`)}` : '';
      tr.append(el('td', `${a.name ?? ''}（${a.code}）${leader}${status}`), el('td', pair(a.before, a.after, 'households')),
        el('td', pair(a.before, a.after, 'people')), el('td', pair(a.before, a.after, 'buildings')));
      table.append(tr);
    }
    box.append(table);

    const problems = (title: string, list: Impact['new_problems'], id: string) => {
      if (list.length === 0) return;
      box.append(el('h3', title));
      const ul = el('ul');
      ul.id = id;
      for (const p of list) {
        const li = el('li', describeProblem(p));
        li.dataset.kind = p.kind;
        ul.append(li);
      }
      box.append(ul);
    };
    problems(t('p_newProblems'), i.new_problems, 'planner-new-problems');
    problems(t('p_solved'), i.solved_problems, 'planner-solved-problems');
    if (i.center_links_split.length > 0) {
      box.append(el('div', `${t('p_linksSplit')}：${i.center_links_split.map((l) => `${l.center}—${l.household}`).join('，')}`));
    }
    const adj = i.adjustments;
    if (adj && adj.neighbours_moved.length > 0) box.append(el('div', `${t('p_neighbours')}：${adj.neighbours_moved.join('，')}`, 'hint'));
    if (adj && adj.clipped.length > 0) {
      box.append(el('div', `${t('p_clipped')}：${adj.clipped.map((c) => `${c.code} ${m2(c.area_m2)}`).join('，')}`, 'hint'));
    }
  }
}
