// The tabs above the panel: the map (dispatch, search, statistics) and the views that register
// here (the planner, coverage). One view is shown at a time; `body[data-view]` says which.
import { $ } from './dom';

export interface View { show(): void; hide(): void }
const views = new Map<string, View | null>([['map', null]]);

function panel(name: string) { return $(name === 'map' ? 'map-view' : name); }

export function switchTo(name: string) {
  const current = document.body.dataset.view ?? 'map';
  if (current === name || !views.has(name)) return;
  views.get(current)?.hide();
  for (const n of views.keys()) {
    panel(n).hidden = n !== name;
    $(`tab-${n}`).classList.toggle('active', n === name);
  }
  document.body.dataset.view = name;
  views.get(name)?.show();
}

/** Offers the tab `tab-<name>` showing the panel `#<name>`. */
export function addTab(name: string, view: View) {
  views.set(name, view);
  $('tabs').hidden = false;
  $(`tab-${name}`).hidden = false;
  document.body.dataset.view ??= 'map';
}

$('tab-map').addEventListener('click', () => switchTo('map'));
for (const b of document.querySelectorAll<HTMLButtonElement>('#tabs button[id^="tab-"]')) {
  const name = b.id.slice(4);
  if (name !== 'map') b.addEventListener('click', () => switchTo(name));
}
