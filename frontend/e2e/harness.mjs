// What the end-to-end suites share: a real `gridmap serve` on a fresh SQLite store holding the demo
// (with accounts made by `gridmap user add`), headless Chromium driving the app, Node-side calls of
// the API, and pixel measures of screenshots. Screenshots go to test-output/ at the repository root.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { chromium } from 'playwright-core';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const bin = join(root, 'target', 'debug', 'gridmap');
export const out = join(root, 'test-output');
const chrome = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const PASSWORD = 'e2e password 1';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const freePort = () => new Promise((ok) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); });
});

/**
 * Loads the demo into a fresh store, adds `users` (`[name, role, scope?]`, password PASSWORD), runs
 * `prepare(cli)` (cli runs the gridmap binary against that store), serves it and opens Chromium.
 * `without` names demo layers not to load (`['paths']`: a store with no path network).
 * Every request the page makes outside gridmap fails the test.
 */
export async function startStack({ users, prepare, without = [] }) {
  mkdirSync(out, { recursive: true });
  assert.ok(existsSync(bin), `${bin} is missing: run cargo build first`);
  const tmp = mkdtempSync(join(tmpdir(), 'gridmap-e2e-'));
  const db = `sqlite://${tmp}/g.db`;
  const cli = (args, input) => execFileSync(bin, ['--database', db, ...args], { cwd: root, input,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'ignore'] });
  if (without.length === 0) {
    cli(['demo', 'load']);
  } else {
    // The demo loader skips a layer whose file is absent: a copy of the demo without those files.
    const geodata = join(tmp, 'geodata');
    mkdirSync(geodata);
    for (const f of readdirSync(join(root, 'geodata'))) {
      if (f.endsWith('.geojson') && !without.includes(f.replace(/\.geojson$/, ''))) {
        symlinkSync(join(root, 'geodata', f), join(geodata, f));
      }
    }
    cli(['demo', 'load', '--geodata', geodata]);
  }
  for (const [name, role, scope] of users) {
    cli(['user', 'add', name, '--role', role, ...(scope ? ['--scope', scope] : [])], `${PASSWORD}\n`);
  }
  prepare?.(cli, tmp);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(bin, ['--database', db, 'serve', '--no-demo', '--bind', `127.0.0.1:${port}`], { cwd: root, stdio: 'ignore' });
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${base}/readyz`)).ok) break; } catch { /* not up yet */ }
    assert.ok(i < 600, 'server did not become ready');
    await sleep(100);
  }
  // A fresh profile per run (playwright takes it as the persistent context's folder).
  const browser = await chromium.launchPersistentContext(join(tmp, 'profile'), {
    executablePath: chrome,
    viewport: { width: 1200, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const page = browser.pages()[0] ?? await browser.newPage();
  const local = (url) => url.startsWith(base) || url.startsWith('data:') || url.startsWith('blob:');
  page.on('request', (r) => { if (!local(r.url())) throw new Error(`request outside gridmap: ${r.url()}`); });
  return {
    base, browser, page, tmp, cli,
    async stop() {
      await browser.close();
      server.kill();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** A bearer token of `username` (password PASSWORD). */
export async function tokenOf(base, username) {
  const res = await fetch(`${base}/api/v1/auth/token`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }),
  });
  assert.equal(res.status, 200, `login of ${username}`);
  return (await res.json()).token;
}

/** A Node-side API call: `send(base, token, 'PUT', path, body, headers)` → `{status, body, headers}`. */
export async function send(base, token, method, path, body, headers = {}) {
  const res = await fetch(`${base}${path}`, {
    method, headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed = null;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** Logs in through the app's own form. */
export async function logIn(tab, username, password = PASSWORD) {
  await tab.waitForSelector('#login-form');
  await tab.fill('#username', username);
  await tab.fill('#password', password);
  await tab.click('#login-go');
}

/** Waits until the map has loaded its style and every tile in view, then a moment for drawing. */
export async function settle(tab) {
  await tab.waitForFunction(() => window.gridmap && window.gridmap.loaded() && window.gridmap.areTilesLoaded(), null, { timeout: 30000 });
  await sleep(400);
}

/** The colour [r, g, b] of a screenshot `png` of the element `selector` at its CSS pixel (x, y),
 * read in the page itself (the screenshot may be at the device's pixel ratio). */
export async function pixelAt(tab, png, x, y, selector) {
  return tab.evaluate(async ([b64, px, py, sel]) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + b64;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const s = img.width / document.querySelector(sel).clientWidth;
    const d = g.getImageData(Math.round(px * s), Math.round(py * s), 1, 1).data;
    return [d[0], d[1], d[2]];
  }, [png.toString('base64'), x, y, selector]);
}

/** Pixel spread of a PNG screenshot, measured in the page itself (no image library needed). */
export async function variance(tab, png) {
  return tab.evaluate(async (b64) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + b64;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let n = 0, s = 0, s2 = 0;
    for (let i = 0; i < d.length; i += 16) { const v = (d[i] + d[i + 1] + d[i + 2]) / 3; n++; s += v; s2 += v * v; }
    return s2 / n - (s / n) ** 2;
  }, png.toString('base64'));
}

/** Share of pixels (0–1) that differ by more than a little between two PNGs of the same size. */
export async function pixelDifference(tab, a, b) {
  return tab.evaluate(async ([x, y]) => {
    const load = async (b64) => {
      const img = new Image();
      img.src = 'data:image/png;base64,' + b64;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width; c.height = img.height;
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      return g.getImageData(0, 0, c.width, c.height).data;
    };
    const [p, q] = [await load(x), await load(y)];
    if (p.length !== q.length) return 1;
    let differ = 0;
    for (let i = 0; i < p.length; i += 4) {
      if (Math.abs(p[i] - q[i]) + Math.abs(p[i + 1] - q[i + 1]) + Math.abs(p[i + 2] - q[i + 2]) > 24) differ++;
    }
    return differ / (p.length / 4);
  }, [a.toString('base64'), b.toString('base64')]);
}
