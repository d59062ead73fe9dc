// End-to-end tests of the web app in headless Chromium against a real `gridmap serve` on a fresh
// SQLite store holding the demo. Screenshots go to test-output/ at the repository root.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import http from 'node:http';
import { freePort, logIn, out, settle as settleOn, sleep, startStack, tokenOf as tokenAt, variance as varianceOn } from './harness.mjs';

let stack, browser, page, base, adminToken;
// A household whose name and address are markup: the app must show them as text.
const XSS_NAME = '<img src=x onerror="document.body.dataset.pwned=1">';
const XSS_ADDRESS = '<script>document.body.dataset.pwned=2</script>';

// Node-side reads of the API, as the admin unless another token is given.
const apiGet = (path, token = adminToken) => fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
const tokenOf = (username) => tokenAt(base, username);
const variance = (png) => varianceOn(page, png);
const settle = () => settleOn(page);
const mapShot = async (name) => page.locator('#map').screenshot({ path: join(out, name) });

before(async () => {
  stack = await startStack({
    users: [['e2e-admin', 'admin'], ['e2e-viewer', 'viewer']],
    prepare: (cli, tmp) => {
      const xss = join(tmp, 'xss.geojson');
      writeFileSync(xss, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature',
        properties: { code: 'HH-XSS-1', head_name: XSS_NAME, address: XSS_ADDRESS, phone: '13800000000' },
        geometry: { type: 'Point', coordinates: [111.6391, 31.8702] } }] }));
      cli(['import', '--layer', 'households', xss]);
    },
  });
  ({ browser, page, base } = stack);
  adminToken = await tokenOf('e2e-admin');
});
after(async () => {
  await stack?.stop();
});

test('the login refuses a wrong password and says so', async () => {
  await page.goto(base + '/');
  assert.ok(await page.locator('#app').isHidden(), 'nothing is shown before login');
  await logIn(page, 'e2e-admin', 'not the password');
  await page.waitForSelector('#login-error:not([hidden])');
  assert.equal(await page.locator('#login-error').textContent(), '用户名或密码错误');
  await page.screenshot({ path: join(out, 'login.png') });
});

test('the map renders with Chinese labels from gridmap glyphs', async () => {
  const glyph = page.waitForResponse((r) => /\/fonts\/.+\/(\d+)-(\d+)\.pbf$/.test(r.url()) && Number(r.url().match(/(\d+)-\d+\.pbf$/)[1]) >= 19968 && r.ok(), { timeout: 30000 });
  await logIn(page, 'e2e-admin');
  await glyph;
  assert.match(await page.locator('#who').textContent(), /e2e-admin（管理员）/);
  await settle();
  const v = await variance(await mapShot('map.png'));
  assert.ok(v > 50, `map looks blank (variance ${v})`);
  assert.equal(await page.locator('#panel h1').textContent(), '网格地图');
});

test('layer toggles change what is drawn', async () => {
  await page.evaluate(() => window.gridmap.jumpTo({ center: [111.6388, 31.8699], zoom: 14 }));
  await settle();
  const before = await mapShot('layers-on.png');
  for (const g of ['areas', 'red_yards', 'paths_layer', 'buildings', 'households_layer', 'stations']) await page.locator(`#toggles input[data-group="${g}"]`).uncheck();
  await settle();
  const offShot = await mapShot('layers-off.png');
  assert.ok(!before.equals(offShot), 'hiding every layer changed nothing');
  assert.ok(await variance(offShot) < await variance(before), 'hiding layers should leave a plainer map');
  for (const g of ['areas', 'red_yards', 'paths_layer', 'buildings', 'households_layer', 'stations']) await page.locator(`#toggles input[data-group="${g}"]`).check();
  await settle();
});

test('dispatcher lists the nearest stations with distances', async () => {
  await page.fill('#lon', '111.6388');
  await page.fill('#lat', '31.8699');
  await page.selectOption('#crs', 'wgs84');
  await page.selectOption('#kind', 'red_station');
  await page.fill('#k', '3');
  await page.click('#dispatch-go');
  await page.waitForFunction(() => document.body.dataset.dispatched === '3');
  const items = await page.locator('#nearest li').allTextContents();
  assert.equal(items.length, 3);
  for (const s of items) assert.match(s, /红色驿站 — \d+ 米$/);
  const chain = await page.locator('#chain li').allTextContents();
  assert.match(chain[0], /南漳县/);
  assert.match(chain.at(-1), /屋场/);
  await page.waitForFunction(() => document.querySelector('#stats strong'));
  await page.evaluate(() => window.gridmap.jumpTo({ center: [111.65, 31.86], zoom: 12 }));
  await settle();
  await page.screenshot({ path: join(out, 'dispatcher.png') });
});

test('a bad coordinate is explained in words', async () => {
  await page.fill('#lon', '32');
  await page.fill('#lat', '112');
  await page.click('#dispatch-go');
  await page.waitForSelector('#error:not([hidden])');
  const msg = await page.locator('#error').textContent();
  assert.ok(msg && msg.length > 5 && !msg.includes('{'), `error shown: ${msg}`);
  await page.screenshot({ path: join(out, 'error.png') });
});

test('clicking an area shows the statistics of the level drawn at that zoom', async () => {
  // Townships are the finest outlines drawn at zoom 9; at zoom 15 every level is.
  for (const [zoom, level] of [[9, 'township'], [15, null]]) {
    await page.evaluate((z) => window.gridmap.jumpTo({ center: [111.6388, 31.8699], zoom: z }), zoom);
    await settle();
    await page.evaluate(() => { document.body.dataset.stats = ''; });
    const box = await page.locator('#map').boundingBox();
    await page.mouse.click(box.x + box.width / 2 + 7, box.y + box.height / 2 - 5);
    await page.waitForFunction(() => document.body.dataset.stats);
    // What the server says lies under the clicked point, and that area's statistics.
    const [lon, lat] = await page.evaluate(() => [document.getElementById('lon').value, document.getElementById('lat').value]);
    const loc = await (await apiGet(`/api/v1/locate?lon=${lon}&lat=${lat}`)).json();
    const want = level ? loc.areas.find((a) => a.level === level) : loc.areas.at(-1);
    assert.ok(want, `no ${level} at ${lon},${lat}`);
    assert.equal(await page.evaluate(() => document.body.dataset.stats), want.code);
    const stats = await (await apiGet(`/api/v1/areas/${want.code}/stats`)).json();
    assert.equal(await page.locator('#stats strong').textContent(), `${want.name}（${want.code}）`);
    assert.ok((await page.locator('#stats li').allTextContents()).includes(`户数：${stats.households}`));
    // The chosen area is outlined on the map.
    const filter = await page.evaluate(() => window.gridmap.getFilter('selected-area'));
    assert.deepEqual(filter, ['==', ['get', 'code'], want.code]);
    await settle();
    await mapShot(`area-z${zoom}.png`);
  }
});

test('household search flies to the household and opens its popup', async () => {
  await page.fill('#q', '黄才辉');
  await page.click('#search-form button');
  await page.waitForSelector('#results li[data-code]');
  const code = await page.locator('#results li[data-code]').first().getAttribute('data-code');
  const res = await (await apiGet(`/api/v1/households/${code}`)).json();
  await page.locator('#results li[data-code]').first().click();
  await page.waitForFunction((c) => document.body.dataset.household === c, code);
  await page.waitForSelector('.maplibregl-popup');
  await sleep(1200);
  await settle();
  const c = await page.evaluate(() => window.gridmap.getCenter().toArray());
  assert.ok(Math.abs(c[0] - res.lon) < 0.001 && Math.abs(c[1] - res.lat) < 0.001, `centre ${c} is not near ${res.lon},${res.lat}`);
  assert.match(await page.locator('.maplibregl-popup').textContent(), new RegExp(res.head_name));
  await page.screenshot({ path: join(out, 'household.png') });
});

test('English toggle re-writes what is shown, and a phone screen', async () => {
  assert.match(await page.locator('.maplibregl-popup').textContent(), /楼栋|区县/);
  await page.click('#lang');
  assert.equal(await page.locator('#panel h1').textContent(), 'gridmap');
  // The lists already on screen follow the language: stations, statistics, the popup's chain.
  const near = await page.locator('#nearest li').allTextContents();
  assert.ok(near.length > 0);
  for (const s of near) assert.match(s, / — Red station — \d+ m$/);
  assert.match((await page.locator('#stats li').allTextContents())[0], /^Households：\d+$/);
  assert.match(await page.locator('#chain li').first().textContent(), /^County：/);
  assert.match(await page.locator('.maplibregl-popup').textContent(), /County：/);
  await page.setViewportSize({ width: 390, height: 844 });
  await settle();
  await page.screenshot({ path: join(out, 'phone-en.png') });
  await page.click('#lang');
});

test('the app works behind a proxy that serves gridmap below a path prefix', async () => {
  // A reverse proxy as nginx or Traefik would be set up: strips the prefix, says so in headers.
  const prefix = '/county/gridmap';
  const upstream = new URL(base);
  const proxy = http.createServer((req, res) => {
    if (!req.url.startsWith(prefix + '/')) { res.writeHead(404); res.end(); return; }
    const headers = { ...req.headers, host: upstream.host, 'x-forwarded-host': req.headers.host, 'x-forwarded-prefix': prefix };
    const up = http.request({ host: upstream.hostname, port: upstream.port, path: req.url.slice(prefix.length), method: req.method, headers },
      (r) => { res.writeHead(r.statusCode, r.headers); r.pipe(res); });
    up.on('error', () => { res.writeHead(502); res.end(); });
    req.pipe(up);
  });
  const port = await freePort();
  await new Promise((ok) => proxy.listen(port, '127.0.0.1', ok));
  const front = `http://127.0.0.1:${port}`;
  const tab = await browser.newPage();
  const seen = [];
  tab.on('request', (r) => {
    seen.push(r.url());
    if (!r.url().startsWith(front + prefix + '/') && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) throw new Error(`request outside the prefix: ${r.url()}`);
  });
  try {
    await tab.setViewportSize({ width: 1200, height: 800 });
    await tab.goto(`${front}${prefix}/`);
    await logIn(tab, 'e2e-admin');
    await tab.waitForFunction(() => window.gridmap && window.gridmap.loaded() && window.gridmap.areTilesLoaded(), null, { timeout: 30000 });
    assert.ok(seen.some((u) => u.startsWith(`${front}${prefix}/tiles/areas/`)), 'tiles come through the prefix');
    assert.ok(seen.some((u) => u.startsWith(`${front}${prefix}/fonts/`)), 'glyphs come through the prefix');
    await tab.fill('#lon', '111.6388');
    await tab.fill('#lat', '31.8699');
    await tab.click('#dispatch-go');
    await tab.waitForFunction(() => Number(document.body.dataset.dispatched) > 0);
    assert.ok(seen.some((u) => u.startsWith(`${front}${prefix}/api/v1/nearest?`)));
    await tab.screenshot({ path: join(out, 'behind-proxy.png') });
  } finally {
    await tab.close();
    proxy.close();
  }
});

test('names with markup are shown as text, never run', async () => {
  await page.fill('#q', 'HH-XSS-1');
  await page.click('#search-form button');
  await page.waitForSelector('#results li[data-code="HH-XSS-1"]');
  const item = await page.locator('#results li[data-code="HH-XSS-1"]').textContent();
  assert.ok(item.includes(XSS_NAME) && item.includes(XSS_ADDRESS), `shown: ${item}`);
  await page.locator('#results li[data-code="HH-XSS-1"]').click();
  await page.waitForFunction(() => document.body.dataset.household === 'HH-XSS-1');
  await page.waitForSelector('.maplibregl-popup');
  assert.ok((await page.locator('.maplibregl-popup').textContent()).includes(XSS_NAME));
  await sleep(500);
  assert.equal(await page.evaluate(() => document.body.dataset.pwned), undefined, 'markup from the data ran');
  assert.equal(await page.locator('#panel img, .maplibregl-popup img').count(), 0, 'markup from the data became elements');
});

test('a viewer is offered areas and stations only', async () => {
  const tab = await browser.newPage();
  const households = [];
  tab.on('request', (r) => { if (r.url().includes('/tiles/households')) households.push(r.url()); });
  try {
    await tab.setViewportSize({ width: 1200, height: 800 });
    await tab.goto(base + '/');
    await logIn(tab, 'e2e-viewer');
    await tab.waitForFunction(() => document.body.dataset.role === 'viewer');
    await tab.waitForFunction(() => window.gridmap && window.gridmap.loaded() && window.gridmap.areTilesLoaded(), null, { timeout: 30000 });
    assert.ok(await tab.locator('#household-section').isHidden());
    assert.equal(await tab.locator('#toggles input[data-group="households_layer"]').count(), 0);
    await tab.evaluate(() => window.gridmap.jumpTo({ center: [111.6388, 31.8699], zoom: 16 }));
    await tab.waitForFunction(() => window.gridmap.loaded() && window.gridmap.areTilesLoaded(), null, { timeout: 30000 });
    assert.deepEqual(households, [], 'a viewer\'s map asked for household tiles');
    // What the server says to the same account.
    const viewer = await tokenOf('e2e-viewer');
    assert.equal((await apiGet('/api/v1/households?q=HH', viewer)).status, 403);
    await tab.screenshot({ path: join(out, 'viewer.png') });
  } finally {
    await tab.close();
  }
});

test('logging out ends the session', async () => {
  const before = await page.evaluate(() => sessionStorage.getItem('gridmap-token'));
  assert.ok(before);
  await page.click('#logout');
  await page.waitForSelector('#login-form');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('gridmap-token')), null);
  assert.equal((await apiGet('/api/v1/auth/me', before)).status, 401, 'the old token still works');
});
