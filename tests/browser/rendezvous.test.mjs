// Browser tests of the rendezvous server's pages (issue 6): Debian's chromium, driven by
// playwright-core, against real `goop2 rendezvous <dir>` processes on 127.0.0.1. Two fake peers
// publish their presence over POST /publish (fresh Ed25519 peer IDs made here); one of them has
// a label that is an HTML injection attempt, which the admin dashboard must show as text.
//
//   GOOP2_BIN=build/dev/goop2 node --test tests/browser/rendezvous.test.mjs
//
// Screenshots (landing, docs, admin; dark and light) go to $GOOP_SCREENSHOT_DIR (default:
// <repo>/build/screenshots), next to the viewer's.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import { goop2Binary, tempRoot, waitFor } from './peers.mjs';

const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const SHOTS = process.env.GOOP_SCREENSHOT_DIR || path.resolve(import.meta.dirname, '../../build/screenshots');
const PASSWORD = 's3cret';
const EVIL = '<img src=x onerror="window.__xss=1">mallory';

// A port that was free a moment ago (the rendezvous takes its port from goop.json).
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// base58btc (Bitcoin alphabet), for peer IDs.
function base58(bytes) {
  const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  let n = BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
  let out = '';
  while (n > 0n) { out = ALPHABET[Number(n % 58n)] + out; n /= 58n; }
  for (const b of bytes) { if (b !== 0) break; out = `1${out}`; }
  return out;
}

// A new Ed25519 libp2p peer ID: identity multihash of the protobuf PublicKey {Type: Ed25519, Data}.
function newPeerId() {
  const { publicKey } = crypto.generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const pb = Buffer.concat([Buffer.from([0x08, 0x01, 0x12, 0x20]), raw]);
  return base58(Buffer.concat([Buffer.from([0x00, pb.length]), pb]));
}

class Rendezvous {
  constructor(dir, presence) {
    this.dir = dir;
    this.presence = presence;
    this.out = '';
    this.url = '';
  }

  async start(timeoutMs = 20000) {
    fs.mkdirSync(this.dir, { recursive: true });
    const port = await freePort();
    fs.writeFileSync(path.join(this.dir, 'goop.json'), JSON.stringify({
      presence: { rendezvous_host: true, rendezvous_only: true, rendezvous_port: port, ...this.presence },
    }, null, 2));
    this.proc = spawn(goop2Binary(), ['rendezvous', this.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.proc.once('exit', (code, sig) => resolve({ code, sig })));
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`rendezvous: no listening line within ${timeoutMs} ms:\n${this.out}`)), timeoutMs);
      const onData = (chunk) => {
        this.out += chunk.toString();
        const m = this.out.match(/rendezvous listening on (http:\/\/127\.0\.0\.1:\d+)/);
        if (m) { clearTimeout(timer); this.url = m[1]; resolve(); }
      };
      this.proc.stdout.on('data', onData);
      this.proc.stderr.on('data', onData);
      this.proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`rendezvous exited (${code}) before listening:\n${this.out}`)); });
    });
    assert.equal(this.url, `http://127.0.0.1:${port}`, 'listens on the port from goop.json');
    return this;
  }

  async publish(msg) {
    const res = await fetch(`${this.url}/publish`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(msg),
    });
    assert.equal(res.status, 204, `POST /publish: ${res.status} ${await res.text()}`);
  }

  async stop(timeoutMs = 10000) {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill('SIGTERM');
    if ((await Promise.race([this.exited, delay(timeoutMs).then(() => 'timeout')])) === 'timeout') this.proc.kill('SIGKILL');
    await this.exited;
  }
}

const basic = (user, password) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('rendezvous pages in a browser', { timeout: 120000 }, () => {
  let root;
  let rv;        // with admin_password
  let open;      // without admin_password
  let browser;
  const peers = [
    { id: newPeerId(), label: 'ann’s garden', email: 'ann@example.org', addrs: ['/ip4/203.0.113.7/tcp/4001', '/ip4/198.51.100.2/tcp/4001'] },
    { id: newPeerId(), label: EVIL, email: 'mallory@example.org', addrs: ['/ip4/203.0.113.9/tcp/4002'] },
  ];
  const cspErrors = [];

  const newPage = async (contextOptions = {}) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, deviceScaleFactor: 1, ...contextOptions });
    context.setDefaultTimeout(10000);
    const page = await context.newPage();
    page.on('pageerror', (e) => cspErrors.push(`page error: ${e.message}`));
    page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) cspErrors.push(m.text()); });
    return page;
  };
  const shot = async (page, name) => {
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.evaluate(() => document.activeElement?.blur?.());
    await page.mouse.move(0, 700);
    await page.screenshot({ path: path.join(SHOTS, `rendezvous-${name}.png`), fullPage: false, animations: 'disabled' });
  };
  const setTheme = async (page, theme) => {
    if ((await page.getAttribute('html', 'data-theme')) !== theme) {
      await page.click('#theme-toggle');
      await page.waitForFunction((t) => document.documentElement.dataset.theme === t, theme, { timeout: 2000 });
    }
  };

  before(async () => {
    root = tempRoot();
    rv = await new Rendezvous(path.join(root, 'rv'), { admin_password: PASSWORD }).start();
    open = await new Rendezvous(path.join(root, 'rv-open'), {}).start();
    for (const p of peers) {
      await rv.publish({ type: 'online', peerId: p.id, content: p.label, email: p.email, addrs: p.addrs,
        goopClientVersion: '0.6.0-test', ts: Date.now() });
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
    });
  });

  after(async () => {
    if (browser) await browser.close();
    await Promise.all([rv?.stop(), open?.stop()]);
    if (root && !process.env.GOOP_KEEP_TMP) fs.rmSync(root, { recursive: true, force: true });
  });

  test('the landing page explains Goop2, shows the connect URL and links Docs and Admin', async () => {
    const page = await newPage({ colorScheme: 'dark' });
    const res = await page.goto(`${rv.url}/`);
    assert.equal(res.status(), 200);
    assert.equal(res.headers()['content-security-policy'], "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
    assert.equal(await page.title(), 'Goop² Rendezvous');
    assert.match(await page.textContent('.hero'), /ephemeral web/i);
    assert.deepEqual(await page.$$eval('.connect-urls button', (bs) => bs.map((b) => b.dataset.copy)), [rv.url]);
    assert.match(await page.textContent('.snippet'), new RegExp(`"rendezvous_wan": "${rv.url}"`));
    assert.equal(await page.locator('.bar-links a[href="/docs"]').count(), 1);
    assert.equal(await page.locator('.bar-links a[href="/admin"]').count(), 1);
    await setTheme(page, 'dark');
    await shot(page, 'landing-dark');
    await setTheme(page, 'light');
    await page.reload();
    assert.equal(await page.getAttribute('html', 'data-theme'), 'light', 'the theme survives a reload (localStorage)');
    await shot(page, 'landing-light');
    await page.context().close();
  });

  test('the docs site has a sidebar and prev/next links', async () => {
    const page = await newPage({ colorScheme: 'light' });
    await page.goto(`${rv.url}/docs`);
    assert.equal(new URL(page.url()).pathname, '/docs/overview');
    assert.equal((await page.textContent('.doc h1')).trim(), 'Overview');
    assert.deepEqual(await page.$$eval('.docs-nav a', (as) => as.map((a) => a.getAttribute('href'))),
      ['/docs/overview', '/docs/quickstart', '/docs/connecting', '/docs/configuration', '/docs/faq']);
    await shot(page, 'docs-light');
    await page.click('.pager a.next');
    await page.waitForURL(/\/docs\/quickstart$/);
    assert.equal(await page.getAttribute('.docs-nav a.current', 'href'), '/docs/quickstart');
    await page.goto(`${rv.url}/docs/configuration`);
    assert.ok((await page.locator('.doc table').count()) > 0, 'the configuration page has tables');
    await setTheme(page, 'dark');
    await shot(page, 'docs-dark');
    const missing = await page.goto(`${rv.url}/docs/no-such-page`);
    assert.equal(missing.status(), 404);
    await page.context().close();
  });

  test('the admin dashboard lists both peers, live, with peer text shown as text', async () => {
    const page = await newPage({ httpCredentials: { username: 'admin', password: PASSWORD }, colorScheme: 'dark' });
    const res = await page.goto(`${rv.url}/admin`);
    assert.equal(res.status(), 200);
    await waitFor('the peer count card', async () => (await page.textContent('#stat-peers')).trim() === '2', 5000);
    await setTheme(page, 'dark');
    await shot(page, 'admin-overview-dark');

    await page.click('.side-item[data-section="peers"]');
    for (const p of peers) await page.waitForSelector(`#peer-list li.peer[data-peer-id="${p.id}"]`, { timeout: 5000 });
    const card = (p) => `#peer-list li.peer[data-peer-id="${p.id}"]`;
    assert.equal(await page.textContent(`${card(peers[0])} .peer-label`), peers[0].label);
    assert.equal(await page.textContent(`${card(peers[1])} .peer-label`), EVIL, 'the HTML in a label is shown as text');
    assert.equal(await page.locator('#peer-list img').count(), 0, 'no element was created from a label');
    assert.equal(await page.evaluate(() => window.__xss), undefined, 'no script ran from a label');
    assert.equal(await page.textContent(`${card(peers[0])} .peer-email`), peers[0].email);
    assert.equal(await page.textContent(`${card(peers[0])} .peer-id`), peers[0].id);
    assert.equal(await page.textContent(`${card(peers[0])} .peer-version`), '0.6.0-test');
    assert.equal(await page.locator(`${card(peers[0])} .peer-addrs li`).count(), 2);
    assert.equal(await page.isVisible(`${card(peers[0])} .peer-addrs li`), false, 'addresses start collapsed');
    await page.click(`${card(peers[0])} .peer-addrs summary`);
    assert.equal(await page.isVisible(`${card(peers[0])} .peer-addrs li >> nth=0`), true);
    await shot(page, 'admin-peers-dark');

    // A presence published now appears without a reload (the list polls every 2 s).
    await rv.publish({ type: 'update', peerId: peers[0].id, content: 'ann renamed', email: peers[0].email,
      addrs: peers[0].addrs, goopClientVersion: '0.6.0-test', ts: Date.now() });
    await page.waitForFunction((id) => document.querySelector(`li.peer[data-peer-id="${id}"] .peer-label`)?.textContent === 'ann renamed',
      peers[0].id, { timeout: 6000 });
    assert.equal(await page.isVisible(`${card(peers[0])} .peer-addrs li >> nth=0`), true, 'an expanded address list stays open across refreshes');

    await page.fill('#peer-filter', 'mallory');
    assert.equal(await page.isVisible(card(peers[0])), false, 'the filter hides non-matching peers');
    assert.equal(await page.isVisible(card(peers[1])), true);
    await page.fill('#peer-filter', '');
    await setTheme(page, 'light');
    await shot(page, 'admin-peers-light');

    await page.click('.side-item[data-section="logs"]');
    await waitFor('log lines', async () => {
      const t = (await page.textContent('#log-lines')) || '';
      return t.trim() !== '' && t !== 'No log lines yet.';
    }, 5000);
    await shot(page, 'admin-logs-light');
    await page.context().close();
  });

  test('the admin routes refuse missing or wrong credentials with 401', async () => {
    // Chromium answers the Basic challenge with the context's credentials; with none (or wrong
    // ones) it either shows the 401 page or gives up with ERR_INVALID_AUTH_CREDENTIALS.
    for (const creds of [undefined, { username: 'admin', password: 'wrong' }]) {
      const page = await newPage(creds ? { httpCredentials: creds } : {});
      const statuses = [];
      page.on('response', (r) => { if (new URL(r.url()).pathname === '/admin') statuses.push(r.status()); });
      const outcome = await page.goto(`${rv.url}/admin`).then((r) => r.status(), (e) => e.message);
      assert.ok(outcome === 401 || /ERR_INVALID_AUTH_CREDENTIALS/.test(String(outcome)), `outcome: ${outcome}`);
      assert.ok(statuses.length > 0 && statuses.every((st) => st === 401), `statuses: ${statuses}`);
      assert.equal(await page.locator('#stat-peers').count(), 0, 'the dashboard was not shown');
      await page.context().close();
    }
    for (const p of ['/admin', '/peers.json', '/logs.json']) {
      const wrong = await fetch(`${rv.url}${p}`, { headers: { Authorization: basic('admin', 'wrong') } });
      assert.equal(wrong.status, 401, p);
      assert.equal(wrong.headers.get('www-authenticate'), 'Basic realm="Goop2 Admin"', p);
      assert.equal(await wrong.text(), 'unauthorized\n', p);
    }
    const json = await fetch(`${rv.url}/peers.json`, { headers: { Authorization: basic('admin', PASSWORD) } });
    assert.equal(json.status, 200);
    assert.match(json.headers.get('content-type'), /^application\/json/);
    assert.equal(json.headers.get('cache-control'), 'no-store');
    const rows = await json.json();
    assert.deepEqual(new Set(rows.map((r) => r.peer_id)), new Set(peers.map((p) => p.id)));
  });

  test('without admin_password the admin panel is disabled and not linked', async () => {
    for (const p of ['/admin', '/peers.json', '/logs.json']) {
      const res = await fetch(`${open.url}${p}`, { headers: { Authorization: basic('admin', '') } });
      assert.equal(res.status, 403, p);
      assert.equal(await res.text(), 'admin panel disabled\n', p);
    }
    const page = await newPage({ colorScheme: 'light' });
    await page.goto(`${open.url}/`);
    assert.equal(await page.locator('a[href="/admin"]').count(), 0);
    assert.equal(await page.locator('.bar-links a[href="/docs"]').count(), 1);
    await page.context().close();
  });

  test('no page broke its Content-Security-Policy or threw', () => {
    assert.deepEqual(cspErrors, []);
  });
});
