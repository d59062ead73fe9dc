// End-to-end tests of the coverage view: a dispatcher chooses red stations at 100 m, the table by
// area equals /api/v1/coverage, the map colours a covered and an uncovered household as such (pixels
// of the rendered map at their positions), suggested sites are listed and clicking one highlights
// the households it would cover, the uncovered CSV has as many rows as the API counts and the map
// downloads as a PNG; with the 15-minute walk every request carries distance=walking (figures,
// tiles, suggestions, uncovered households, the PNG) and the table shows the walking figures the API
// gives, never above the straight-line ones; every station kind of the demo answers, at 1 km and on
// foot, as the API counts; a viewer sees the view without households; and a
// server without a path network says so for the walk, which the view then no longer offers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { logIn, out, pixelAt, send, settle, startStack, tokenOf } from './harness.mjs';

let stack, page, base, token;
/** Every URL the main tab asked for, in order. */
const asked = [];
const api = async (path, who = token) => {
  const r = await send(base, who, 'GET', path);
  assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
  return r.body;
};
const Q = 'kind=red_station&radius_m=100';
const WALK = 'kind=red_station&radius_m=1200&distance=walking';
const pct = (s) => (s === null || s === undefined ? '—' : `${(s * 100).toFixed(1)}%`);
/** The URLs asked since `since` (an index into `asked`) whose path ends with `path`. */
const calls = (since, path) => asked.slice(since).map((u) => new URL(u)).filter((u) => u.pathname.endsWith(path));
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

before(async () => {
  stack = await startStack({ users: [['e2e-dispatcher', 'dispatcher'], ['e2e-viewer', 'viewer']] });
  ({ page, base } = stack);
  page.on('request', (r) => asked.push(r.url()));
  token = await tokenOf(base, 'e2e-dispatcher');
});
after(async () => {
  await stack?.stop();
});

async function enter(tab, user, at = base) {
  await tab.goto(at + '/');
  await logIn(tab, user);
  await tab.waitForFunction(() => document.body.dataset.mapLoaded === '1', null, { timeout: 30000 });
  await tab.click('#tab-coverage');
  await choose(tab, '100', 'red_station/100m');
}

/** Chooses red stations and the reach `value` (`100` … or `walk15`), and waits for `done`. */
async function choose(tab, value, done) {
  await tab.selectOption('#coverage-kind', 'red_station');
  await tab.selectOption('#coverage-radius', value);
  await tab.click('#coverage-go');
  await tab.waitForFunction((d) => document.body.dataset.coverage === d, done, { timeout: 60000 });
}

/** Clicks the PNG download: the request's URL and the saved bytes, which must be a PNG. */
async function downloadPng(tab, name) {
  const [request, download] = await Promise.all([
    tab.waitForRequest((r) => r.url().includes('/api/v1/maps/coverage.png'), { timeout: 60000 }),
    tab.waitForEvent('download', { timeout: 60000 }),
    tab.click('#coverage-png'),
  ]);
  assert.equal((await request.response()).status(), 200);
  const path = join(out, name);
  await download.saveAs(path);
  const bytes = readFileSync(path);
  assert.deepEqual([...bytes.subarray(0, 8)], PNG, 'the download starts with the PNG signature');
  // IHDR: the picture is the size the app asks for.
  assert.deepEqual([bytes.readUInt32BE(16), bytes.readUInt32BE(20)], [1600, 1200]);
  return { url: new URL(request.url()), bytes, file: download.suggestedFilename() };
}

/** The colour of the rendered map at the WGS 84 point `at` (the middle of a household's dot). */
async function colourAt(tab, at, name) {
  await tab.evaluate((c) => window.gridmap.jumpTo({ center: c, zoom: 17 }), at);
  await settle(tab);
  const [x, y] = await tab.evaluate((c) => { const p = window.gridmap.project(c); return [p.x, p.y]; }, at);
  const png = await tab.locator('#map').screenshot({ path: join(out, name) });
  return pixelAt(tab, png, x, y, '#map');
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
  // The first site's gain is exactly the households left out within the radius of it, which the
  // answer names.
  assert.equal(count, expected.sites[0].gain);
  assert.equal(count, expected.sites[0].households.length);
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
});

test('the coverage map downloads as a PNG for the reach chosen', async () => {
  const { url, file } = await downloadPng(page, 'coverage-download-100m.png');
  assert.equal(url.searchParams.get('kind'), 'red_station');
  assert.equal(url.searchParams.get('radius_m'), '100');
  assert.equal(url.searchParams.get('distance'), null);
  assert.equal(file, 'coverage-red_station-100m.png');
});

test('the 15-minute walk asks by walking and shows the walking figures', async () => {
  const since = asked.length;
  await choose(page, 'walk15', 'red_station/walk1200m');
  const asks = calls(since, '/api/v1/coverage');
  assert.equal(asks.length, 1);
  assert.equal(asks[0].searchParams.toString(), WALK);
  const answer = await api(`/api/v1/coverage?${WALK}`);
  assert.equal(answer.distance, 'walking');
  const rows = await page.$$eval('#coverage-table tbody tr', (trs) => trs.map((tr) => ({
    code: tr.dataset.code,
    households: tr.querySelector('.households').textContent,
    covered: tr.querySelector('.covered').textContent,
    share: tr.querySelector('.share').textContent,
    straight: tr.querySelector('.straight').textContent,
  })));
  assert.equal(rows.length, answer.by_area.length);
  let someBelow = false;
  for (const r of answer.by_area) {
    const shown = rows.find((x) => x.code === r.code);
    assert.ok(shown, `row ${r.code}`);
    assert.equal(shown.households, String(r.households), r.code);
    assert.equal(shown.covered, String(r.walking.covered), r.code);
    assert.equal(shown.share, pct(r.walking.share), r.code);
    assert.equal(shown.straight, pct(r.share), r.code);
    // A walk is never shorter than the straight line.
    assert.ok(r.walking.covered <= r.covered, `${r.code}: ${r.walking.covered} on foot > ${r.covered}`);
    if (r.share !== null) assert.ok(r.walking.share <= r.share, `${r.code}: share on foot above straight`);
    someBelow ||= r.walking.covered < r.covered;
  }
  assert.ok(someBelow, 'the paths leave someone within 1,200 m out of a 15-minute walk');
  const total = await page.$eval('#coverage-table tfoot tr', (tr) => ['.households', '.covered', '.share', '.straight']
    .map((c) => tr.querySelector(c).textContent));
  assert.deepEqual(total, [String(answer.households), String(answer.walking.covered), pct(answer.walking.share), pct(answer.share)]);
  assert.ok(answer.walking.share <= answer.share);
  // The summary says it is a 15-minute walk along paths, with both shares.
  const summary = await page.$eval('#coverage-summary', (e) => ({ distance: e.dataset.distance, text: e.textContent }));
  assert.equal(summary.distance, 'walking');
  for (const part of ['15分钟步行', '沿路网 1200 米', pct(answer.walking.share), `直线距离 ${pct(answer.share)}`]) {
    assert.ok(summary.text.includes(part), `summary ${JSON.stringify(summary.text)} has ${part}`);
  }

  // Every coverage tile is the walk's: radius 1200 in the path, distance=walking in the query.
  const stations = await api('/ogc/collections/stations/items?limit=10000');
  const red = stations.features.find((f) => f.properties.kind === 'red_station').geometry.coordinates;
  await page.evaluate((c) => window.gridmap.jumpTo({ center: c, zoom: 15 }), red);
  await settle(page);
  const tiles = asked.slice(since).map((u) => new URL(u)).filter((u) => u.pathname.includes('/tiles/coverage/'));
  assert.ok(tiles.length > 0, 'coverage tiles asked for');
  for (const u of tiles) {
    assert.ok(u.pathname.includes('/tiles/coverage/red_station/1200/'), u.href);
    assert.equal(u.searchParams.get('distance'), 'walking', u.href);
  }
  // The walk's reach is the paths within it (lines), not a filled circle.
  const reach = await page.evaluate(() => window.gridmap.queryRenderedFeatures({ layers: ['coverage-reach-line'] })
    .map((f) => f.geometry.type));
  assert.ok(reach.length > 0, 'the walk\'s reach is drawn');
  assert.ok(reach.every((g) => g === 'LineString' || g === 'MultiLineString'), `reach geometries ${[...new Set(reach)]}`);
  assert.equal(await page.evaluate(() => window.gridmap.queryRenderedFeatures({ layers: ['coverage-reach-fill'] }).length), 0);
  await page.screenshot({ path: join(out, 'coverage-walk.png') });
  // The same in English.
  await page.click('#lang');
  try {
    const text = await page.textContent('#coverage-summary');
    for (const part of ['15-minute walk (1,200 m along paths)', `covered on foot (${pct(answer.walking.share)})`, `straight line ${pct(answer.share)}`]) {
      assert.ok(text.includes(part), `summary ${JSON.stringify(text)} has ${part}`);
    }
    const heads = await page.$$eval('#coverage-table thead th', (ths) => ths.map((th) => th.textContent));
    assert.deepEqual(heads.slice(3), ['Covered on foot', 'Share on foot', 'Straight line']);
    await page.screenshot({ path: join(out, 'coverage-walk-en.png') });
  } finally {
    await page.click('#lang');
  }
});

test('the walk\'s PNG is asked by walking', async () => {
  const { url, bytes, file } = await downloadPng(page, 'coverage-download-walk.png');
  assert.equal(url.searchParams.get('kind'), 'red_station');
  assert.equal(url.searchParams.get('radius_m'), '1200');
  assert.equal(url.searchParams.get('distance'), 'walking');
  assert.equal(file, 'coverage-red_station-walk1200m.png');
  // Drawn by walking: not the straight-line map of the same radius.
  const straight = await fetch(`${base}/api/v1/maps/coverage.png?kind=red_station&radius_m=1200&width=1600&height=1200`,
    { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(straight.status, 200);
  assert.ok(!bytes.equals(Buffer.from(await straight.arrayBuffer())), 'the walk\'s map differs from the straight-line one');
});

test('suggestions for the walk are asked by walking and listed', async () => {
  const since = asked.length;
  await page.evaluate(() => { delete document.body.dataset.suggestions; });
  await page.fill('#coverage-k', '3');
  await page.click('#coverage-suggest');
  await page.waitForFunction(() => Number(document.body.dataset.suggestions) > 0, null, { timeout: 60000 });
  const asks = calls(since, '/api/v1/coverage/suggestions');
  assert.equal(asks.length, 1);
  assert.equal(asks[0].searchParams.get('distance'), 'walking');
  assert.equal(asks[0].searchParams.get('radius_m'), '1200');
  const left = calls(since, '/api/v1/coverage/uncovered');
  assert.ok(left.length > 0 && left.every((u) => u.searchParams.get('distance') === 'walking'), 'uncovered asked by walking');
  const expected = await api(`/api/v1/coverage/suggestions?${WALK}&k=3`);
  assert.equal(expected.distance, 'walking');
  assert.ok(expected.sites.length > 0);
  const listed = await page.$$eval('#coverage-sites li', (lis) => lis.map((li) => [li.dataset.rank, li.querySelector('.gain').textContent]));
  assert.deepEqual(listed.map(([rank]) => rank), expected.sites.map((s) => String(s.rank)));
  for (const [i, s] of expected.sites.entries()) assert.ok(listed[i][1].includes(`+${s.gain} `), `gain of site ${s.rank}`);
  await page.click('#coverage-sites li[data-rank="1"] button');
  await page.waitForFunction(() => document.getElementById('coverage-covers').dataset.count !== undefined);
  // Exactly the households the server names for the site, as many as it gains on foot.
  const count = Number(await page.$eval('#coverage-covers', (e) => e.dataset.count));
  assert.equal(count, expected.sites[0].gain);
  assert.equal(count, expected.sites[0].households.length);
  await settle(page);
  assert.equal(await page.evaluate(() => Number(document.body.dataset.coverageHighlighted)), count);
  // No circle around the site: the walk's reach is not one.
  assert.equal(await page.evaluate(() => window.gridmap.queryRenderedFeatures({ layers: ['coverage-site-reach'] }).length), 0);
  await page.screenshot({ path: join(out, 'coverage-walk-site.png') });
});

test('the walk\'s CSV lists every household left out on foot', async () => {
  const left = await api(`/api/v1/coverage/uncovered?${WALK}&limit=1`);
  const straight = await api(`/api/v1/coverage/uncovered?${Q.replace('100', '1200')}&limit=1`);
  assert.ok(left.numberMatched >= straight.numberMatched, 'no fewer left out on foot than in a straight line');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#coverage-csv')]);
  assert.equal(download.suggestedFilename(), 'uncovered-red_station-walk1200m.csv');
  const path = join(stack.tmp, 'uncovered-walk.csv');
  await download.saveAs(path);
  const lines = readFileSync(path, 'utf8').replace(/^\ufeff/, '').split('\r\n').filter((l) => l !== '');
  assert.equal(lines.length - 1, left.numberMatched);
  // The walk beside the straight line, the longest first, as the API orders them.
  const header = lines[0].split(',');
  assert.equal(header.at(-1), 'walking_distance_m');
  const first = lines[1].split(',');
  assert.equal(first[0], left.features[0].id);
  assert.equal(Number(first.at(-1)), left.features[0].properties.walking_distance_m);
  assert.ok(Number(first.at(-1)) >= Number(first.at(-2)), 'a walk is never shorter than the straight line');
});

test('the view answers for every station kind of the demo, at 1 km and on foot', async () => {
  const stations = await api('/ogc/collections/stations/items?limit=10000');
  const present = [...new Set(stations.features.map((f) => f.properties.kind))].sort();
  const offered = await page.$$eval('#coverage-kind option', (os) => os.map((o) => o.value));
  assert.ok(present.length >= 7, `the demo's kinds: ${present}`);
  for (const kind of present) {
    assert.ok(offered.includes(kind), `${kind} is offered: ${offered}`);
    for (const [value, query, done] of [
      ['1000', `kind=${kind}&radius_m=1000`, `${kind}/1000m`],
      ['walk15', `kind=${kind}&radius_m=1200&distance=walking`, `${kind}/walk1200m`],
    ]) {
      await page.selectOption('#coverage-kind', kind);
      await page.selectOption('#coverage-radius', value);
      await page.click('#coverage-go');
      await page.waitForFunction((d) => document.body.dataset.coverage === d, done, { timeout: 60000 });
      const answer = await api(`/api/v1/coverage?${query}`);
      const covered = value === 'walk15' ? answer.walking.covered : answer.covered;
      const total = await page.$eval('#coverage-table tfoot tr', (tr) => [tr.querySelector('.households').textContent,
        tr.querySelector('.covered').textContent]);
      assert.deepEqual(total, [String(answer.households), String(covered)], `${kind} ${value}`);
      const rows = await page.$$eval('#coverage-table tbody tr', (trs) => trs.length);
      assert.equal(rows, answer.by_area.length, `${kind} ${value}`);
    }
  }
  await choose(page, '100', 'red_station/100m');
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

test('without a path network the walk is refused clearly and then not offered', async () => {
  const bare = await startStack({ users: [['e2e-dispatcher', 'dispatcher']], without: ['paths'] });
  try {
    const tab = bare.page;
    const seen = [];
    tab.on('request', (r) => seen.push(r.url()));
    const refused = await send(bare.base, await tokenOf(bare.base, 'e2e-dispatcher'), 'GET', `/api/v1/coverage?${WALK}`);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'no_paths');
    await enter(tab, 'e2e-dispatcher', bare.base);
    await choose(tab, 'walk15', 'no_paths');
    const note = tab.locator('#coverage-note');
    assert.ok(await note.isVisible(), 'the view says why');
    assert.ok((await note.textContent()).includes('路网'), await note.textContent());
    assert.ok(await tab.locator('#error').isHidden(), 'no stray error besides the note');
    assert.equal(await tab.$$eval('#coverage-table tr', (trs) => trs.length), 0, 'no figures of another reach left shown');
    assert.ok(await tab.$eval('#coverage-radius option[value="walk15"]', (o) => o.disabled), 'the walk is no longer offered');
    assert.equal(await tab.$eval('#coverage-radius', (s) => s.value), '100');
    for (const b of ['#coverage-suggest', '#coverage-csv', '#coverage-png']) assert.ok(await tab.locator(b).isDisabled(), `${b} waits for figures`);
    assert.ok(!seen.some((u) => u.includes('distance=walking') && u.includes('/tiles/')), 'no walking tile asked for');
    await tab.screenshot({ path: join(out, 'coverage-no-paths-note.png') });
    // The language switch re-words the note; the straight-line reaches still work.
    await tab.click('#lang');
    assert.ok((await note.textContent()).includes('no path network'), await note.textContent());
    await tab.click('#coverage-go');
    await tab.waitForFunction(() => document.body.dataset.coverage === 'red_station/100m', null, { timeout: 60000 });
    assert.ok(await note.isHidden());
    assert.ok(await tab.$$eval('#coverage-table tbody tr', (trs) => trs.length) > 0);
    await tab.screenshot({ path: join(out, 'coverage-no-paths.png') });
  } finally {
    await bare.stop();
  }
});
