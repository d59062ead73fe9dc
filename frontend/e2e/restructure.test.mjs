// End-to-end tests of the planner's split, merge and red house-yard modes, undo and revert, lineage
// in the history, and a vertex three grids share moved in all three; each checked against the API.
//
// The demo is deterministic. The planner is scoped to 庞公街道 (420602003): 南丽社区 (…001) and
// 四季青社区 (…011) have three grids each, the three of 四季青 meeting at one vertex; 文昌门社区 (…003)
// has two adjacent grids. In 李庙镇 (420624103, a second planner's scope) every grid of 李庙社区
// (…002) is tiled by red house-yards, each led by a center household.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { logIn, out, send, settle, sleep, startStack, tokenOf } from './harness.mjs';

const TOWNSHIP = '420602003';
const NANLI = '420602003001';
const WENCHANG = '420602003003';
const SIJIQING = '420602003011';
const LIMIAO = '420624103';
const LIMIAO_COMMUNITY = '420624103002';

let stack, page, base, admin;
const api = (method, path, body, headers, token = admin) => send(base, token, method, path, body, headers);
const get = async (path) => {
  const r = await api('GET', path);
  assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
  return r.body;
};
const status = async (path) => (await api('GET', path)).status;
const gridOf = async (household) => (await get(`/api/v1/households/${household}`)).areas.find((a) => a.level === 'grid')?.code;
const same = (a, b) => Math.abs(a[0] - b[0]) < 1e-9 && Math.abs(a[1] - b[1]) < 1e-9;
const rings = (g) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates).flat();
/** The code after the highest of `codes` (all under one parent, 3-digit sequence). */
const next = (codes, k = 1) => {
  const top = Math.max(...codes.map((c) => Number(c.slice(-3))));
  return `${codes[0].slice(0, -3)}${String(top + k).padStart(3, '0')}`;
};

before(async () => {
  stack = await startStack({ users: [['e2e-admin', 'admin'], ['e2e-planner', 'planner', TOWNSHIP], ['e2e-limiao', 'planner', LIMIAO]] });
  ({ page, base } = stack);
  admin = await tokenOf(base, 'e2e-admin');
});
after(async () => {
  await stack?.stop();
});

/** Logs `user` in on `tab` and opens the planner view at the account's scope. */
async function enterPlanner(tab, user, scope) {
  await tab.goto(base + '/');
  await logIn(tab, user);
  await tab.waitForFunction(() => document.body.dataset.mapLoaded === '1', null, { timeout: 30000 });
  await tab.click('#tab-planner');
  await tab.waitForFunction((c) => document.body.dataset.plannerArea === c, scope);
}

async function openArea(tab, code) {
  await tab.fill('#planner-code', code);
  await tab.click('#planner-open');
  await tab.waitForFunction((c) => document.body.dataset.plannerArea === c, code);
}

async function pick(tab, code) {
  await tab.click(`.planner-children li[data-code="${code}"]`);
  await tab.waitForFunction((c) => document.body.dataset.plannerSelected === c, code);
}

/** Screen position (page pixels) of a lon/lat on the map. */
async function screen(tab, p) {
  const box = await tab.locator('#map').boundingBox();
  const at = await tab.evaluate((q) => window.gridmap.project(q), p);
  return { x: box.x + at.x, y: box.y + at.y };
}

/** Request bodies the page sends to paths ending in `suffix` (with `method`), as they go. */
function watch(tab, method, suffix) {
  const seen = [];
  const on = (r) => { if (r.method() === method && r.url().endsWith(suffix)) seen.push(r.postDataJSON()); };
  tab.on('request', on);
  return { seen, stop: () => tab.off('request', on) };
}

/**
 * Commits what the mode shows with `reason` and waits until the view says `done`. A split, merge or
 * red house-yard suggestion keeps the tiling, so the server must take it without "commit anyway":
 * a refusal fails the test with the problems it listed.
 */
async function commit(tab, reason, done, shot) {
  await tab.fill('#planner-reason', reason);
  await tab.click('#planner-commit-go');
  await tab.waitForFunction((d) => document.getElementById('planner-status')?.textContent.startsWith(d)
    || document.getElementById('planner-commit-msg')?.dataset.kind === 'conflict', done, { timeout: 30000 });
  if (await tab.locator('#planner-commit-msg[data-kind="conflict"]').count() > 0) {
    await tab.screenshot({ path: join(out, `restructure-${shot}-conflict.png`) });
    const kinds = await tab.locator('#planner-commit-msg li').evaluateAll((lis) => lis.map((li) => li.textContent));
    assert.fail(`the commit was refused: ${kinds.join('; ')}`);
  }
}

/** Codes the preview lists, in order. */
const created = (tab) => tab.locator('#planner-created li[data-code]').evaluateAll((lis) => lis.map((li) => li.dataset.code));
/** Codes of the parts drawn on the map by the preview. */
const drawnParts = (tab) => tab.evaluate(() => [...new Set(window.gridmap.querySourceFeatures('planner-preview')
  .filter((f) => f.properties.kind === 'part').map((f) => f.properties.code))].sort());

test('a planner splits a grid along a line drawn with the mouse, commits, and undoes it', async () => {
  await enterPlanner(page, 'e2e-planner', TOWNSHIP);
  await openArea(page, NANLI);
  const grids = (await get(`/api/v1/areas/${NANLI}/children`)).children.map((c) => c.code);
  const grid = grids[0];
  const area = await get(`/api/v1/areas/${grid}`);
  const households = (await get(`/api/v1/households?area_code=${grid}&limit=1`)).total;
  assert.ok(households > 10, `${grid} has households: ${households}`);
  await pick(page, grid);
  await page.click('#planner-mode-split');
  assert.ok(await page.locator('#planner-split-line').isChecked(), 'drawing a line is the default');

  const parts2 = [next(grids), next(grids, 2)];
  const sent = watch(page, 'POST', `/api/v1/areas/${grid}/split`);

  // Into two parts balanced on households: previewed with the codes that would be issued.
  await page.click('#planner-split-parts');
  assert.ok(await page.locator('#planner-line-finish').isHidden());
  await page.fill('#planner-split-n', '2');
  await page.click('#planner-split-preview');
  await page.waitForSelector('#planner-preview[data-state="ready"]', { timeout: 20000 });
  assert.deepEqual(sent.seen.at(-1), { parts: 2, preview: true });
  assert.deepEqual((await created(page)).sort(), parts2);

  // Along a line west → east through the middle of the grid, from outside it to outside it: first
  // two points and the "finish line" button, then (redrawn) three points and a double-click.
  await page.click('#planner-split-line');
  await page.waitForSelector('#planner-preview[data-state="idle"]');
  const [w, s, e, n] = area.bbox;
  await page.evaluate((b) => window.gridmap.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 160, duration: 0 }), area.bbox);
  await settle(page);
  const mid = (s + n) / 2, wide = (e - w) * 0.12;
  const points = [[w - wide, mid], [(w + e) / 2, mid + (n - s) * 0.02], [e + wide, mid]];
  const [a, b, c] = await Promise.all(points.map((p) => screen(page, p)));
  const click = async (p, double = false) => {
    await page.mouse.move(p.x, p.y, { steps: 5 });
    await (double ? page.mouse.dblclick(p.x, p.y) : page.mouse.click(p.x, p.y));
    await sleep(150);
  };
  await click(a);
  await click(c);
  await page.click('#planner-line-finish');
  await page.waitForSelector('#planner-preview[data-state="ready"]', { timeout: 20000 });
  assert.equal(sent.seen.at(-1).line.coordinates.length, 2, JSON.stringify(sent.seen.at(-1)));
  await page.click('#planner-line-redraw');
  await page.waitForSelector('#planner-preview[data-state="idle"]');
  await click(a);
  await click(b);
  await click(c, true);
  await page.waitForSelector('#planner-preview[data-state="ready"]', { timeout: 20000 });
  sent.stop();
  const line = sent.seen.at(-1).line;
  assert.equal(sent.seen.at(-1).preview, true);
  assert.equal(line?.type, 'LineString', JSON.stringify(sent.seen));
  assert.equal(line.coordinates.length, 3, `three points clicked: ${JSON.stringify(line.coordinates)}`);
  assert.ok(line.coordinates[0][0] < w && line.coordinates[2][0] > e, 'the line crosses the grid');

  // Two parts, numbered after the community's highest grid code; both drawn on the map.
  const parts = await created(page);
  assert.deepEqual([...parts].sort(), parts2);
  await sleep(300);
  assert.deepEqual(await drawnParts(page), [...parts].sort());
  assert.equal(await page.locator('#planner-retired').getAttribute('data-codes'), grid);
  assert.deepEqual((await page.locator(`#planner-preview-lineage li[data-predecessor="${grid}"]`).getAttribute('data-successors')).split(',').sort(),
    [...parts].sort());
  const held = await page.locator('#planner-created li').evaluateAll((lis) => lis.map((li) => Number(li.dataset.households)));
  assert.equal(held[0] + held[1], households, `the parts hold the grid's households: ${held}`);
  assert.equal(await page.locator('#planner-counts tr[data-status="created"]').count(), 2);
  assert.equal(await page.locator('#planner-counts tr[data-status="retired"]').count(), 1);
  await page.screenshot({ path: join(out, 'restructure-split-preview.png') });
  // Nothing is written by a preview.
  assert.equal(await status(`/api/v1/areas/${grid}`), 200);
  assert.equal(await status(`/api/v1/areas/${parts[0]}`), 404);

  await commit(page, '新小区入住，网格一分为二', '已拆分为', 'split');
  assert.ok(await page.locator('#planner-undo').isVisible(), 'the message offers Undo');
  const history = await get(`/api/v1/areas/${grid}/history`);
  assert.equal(history.retired, true);
  assert.deepEqual(history.lineage.filter((l) => l.predecessor === grid).map((l) => l.successor).sort(), [...parts].sort());
  const counts = await Promise.all(parts.map(async (p) => (await get(`/api/v1/households?area_code=${p}&limit=1`)).total));
  assert.equal(counts[0] + counts[1], households, `households now lie in the new grids: ${counts}`);
  const [one] = (await get(`/api/v1/households?area_code=${parts[1]}&limit=1`)).results;
  assert.equal(await gridOf(one.code), parts[1]);
  // The view shows the new grids, one of them picked, its lineage in the history.
  await page.waitForSelector(`.planner-children li[data-code="${parts[0]}"]`);
  assert.ok(parts.includes(await page.evaluate(() => document.body.dataset.plannerSelected)));
  await page.waitForSelector(`#planner-lineage .predecessors button[data-code="${grid}"]`);
  await page.screenshot({ path: join(out, 'restructure-split-committed.png') });

  // Undo brings the old code back, with its households.
  await page.click('#planner-undo');
  await page.waitForFunction(() => document.getElementById('planner-status')?.textContent === '已撤销该修改');
  assert.equal(await status(`/api/v1/areas/${grid}`), 200);
  for (const p of parts) assert.equal(await status(`/api/v1/areas/${p}`), 404);
  assert.equal((await get(`/api/v1/areas/${grid}/history`)).retired, false);
  assert.equal(await gridOf(one.code), grid);
  assert.equal(await page.evaluate(() => document.body.dataset.plannerSelected), grid);
});

test('a planner merges two grids picked on the map, follows the lineage, and reverts the merge from the history', async () => {
  await openArea(page, WENCHANG);
  const [a, b] = (await get(`/api/v1/areas/${WENCHANG}/children`)).children.map((c) => c.code);
  await pick(page, a);
  await page.click('#planner-mode-merge');
  assert.equal(await page.locator(`#planner-merge-list li[data-code="${b}"]`).getAttribute('data-adjacent'), 'true');
  // A click on the other grid on the map ticks it.
  const [home] = (await get(`/api/v1/households?area_code=${b}&limit=1`)).results;
  await settle(page);
  const at = await screen(page, [home.lon, home.lat]);
  await page.mouse.click(at.x, at.y);
  assert.ok(await page.locator(`#planner-merge-list li[data-code="${b}"] input`).isChecked(), 'the map click ticked it');
  await page.fill('#planner-merge-name', '文昌门联合网格');
  await page.waitForFunction(() => document.querySelector('#planner-created li')?.textContent.includes('文昌门联合网格'), null, { timeout: 20000 });
  await page.waitForSelector('#planner-preview[data-state="ready"]');
  const merged = await created(page);
  assert.deepEqual(merged, [next([a, b])]);
  assert.deepEqual((await page.locator('#planner-retired').getAttribute('data-codes')).split(',').sort(), [a, b].sort());
  await sleep(300);
  assert.deepEqual(await drawnParts(page), merged);
  await page.screenshot({ path: join(out, 'restructure-merge-preview.png') });
  await commit(page, '两网格人口减少，合并管理', '已合并为', 'merge');
  const whole = await get(`/api/v1/areas/${merged[0]}`);
  assert.equal(whole.name, '文昌门联合网格');
  for (const c of [a, b]) assert.equal((await get(`/api/v1/areas/${c}/history`)).retired, true);
  assert.equal(await page.evaluate(() => document.body.dataset.plannerSelected), merged[0]);

  // The merged grid's history names what it was made from; a retired code's history opens too.
  await page.waitForSelector(`#planner-lineage .predecessors button[data-code="${a}"]`);
  await page.click(`#planner-lineage .predecessors button[data-code="${a}"]`);
  await page.waitForSelector('#planner-history-of[data-retired="true"]');
  assert.equal(await page.locator('#planner-history').getAttribute('data-code'), a);
  assert.ok(await page.locator(`#planner-lineage .successors button[data-code="${merged[0]}"]`).isVisible());
  await page.screenshot({ path: join(out, 'restructure-lineage.png') });
  await page.click('#planner-history-back');
  await page.waitForFunction((c) => document.getElementById('planner-history')?.dataset.code === c, merged[0]);

  // "Revert this change" on the merged grid's version brings both grids back.
  const version = await page.locator('#planner-history li[data-change]').first().getAttribute('data-version');
  const item = `#planner-history li[data-version="${version}"]`;
  await page.click(`${item} button.revert`);
  await page.fill(`${item} .revert-reason`, '居民反对合并');
  await page.click(`${item} .revert-go`);
  await page.waitForFunction(() => document.getElementById('planner-status')?.textContent === '已撤销该修改');
  for (const c of [a, b]) assert.equal(await status(`/api/v1/areas/${c}`), 200, `${c} is back`);
  assert.equal(await status(`/api/v1/areas/${merged[0]}`), 404);
  assert.equal((await get(`/api/v1/areas/${merged[0]}/history`)).retired, true);
  assert.equal(await gridOf(home.code), b);
  assert.deepEqual(await page.locator('.planner-children li[data-code]').evaluateAll((lis) => lis.map((li) => li.dataset.code)), [a, b]);
});

test('a planner suggests red house-yards for a grid, each led by a center household inside it', async () => {
  const tab = await stack.browser.newPage();
  try {
    await tab.setViewportSize({ width: 1200, height: 800 });
    await enterPlanner(tab, 'e2e-limiao', LIMIAO);
    await openArea(tab, LIMIAO_COMMUNITY);
    const report = await get(`/api/v1/areas/${LIMIAO_COMMUNITY}/validate`);
    const grid = report.children.find((c) => c.center_households >= 3);
    assert.ok(grid, `a grid of ${LIMIAO_COMMUNITY} has three center households`);
    await pick(tab, grid.code);
    await tab.click('#planner-mode-yards');
    await tab.waitForFunction(() => document.getElementById('planner-yards-count')?.value !== '');
    const proposed = Number(await tab.locator('#planner-yards-count').inputValue());
    assert.ok(proposed >= 1 && proposed <= grid.center_households, `default count ${proposed}`);
    await tab.fill('#planner-yards-count', '3');
    await tab.click('#planner-yards-preview');
    await tab.waitForSelector('#planner-preview[data-state="ready"]', { timeout: 20000 });
    const yards = await tab.locator('#planner-created li').evaluateAll((lis) => lis.map((li) => ({
      code: li.dataset.code, leader: li.dataset.leader, center: li.dataset.center, households: Number(li.dataset.households) })));
    assert.equal(yards.length, 3);
    for (const y of yards) {
      assert.ok(y.code.startsWith(grid.code) && y.code.length === grid.code.length + 2, y.code);
      assert.ok(y.leader && y.center && y.households > 0, JSON.stringify(y));
    }
    assert.equal(yards.reduce((n, y) => n + y.households, 0), grid.households, 'every household of the grid is in a yard');
    await sleep(300);
    assert.deepEqual(await drawnParts(tab), yards.map((y) => y.code).sort());
    await tab.screenshot({ path: join(out, 'restructure-yards-preview.png') });
    await commit(tab, '按党员中心户重新划分屋场', '已划分红色屋场', 'yards');

    const children = (await get(`/api/v1/areas/${grid.code}/children`)).children;
    assert.deepEqual(children.map((c) => c.code).sort(), yards.map((y) => y.code).sort());
    for (const c of children) {
      assert.equal(c.level, 'red_yard');
      const yard = await get(`/api/v1/areas/${c.code}`);
      const center = yard.properties.center_household;
      assert.equal(center, yards.find((y) => y.code === c.code).center);
      const household = await get(`/api/v1/households/${center}`);
      assert.equal(household.center_household, true);
      const located = await get(`/api/v1/locate?lon=${household.lon}&lat=${household.lat}`);
      assert.equal(located.areas.find((x) => x.level === 'red_yard')?.code, c.code, `${center} lies in ${c.code}`);
    }
  } finally {
    await tab.close();
  }
});

test('dragging a vertex three grids share moves it in all three and commits them as one batch', async () => {
  await openArea(page, SIJIQING);
  const codes = (await get(`/api/v1/areas/${SIJIQING}/children`)).children.map((c) => c.code);
  const grids = await Promise.all(codes.map((c) => get(`/api/v1/areas/${c}`)));
  // A vertex of the first grid that the others have too.
  const vertex = rings(grids[0].geometry).flat().find((p) => grids.slice(1).every((g) => rings(g.geometry).flat().some((q) => same(p, q))));
  assert.ok(vertex, `the grids of ${SIJIQING} share a vertex`);
  const [first] = grids;
  await pick(page, first.code);
  await page.click('#planner-mode-edit');
  await page.waitForSelector('#planner-impact[data-state="unchanged"]');
  await page.evaluate((c) => window.gridmap.jumpTo({ center: c, zoom: 16 }), vertex);
  await settle(page);
  // About 40 m into the first grid.
  const inside = (await get(`/api/v1/households?area_code=${first.code}&limit=1`)).results[0];
  const len = Math.hypot(inside.lon - vertex[0], inside.lat - vertex[1]);
  const to = [vertex[0] + ((inside.lon - vertex[0]) / len) * 0.0004, vertex[1] + ((inside.lat - vertex[1]) / len) * 0.0004];
  const drafts = watch(page, 'POST', `/api/v1/areas/${first.code}/proposals`);
  const from = await screen(page, vertex), dest = await screen(page, to);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) {
    await page.mouse.move(from.x + ((dest.x - from.x) * i) / 12, from.y + ((dest.y - from.y) * i) / 12);
    await sleep(25);
  }
  await page.mouse.up();
  await page.waitForSelector('#planner-impact[data-state="ready"]', { timeout: 20000 });
  drafts.stop();
  const draft = drafts.seen.at(-1);
  assert.equal(draft.keep, false);
  assert.deepEqual(draft.areas.map((x) => x.code).sort(), [...codes].sort(), 'the draft redraws all three');
  const moved = rings(draft.areas[0].geometry).flat().find((p) => !rings(first.geometry).flat().some((q) => same(p, q)));
  assert.ok(moved && Math.hypot(moved[0] - to[0], moved[1] - to[1]) < 0.0001, `moved to ${moved}`);
  for (const x of draft.areas) {
    assert.ok(rings(x.geometry).flat().some((p) => same(p, moved)), `${x.code} has the moved vertex`);
    assert.ok(!rings(x.geometry).flat().some((p) => same(p, vertex)), `${x.code} no longer has the old one`);
  }
  assert.deepEqual((await page.locator('#planner-shared').getAttribute('data-codes')).split(',').sort(), codes.slice(1).sort());
  assert.equal(await page.locator('.impact .verdict').getAttribute('data-blocking'), 'false');
  await page.screenshot({ path: join(out, 'restructure-shared-vertex.png') });

  const commits = watch(page, 'PUT', `/api/v1/areas/${SIJIQING}/children`);
  await page.fill('#planner-reason', '三网格交界点调整');
  await page.click('#planner-commit-go');
  await page.waitForFunction(() => document.getElementById('planner-status')?.textContent.startsWith('已提交'));
  commits.stop();
  assert.deepEqual(commits.seen[0].areas.map((x) => [x.code, x.version]).sort(),
    grids.map((g) => [g.code, g.version]).sort(), 'each grid guarded by the version drawn on');
  const report = await get(`/api/v1/areas/${SIJIQING}/validate`);
  assert.deepEqual(report.gaps, [], JSON.stringify(report.gaps));
  assert.deepEqual(report.overlaps, [], JSON.stringify(report.overlaps));
  for (const c of codes) {
    const g = await get(`/api/v1/areas/${c}`);
    assert.ok(rings(g.geometry).flat().some((p) => same(p, moved)), `${c} was committed with the moved vertex`);
  }
  // One change: each grid's newest version names it.
  const ids = await Promise.all(codes.map(async (c) => (await get(`/api/v1/areas/${c}/history`)).versions[0].change_id));
  assert.equal(new Set(ids).size, 1);
});
