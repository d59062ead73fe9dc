// End-to-end tests of the planner view: a planner picks a community, sees its grids coloured by
// balance, drags a vertex of a border two grids share (a real mouse drag in Chromium), reads the
// impact, commits with a reason and restores the earlier version from the history; a stale version,
// a redraw that would strand red house-yards, and accounts that may not plan.
//
// The demo is deterministic. 南丽社区 (420602003001, 庞公街道, urban) has three grids without red
// house-yards; its grids 001 and 002 share the vertex V. Dragging V about 95 m east moves a row of
// households of grid 002 into grid 001 and keeps the tiling clean. In 李庙社区 (420624103002, 李庙镇,
// the township the demo planner is scoped to) every grid is tiled by red house-yards, so moving a
// grid border leaves some of them reaching outside their grid: the server refuses (409) unless forced.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { logIn, out, pixelDifference, send, settle, sleep, startStack, tokenOf } from './harness.mjs';

const TOWNSHIP = '420602003';
const COMMUNITY = '420602003001';
const GRID = '420602003001001';
const NEIGHBOUR = '420602003001002';
const V = [112.1805148, 32.0739985];
const LIMIAO = '420624103';
const LIMIAO_COMMUNITY = '420624103002';
const LIMIAO_GRID = '420624103002001';
// A vertex of the border between 李庙社区's two grids.
const LIMIAO_V = [111.6388684, 31.8564685];

let stack, page, base, admin, planner;
const api = (method, path, body, headers, token = admin) => send(base, token, method, path, body, headers);
const gridOf = async (code) => {
  const h = await api('GET', `/api/v1/households/${code}`);
  assert.equal(h.status, 200, `household ${code}`);
  return h.body.areas.find((a) => a.level === 'grid')?.code;
};
const ring = (g) => (g.type === 'Polygon' ? g.coordinates[0] : g.coordinates[0][0]);
const same = (a, b) => Math.abs(a[0] - b[0]) < 1e-9 && Math.abs(a[1] - b[1]) < 1e-9;

before(async () => {
  stack = await startStack({ users: [['e2e-admin', 'admin'], ['e2e-planner', 'planner', TOWNSHIP],
    ['e2e-limiao', 'planner', LIMIAO], ['e2e-viewer', 'viewer'], ['e2e-leader', 'grid_leader', LIMIAO]] });
  ({ page, base } = stack);
  admin = await tokenOf(base, 'e2e-admin');
  planner = await tokenOf(base, 'e2e-planner');
});
after(async () => {
  await stack?.stop();
});

/** Logs `user` in on a fresh page and waits for the map. */
async function enter(tab, user) {
  await tab.goto(base + '/');
  await logIn(tab, user);
  await tab.waitForFunction(() => document.body.dataset.mapLoaded === '1', null, { timeout: 30000 });
}

/** Opens `code` in the planner view by typing its code. */
async function openArea(tab, code) {
  await tab.fill('#planner-code', code);
  await tab.click('#planner-open');
  await tab.waitForFunction((c) => document.body.dataset.plannerArea === c, code);
}

/** Picks `grid`, starts editing, centres `vertex` at zoom 16 and drags it by `[dlon, dlat]` with the
 * mouse. Answers the proposal the impact panel shows, the draft the app sent for it (`body`: the
 * grid's `geometry`, or `areas` when neighbours sharing the vertex moved with it) and the grid's
 * geometry in it. */
async function dragVertex(tab, grid, vertex, [dlon, dlat]) {
  await tab.click(`.planner-children li[data-code="${grid}"]`);
  await tab.waitForFunction((c) => document.body.dataset.plannerSelected === c, grid);
  await tab.click('#planner-mode-edit');
  await tab.waitForSelector('#planner-impact[data-state="unchanged"]');
  await tab.evaluate((c) => window.gridmap.jumpTo({ center: c, zoom: 16 }), vertex);
  await settle(tab);
  const sent = new Map();
  const watch = async (r) => {
    if (r.request().method() === 'POST' && r.url().endsWith(`/api/v1/areas/${grid}/proposals`)) {
      const body = r.request().postDataJSON();
      sent.set(body.title, body);
    }
  };
  tab.on('response', watch);
  const box = await tab.locator('#map').boundingBox();
  const [from, to] = await tab.evaluate(([c, d]) => [window.gridmap.project(c), window.gridmap.project([c[0] + d[0], c[1] + d[1]])],
    [vertex, [dlon, dlat]]);
  await tab.mouse.move(box.x + from.x, box.y + from.y);
  await tab.mouse.down();
  for (let i = 1; i <= 12; i++) {
    await tab.mouse.move(box.x + from.x + ((to.x - from.x) * i) / 12, box.y + from.y + ((to.y - from.y) * i) / 12);
    await sleep(25);
  }
  await tab.mouse.up();
  await tab.waitForSelector('#planner-impact[data-state="ready"]', { timeout: 20000 });
  const id = await tab.locator('#planner-impact').getAttribute('data-proposal');
  for (let i = 0; !sent.has(id) && i < 50; i++) await sleep(100);
  tab.off('response', watch);
  assert.ok(sent.has(id), 'the proposal shown was sent by the app');
  const { title, keep, ...body } = sent.get(id);
  assert.equal(keep, false, `${title} is a draft`);
  return { id, body, geometry: body.geometry ?? body.areas.find((a) => a.code === grid).geometry };
}

/** The moves the impact panel lists: `[[code, from, to], …]`. */
const shownMoves = (tab) => tab.locator('#planner-moves li[data-code]').evaluateAll((lis) =>
  lis.map((li) => [li.dataset.code, li.dataset.from, li.dataset.to]));

/** The map alone (planner view closed) at V, as a PNG. */
async function mapAtV(name) {
  await page.click('#tab-map');
  await page.evaluate((c) => window.gridmap.jumpTo({ center: c, zoom: 16 }), V);
  await settle(page);
  await sleep(300);
  return page.locator('#map').screenshot({ path: join(out, name) });
}

test('a viewer and a grid leader are not offered the planner view', async () => {
  for (const user of ['e2e-viewer', 'e2e-leader']) {
    const tab = await stack.browser.newPage();
    try {
      await tab.setViewportSize({ width: 1200, height: 800 });
      await enter(tab, user);
      assert.ok(await tab.locator('#tab-planner').isHidden(), `${user} sees the planner tab`);
      assert.ok(await tab.locator('#planner').isHidden());
      assert.notEqual(await tab.evaluate(() => document.body.dataset.view), 'planner');
    } finally {
      await tab.close();
    }
  }
});

test('a planner moves a shared border, sees who moves, commits, and restores from the history', async () => {
  // The shared vertex is one of both grids' outlines.
  const [grid, neighbour] = [(await api('GET', `/api/v1/areas/${GRID}`)).body, (await api('GET', `/api/v1/areas/${NEIGHBOUR}`)).body];
  assert.ok(ring(grid.geometry).some((p) => same(p, V)) && ring(neighbour.geometry).some((p) => same(p, V)), 'V is shared');
  const version = grid.version;

  await enter(page, 'e2e-planner');
  const before = await mapAtV('planner-before.png');
  await page.click('#tab-planner');
  await page.waitForSelector('#planner:not([hidden])');
  // The planner's township opens first; then one of its communities, from the list.
  await page.waitForFunction((c) => document.body.dataset.plannerArea === c, TOWNSHIP);
  await page.click(`.planner-children li[data-code="${COMMUNITY}"] button.down`);
  await page.waitForFunction((c) => document.body.dataset.plannerArea === c, COMMUNITY);
  assert.deepEqual(await page.locator('#planner-path li').evaluateAll((lis) => lis.map((li) => li.dataset.code)),
    ['420602', TOWNSHIP, COMMUNITY]);
  const report = (await api('GET', `/api/v1/areas/${COMMUNITY}/validate`, undefined, {}, planner)).body;
  const items = await page.locator('.planner-children li[data-code]').evaluateAll((lis) => lis.map((li) => [li.dataset.code, li.dataset.balance]));
  assert.deepEqual(items.map(([c]) => c), report.children.map((c) => c.code));
  for (const [, balance] of items) assert.equal(balance, 'ok', 'every grid of 南丽社区 holds 100..600 households');
  // The children are on the map, filled by balance, and the report's problems are listed.
  await settle(page);
  const drawn = await page.evaluate(() => window.gridmap.querySourceFeatures('planner-children').map((f) => [f.properties.code, f.properties.balance]));
  assert.deepEqual([...new Set(drawn.map(([c]) => c))].sort(), report.children.map((c) => c.code).sort());
  assert.ok(await page.locator('#planner-problems li[data-kind="clean"]').count() === 1);
  await page.screenshot({ path: join(out, 'planner-community.png') });
  // A click on the map picks the child there.
  const third = report.children[2].code;
  const [home] = (await api('GET', `/api/v1/households?area_code=${third}&limit=1`, undefined, {}, planner)).body.results;
  const at = await page.evaluate((p) => window.gridmap.project(p), [home.lon, home.lat]);
  const mapBox = await page.locator('#map').boundingBox();
  await page.mouse.click(mapBox.x + at.x, mapBox.y + at.y);
  await page.waitForFunction((c) => document.body.dataset.plannerSelected === c, third);
  assert.match(await page.locator('#planner-selected').textContent(), new RegExp(third));

  // Drag V about 95 m east, into grid 002. V lies on the community's outline, so it is the grid's
  // alone to move (the server moves the border 002 shares): the draft redraws the grid only.
  const { geometry, body } = await dragVertex(page, GRID, V, [0.001, 0]);
  assert.ok(body.geometry && !body.areas, `the grid alone is redrawn: ${Object.keys(body)}`);
  const moved = ring(geometry).filter((p) => !ring(grid.geometry).some((q) => same(p, q)));
  assert.equal(moved.length, 2, `one vertex (first and last of the ring) moved: ${JSON.stringify(moved)}`);
  assert.ok(moved[0][0] > V[0] + 0.0008 && Math.abs(moved[0][1] - V[1]) < 0.0002, `V went east: ${moved[0]}`);
  // The panel lists exactly the households the API says move, all from grid 002 to grid 001.
  const shown = await shownMoves(page);
  const node = await api('POST', `/api/v1/areas/${GRID}/proposals`, body, {}, planner);
  assert.equal(node.status, 201);
  const want = node.body.impact.moves.households.map((m) => [m.code, m.from, m.to]);
  assert.deepEqual(shown, want);
  assert.ok(shown.length >= 10, `a row of households moves: ${shown.length}`);
  for (const [code, from, to] of shown) {
    assert.equal(from, NEIGHBOUR);
    assert.equal(to, GRID);
    assert.equal(await gridOf(code), NEIGHBOUR, 'nothing is written by a proposal');
  }
  assert.equal(await page.locator('.impact .verdict').getAttribute('data-blocking'), 'false');
  const counts = await page.locator(`#planner-counts tr[data-code="${GRID}"] td`).allTextContents();
  const g = node.body.impact.areas.find((a) => a.code === GRID);
  assert.equal(counts[1], `${g.before.households} → ${g.after.households}`);
  await page.screenshot({ path: join(out, 'planner-impact.png') });

  // The reason is required; markup in it is kept as text.
  await page.click('#planner-commit-go');
  assert.equal(await page.locator('#planner-commit-msg').getAttribute('data-kind'), 'reason');
  const reason = '新小区交付，调整网格边界 <img src=x onerror="document.body.dataset.pwned=1">';
  await page.fill('#planner-reason', reason);
  await page.click('#planner-commit-go');
  await page.waitForFunction(() => document.getElementById('planner-status')?.textContent.startsWith('已提交'));
  assert.equal(await page.locator('#planner-status').textContent(), `已提交，当前版本 ${version + 1}`);
  for (const [code] of shown) assert.equal(await gridOf(code), GRID, `${code} now lies in ${GRID}`);
  // The history says who and why, as text.
  await page.waitForSelector(`#planner-history li[data-version="${version + 1}"]`);
  const top = await page.locator(`#planner-history li[data-version="${version + 1}"]`).textContent();
  assert.ok(top.includes('e2e-planner') && top.includes(reason), top);
  assert.equal(await page.locator('#planner img').count(), 0);
  assert.equal(await page.evaluate(() => document.body.dataset.pwned), undefined);
  await page.screenshot({ path: join(out, 'planner-committed.png') });

  // The map's tiles show the new border.
  const after = await mapAtV('planner-after.png');
  const changed = await pixelDifference(page, before, after);
  assert.ok(changed > 0.002, `the rendered map did not change with the commit (${changed})`);

  // Restore version 1 from the history list.
  await page.click('#tab-planner');
  await page.click(`#planner-history li[data-version="${version}"] button.restore`);
  await page.fill(`#planner-history li[data-version="${version}"] .restore-reason`, '撤销：居民意见');
  await page.click(`#planner-history li[data-version="${version}"] .restore-go`);
  await page.waitForFunction(() => document.getElementById('planner-status')?.textContent.startsWith('已恢复'));
  for (const [code] of shown) assert.equal(await gridOf(code), NEIGHBOUR, `${code} is back in ${NEIGHBOUR}`);
  const restored = (await api('GET', `/api/v1/areas/${GRID}`)).body;
  assert.deepEqual(ring(restored.geometry).length, ring(grid.geometry).length);
  assert.ok(ring(restored.geometry).some((p) => same(p, V)), 'V is back where it was');
  const history = await page.locator('#planner-history li[data-version]').evaluateAll((lis) => lis.map((li) => li.dataset.version));
  assert.deepEqual(history, [String(version + 2), String(version + 1), String(version)]);
  await page.screenshot({ path: join(out, 'planner-restored.png') });
  const back = await mapAtV('planner-back.png');
  assert.ok(await pixelDifference(page, before, back) < changed / 2, 'the restored map looks as before');

  // The planner speaks English too.
  await page.click('#tab-planner');
  await page.click('#lang');
  assert.equal(await page.locator('#planner h2').first().textContent(), 'Area planning');
  assert.match(await page.locator('#planner-status').textContent(), /^Restored: now at version \d+$/);
  await page.click('#lang');
});

test('a vertex snaps to a neighbour\'s; a commit on an area someone else changed meanwhile is refused with a reload', async () => {
  const community = '420602003006';
  const children = (await api('GET', `/api/v1/areas/${community}/children`)).body.children.map((c) => c.code);
  const [a, b] = await Promise.all(children.slice(0, 2).map(async (c) => (await api('GET', `/api/v1/areas/${c}`)).body));
  const shared = ring(a.geometry).slice(1, -1).find((p) => ring(b.geometry).some((q) => same(p, q)));
  assert.ok(shared, `${a.code} and ${b.code} share a vertex`);
  // Dragged to a few pixels from another vertex of the neighbour, the vertex snaps onto it: the
  // nearest one of b's own that lies far enough away for a real drag (≥ 50 m).
  const dist = (p) => Math.hypot(p[0] - shared[0], p[1] - shared[1]);
  const next = ring(b.geometry).filter((q) => !ring(a.geometry).some((p) => same(p, q)) && dist(q) > 0.0005)
    .sort((p, q) => dist(p) - dist(q))[0];
  assert.ok(next, `${b.code} has a vertex of its own`);
  await page.click('#tab-planner');
  await openArea(page, community);
  const { geometry } = await dragVertex(page, a.code, shared, [next[0] - shared[0] + 0.00005, next[1] - shared[1] + 0.00004]);
  assert.ok(ring(geometry).some((p) => same(p, next)), `snapped onto ${next}: ${JSON.stringify(ring(geometry))}`);
  assert.ok(!ring(geometry).some((p) => same(p, shared)), 'the shared vertex moved');
  // Someone else commits a new leader meanwhile.
  const other = await api('PUT', `/api/v1/areas/${a.code}`, { reason: '网格长调整', leader_name: '新网格长' },
    { 'If-Match': `"${a.version}"` }, planner);
  assert.equal(other.status, 200, JSON.stringify(other.body));
  await page.fill('#planner-reason', '调整边界');
  await page.click('#planner-commit-go');
  await page.waitForSelector('#planner-commit-msg[data-kind="stale"]');
  assert.equal(await page.locator('#planner-commit-msg').textContent(), '其他人已修改了该区域，请重新加载后再修改');
  assert.ok(await page.locator('#planner-force').isHidden(), 'a stale version cannot be forced');
  await page.screenshot({ path: join(out, 'planner-stale.png') });
  // Nothing of the drawing was written; reloading shows the other change's version.
  const now = (await api('GET', `/api/v1/areas/${a.code}`)).body;
  assert.equal(now.version, a.version + 1);
  assert.deepEqual(ring(now.geometry), ring(a.geometry));
  await page.click('#planner-reload');
  await page.waitForFunction((v) => !document.body.dataset.plannerMode
    && document.getElementById('planner-selected').textContent.endsWith(`版本 ${v}`), a.version + 1);
});

test('a redraw that strands red house-yards lists the problems and may be committed anyway', async () => {
  const tab = await stack.browser.newPage();
  try {
    await tab.setViewportSize({ width: 1200, height: 800 });
    await enter(tab, 'e2e-limiao');
    await tab.click('#tab-planner');
    await tab.waitForFunction((c) => document.body.dataset.plannerArea === c, LIMIAO);
    // Outside its scope the planner may look but not redraw.
    await openArea(tab, COMMUNITY);
    await tab.click(`.planner-children li[data-code="${GRID}"]`);
    await tab.waitForFunction((c) => document.body.dataset.plannerSelected === c, GRID);
    assert.ok(await tab.locator('#planner-mode-edit').isDisabled());
    assert.match(await tab.locator('#planner-selected').textContent(), /无权修改此区域/);

    await openArea(tab, LIMIAO_COMMUNITY);
    await dragVertex(tab, LIMIAO_GRID, LIMIAO_V, [0, -0.0015]);
    assert.equal(await tab.locator('.impact .verdict').getAttribute('data-blocking'), 'true');
    assert.ok(await tab.locator('#planner-new-problems li[data-kind="child_outside"]').count() > 0);
    await tab.fill('#planner-reason', '沿河调整');
    await tab.click('#planner-commit-go');
    await tab.waitForSelector('#planner-commit-msg[data-kind="conflict"]');
    const listed = await tab.locator('#planner-commit-msg li').evaluateAll((lis) => lis.map((li) => li.dataset.kind));
    assert.ok(listed.length > 0 && listed.every((k) => k === 'child_outside'), `problems listed: ${listed}`);
    assert.ok(await tab.locator('#planner-force').isVisible());
    assert.equal((await api('GET', `/api/v1/areas/${LIMIAO_GRID}`)).body.version, 1, 'nothing was written');
    await tab.screenshot({ path: join(out, 'planner-conflict.png') });
    await tab.click('#planner-force');
    await tab.waitForFunction(() => document.getElementById('planner-status')?.textContent.startsWith('已提交'));
    const history = (await api('GET', `/api/v1/areas/${LIMIAO_GRID}/history`)).body;
    assert.equal(history.versions[0].reason, '沿河调整');
    assert.equal(history.versions[0].changed_by, 'e2e-limiao');
  } finally {
    await tab.close();
  }
});
