// End-to-end tests of the coverage view: a dispatcher chooses red stations at 100 m, the table by
// area equals /api/v1/coverage, the map colours a covered and an uncovered household as such (pixels
// of the rendered map at their positions), suggested sites are listed and clicking one highlights
// the households it would cover, and the uncovered CSV has as many rows as the API counts; a viewer
// sees the view without households.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { logIn, out, send, settle, startStack, tokenOf } from './harness.mjs';

let stack, page, base, token;
const api = async (path, who = token) => {
  const r = await send(base, who, 'GET', path);
  assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
  return r.body;
};
const Q = 'kind=red_station&radius_m=100';

before(async () => {
  stack = await startStack({ users: [['e2e-dispatcher', 'dispatcher'], ['e2e-viewer', 'viewer']] });
  ({ page, base } = stack);
  token = await tokenOf(base, 'e2e-dispatcher');
});
after(async () => {
  await stack?.stop();
});

async function enter(tab, user) {
  await tab.goto(base + '/');
  await logIn(tab, user);
  await tab.waitForFunction(() => document.body.dataset.mapLoaded === '1', null, { timeout: 30000 });
  await tab.click('#tab-coverage');
  await tab.selectOption('#coverage-kind', 'red_station');
  await tab.selectOption('#coverage-radius', '100');
  await tab.click('#coverage-go');
  await tab.waitForFunction(() => document.body.dataset.coverage === 'red_station/100', null, { timeout: 30000 });
}

/** The colour of the rendered map at the WGS 84 point `at` (the middle of a household's dot). */
async function colourAt(tab, at, name) {
  await tab.evaluate((c) => window.gridmap.jumpTo({ center: c, zoom: 17 }), at);
  await settle(tab);
  const [x, y] = await tab.evaluate((c) => { const p = window.gridmap.project(c); return [p.x, p.y]; }, at);
  const png = await tab.locator('#map').screenshot({ path: join(out, name) });
  return tab.evaluate(async ([b64, px, py]) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + b64;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const s = img.width / document.getElementById('map').clientWidth;
    const d = g.getImageData(Math.round(px * s), Math.round(py * s), 1, 1).data;
    return [d[0], d[1], d[2]];
  }, [png.toString('base64'), x, y]);
}

/** Ground metres between nearby points (local tangent plane on the WGS 84 ellipsoid). */
function metres(a, b) {
  const A = 6378137, E2 = 0.00669437999014;
  const phi = ((a[1] + b[1]) / 2) * Math.PI / 180;
  const w = 1 - E2 * Math.sin(phi) ** 2;
  const dx = ((b[0] - a[0]) * Math.PI / 180) * (A / Math.sqrt(w)) * Math.cos(phi);
  const dy = ((b[1] - a[1]) * Math.PI / 180) * (A * (1 - E2)) / w ** 1.5;
  return Math.hypot(dx, dy);
}

test('a dispatcher sees red-station coverage at 100 m as the API counts it', async () => {
  await enter(page, 'e2e-dispatcher');
  const answer = await api(`/api/v1/coverage?${Q}`);
  const rows = await page.$$eval('#coverage-table tbody tr', (trs) => trs.map((tr) => ({
    code: tr.dataset.code,
    households: tr.querySelector('.households').textContent,
    covered: tr.querySelector('.covered').textContent,
    share: tr.querySelector('.share').textContent,
  })));
  assert.equal(rows.length, answer.by_area.length);
  for (const r of answer.by_area) {
    const shown = rows.find((x) => x.code === r.code);
    assert.ok(shown, `row ${r.code}`);
    assert.equal(shown.households, String(r.households), r.code);
    assert.equal(shown.covered, String(r.covered), r.code);
    assert.equal(shown.share, r.share === null ? '—' : `${(r.share * 100).toFixed(1)}%`, r.code);
  }
  const total = await page.$eval('#coverage-table tfoot tr', (tr) => [tr.querySelector('.households').textContent,
    tr.querySelector('.covered').textContent]);
  assert.deepEqual(total, [String(answer.households), String(answer.covered)]);
  await page.screenshot({ path: join(out, 'coverage.png') });

  // An uncovered household (the farthest from a red station) is drawn red; one within 100 m of a
  // red station, green.
  const left = await api(`/api/v1/coverage/uncovered?${Q}&limit=1`);
  const far = left.features[0].geometry.coordinates;
  const stations = await api('/ogc/collections/stations/items?limit=10000');
  const reds = stations.features.filter((f) => f.properties.kind === 'red_station').map((f) => f.geometry.coordinates);
  let near = null;
  for (const s of reds) {
    const d = 0.0012;
    const box = [s[0] - d, s[1] - d, s[0] + d, s[1] + d].join(',');
    const hs = await api(`/ogc/collections/households/items?bbox=${box}&limit=100`);
    // Well inside the radius, and not also near an uncovered one, so the dot is unambiguous.
    near = hs.features.map((f) => f.geometry.coordinates).find((c) => metres(c, s) < 60);
    if (near) break;
  }
  assert.ok(near, 'a household within 60 m of a red station');
  const [r1, g1, b1] = await colourAt(page, far, 'coverage-uncovered.png');
  assert.ok(r1 > 150 && g1 < 90 && b1 < 90, `uncovered household drawn red, got ${[r1, g1, b1]}`);
  const [r2, g2, b2] = await colourAt(page, near, 'coverage-covered.png');
  assert.ok(g2 > 150 && r2 < 100 && b2 < 140, `covered household drawn green, got ${[r2, g2, b2]}`);
});

test('suggested sites are listed and one clicked highlights who it would cover', async () => {
  await page.fill('#coverage-k', '3');
  await page.click('#coverage-suggest');
  await page.waitForFunction(() => Number(document.body.dataset.suggestions) > 0, null, { timeout: 60000 });
  const expected = await api(`/api/v1/coverage/suggestions?${Q}&k=3`);
  const listed = await page.$$eval('#coverage-sites li', (lis) => lis.map((li) => li.dataset.rank));
  assert.deepEqual(listed, expected.sites.map((s) => String(s.rank)));
  await page.click('#coverage-sites li[data-rank="1"] button');
  await page.waitForFunction(() => document.getElementById('coverage-covers').dataset.count !== undefined);
  const count = Number(await page.$eval('#coverage-covers', (e) => e.dataset.count));
  // The first site's gain is exactly the households left out within the radius of it.
  assert.equal(count, expected.sites[0].gain);
  await settle(page);
  assert.equal(await page.evaluate(() => Number(document.body.dataset.coverageHighlighted)), count);
  if (count > 0) {
    const drawn = await page.evaluate(() => window.gridmap.queryRenderedFeatures({ layers: ['coverage-highlight'] }).length);
    assert.ok(drawn > 0, 'highlighted households drawn');
  }
  await page.screenshot({ path: join(out, 'coverage-site.png') });
});

test('the uncovered CSV has a row for every household the API leaves out', async () => {
  const left = await api(`/api/v1/coverage/uncovered?${Q}&limit=1`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#coverage-csv')]);
  const path = join(stack.tmp, 'uncovered.csv');
  await download.saveAs(path);
  const lines = readFileSync(path, 'utf8').replace(/^\ufeff/, '').split('\r\n').filter((l) => l !== '');
  assert.equal(lines[0].split(',')[0], 'code');
  assert.equal(lines.length - 1, left.numberMatched);
  // Until the server draws the PNG, its slot says so.
  const png = await api('/api/v1/openapi.json').then((s) => Boolean(s.paths['/api/v1/maps/coverage.png']));
  assert.equal(await page.locator('#coverage-png').isVisible(), png);
  assert.equal(await page.locator('#coverage-png-later').isVisible(), !png);
});

test('a viewer sees coverage without households', async () => {
  const tab = await stack.browser.newPage();
  try {
    const asked = [];
    tab.on('request', (r) => asked.push(r.url()));
    await enter(tab, 'e2e-viewer');
    assert.ok(await tab.locator('#coverage-suggest-section').isHidden());
    assert.ok(await tab.locator('#coverage-downloads').isHidden());
    assert.ok(await tab.locator('#coverage-viewer-note').isVisible());
    const cells = await tab.$$eval('#coverage-table tbody td.households', (tds) => tds.map((td) => td.textContent));
    assert.ok(cells.length > 0 && cells.every((c) => c === '—'), `no household counts: ${cells}`);
    const stations = await api('/ogc/collections/stations/items?limit=10000');
    const red = stations.features.find((f) => f.properties.kind === 'red_station').geometry.coordinates;
    await tab.evaluate((c) => window.gridmap.jumpTo({ center: c, zoom: 16 }), red);
    await settle(tab);
    const dots = await tab.evaluate(() => window.gridmap.queryRenderedFeatures({ layers: ['coverage-households'] }).length);
    assert.equal(dots, 0, 'no household dots');
    const reach = await tab.evaluate(() => window.gridmap.queryRenderedFeatures({ layers: ['coverage-reach-fill'] }).length);
    assert.ok(reach > 0, 'the stations\' reach is drawn');
    assert.ok(!asked.some((u) => u.includes('/coverage/uncovered') || u.includes('/coverage/suggestions')));
    await tab.screenshot({ path: join(out, 'coverage-viewer.png') });
  } finally {
    await tab.close();
  }
});
