// Real `goop2 peer` processes for the browser tests (the JS twin of tests/support/peer_process):
// each gets a temp folder with goop.json (viewer on a free loopback port, fast presence, a topic
// and mDNS tag unique to this run) and, when it should know other peers at start, a data.db
// with their loopback addresses in the peer cache (multicast may not work on this machine).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const HEARTBEAT = 1;
export const TTL = 4;

export function goop2Binary() {
  const bin = process.env.GOOP2_BIN || path.resolve(import.meta.dirname, '../../build/dev/goop2');
  if (!fs.existsSync(bin)) throw new Error(`goop2 binary not found at ${bin}; set GOOP2_BIN`);
  return bin;
}

export function tempRoot() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'goop2-browser-'));
}

const runId = `ui-${process.pid}-${Date.now().toString(36)}`;

// The peer-cache table exactly as src/goop/presence/peer_cache.cpp creates it.
const CREATE_CACHE = `CREATE TABLE IF NOT EXISTS _peer_cache (
  peer_id TEXT PRIMARY KEY, content TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '',
  avatar_hash TEXT NOT NULL DEFAULT '', video_disabled INTEGER NOT NULL DEFAULT 0,
  active_template TEXT NOT NULL DEFAULT '', verified INTEGER NOT NULL DEFAULT 0,
  addrs TEXT NOT NULL DEFAULT '[]', last_seen DATETIME DEFAULT CURRENT_TIMESTAMP,
  protocols TEXT NOT NULL DEFAULT '[]', public_key TEXT NOT NULL DEFAULT '')`;

// Writes <dir>/data.db remembering `others` (started Peers) by their 127.0.0.1 addresses.
export async function remember(dir, others) {
  const initSqlJs = require('sql.js');
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run(CREATE_CACHE);
  for (const o of others) {
    const addrs = o.listen.filter((a) => a.startsWith('/ip4/127.0.0.1/')).map((a) => a.slice(0, a.indexOf('/p2p/')));
    if (!addrs.length) throw new Error(`peer ${o.label} has no 127.0.0.1 listen address: ${o.listen.join(', ')}`);
    db.run('INSERT INTO _peer_cache (peer_id, content, addrs) VALUES (?, ?, ?)', [o.id, '(remembered)', JSON.stringify(addrs)]);
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'data.db'), Buffer.from(db.export()));
  db.close();
}

export function writeConfig(dir, label, extra = {}) {
  fs.mkdirSync(dir, { recursive: true });
  const cfg = {
    profile: { label },
    viewer: { http_addr: '', peer_offline_grace_min: 1, ...(extra.viewer || {}) },
    p2p: { mdns_tag: runId },
    presence: { topic: `goop.presence.${runId}`, heartbeat_seconds: HEARTBEAT, ttl_seconds: TTL },
  };
  fs.writeFileSync(path.join(dir, 'goop.json'), JSON.stringify(cfg, null, 2));
}

export class Peer {
  constructor(dir, label) {
    this.dir = dir;
    this.label = label;
    this.proc = null;
    this.out = '';
    this.id = '';
    this.viewer = '';
    this.listen = [];
  }

  async start(timeoutMs = 20000) {
    const log = fs.openSync(path.join(this.dir, 'goop2.log'), 'a');
    this.proc = spawn(goop2Binary(), ['peer', this.dir], { stdio: ['ignore', 'pipe', log] });
    fs.closeSync(log);
    this.exited = new Promise((resolve) => this.proc.once('exit', (code, sig) => resolve({ code, sig })));
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.label}: no banner within ${timeoutMs} ms:\n${this.out}\n${this.log()}`)), timeoutMs);
      this.proc.stdout.on('data', (chunk) => {
        this.out += chunk.toString();
        if (this.out.includes('Press Ctrl+C to stop.')) { clearTimeout(timer); resolve(); }
      });
      this.proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${this.label} exited (${code}) before its banner:\n${this.out}\n${this.log()}`)); });
    });
    const value = (key) => {
      const m = this.out.match(new RegExp(`^  ${key}\\s+(.+)$`, 'm'));
      return m ? m[1].trim() : '';
    };
    this.id = value('peer ID').slice(0, 52);
    this.viewer = value('viewer');
    this.listen = [...this.out.matchAll(/^ {2}listen\s+(\S+)/gm)].map((m) => m[1]);
    if (!this.viewer.startsWith('http://')) throw new Error(`${this.label}: no viewer URL in the banner:\n${this.out}`);
    return this;
  }

  log() {
    try { return fs.readFileSync(path.join(this.dir, 'goop2.log'), 'utf8'); } catch { return ''; }
  }

  config() { return JSON.parse(fs.readFileSync(path.join(this.dir, 'goop.json'), 'utf8')); }

  async api(pathname) {
    const res = await fetch(this.viewer + pathname);
    return res.json();
  }

  async stop(signal = 'SIGTERM', timeoutMs = 10000) {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill(signal);
    const t = delay(timeoutMs).then(() => 'timeout');
    if ((await Promise.race([this.exited, t])) === 'timeout') this.proc.kill('SIGKILL');
    await this.exited;
  }
}

// Polls `fn` until it returns a truthy value or `timeoutMs` passes (for conditions that only an
// HTTP API shows); each try waits `everyMs`. Returns the value; throws with `what` on timeout.
export async function waitFor(what, fn, timeoutMs = 10000, everyMs = 100) {
  const until = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try { last = await fn(); if (last) return last; } catch (e) { last = e; }
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last})`);
    await delay(everyMs);
  }
}
