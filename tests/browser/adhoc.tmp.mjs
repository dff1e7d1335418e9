import { chromium } from 'playwright-core';
import path from 'node:path';
import { Peer, remember, tempRoot, writeConfig } from './peers.mjs';
const root = tempRoot();
writeConfig(path.join(root, 'a'), 'ann');
const a = await new Peer(path.join(root, 'a'), 'ann').start();
writeConfig(path.join(root, 'b'), 'ben <b>bold</b>');
await remember(path.join(root, 'b'), [a]);
const b = await new Peer(path.join(root, 'b'), 'ben').start();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
page.on('console', (m) => console.log('console:', m.type(), m.text()));
page.on('pageerror', (e) => console.log('pageerror:', e.message));
await page.goto(a.viewer + '/peers');
await page.waitForSelector(`li.peerrow[data-peer-id="${b.id}"]`);
for (const [name, url] of [['self', '/self'], ['logs', '/logs'], ['peer', `/peer/${b.id}`], ['view', `/view?open=${b.id}&name=ben`], ['peers-narrow', '/peers']]) {
  if (name === 'peers-narrow') await page.setViewportSize({ width: 700, height: 800 });
  await page.goto(a.viewer + url);
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `/tmp/adhoc/${name}.png` });
}
await browser.close();
await a.stop(); await b.stop();
