// Logs page (spec/viewer.md §6.10): GET /api/logs, then /api/logs/stream?after=<last seq>, which
// replays what came in between, so no line is lost. At most 2000 lines are kept.
import { $, $$, api, copyText, el, toast } from '../goop.js';

const MAX_LINES = 2000;
const box = $('#logbox');
const filter = $('#log-filter');
const autoscroll = $('#log-autoscroll');
const pauseBtn = $('#log-pause');
const countEl = $('#log-count');
const liveEl = $('#log-live');

let lastSeq = -1;
let paused = false;
let pending = [];   // lines received while paused
let stream = null;
let retry = null;

function normLevel(l) {
  const v = String(l || 'info').toLowerCase();
  if (v === 'warning') return 'warn';
  if (v === 'err') return 'error';
  return v;
}

function fmtTime(ts) {
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return String(ts || '');
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

function lineText(n) {
  return [n.dataset.ts, `[${n.dataset.level}]`, n.dataset.logger ? `[${n.dataset.logger}]` : '', n.dataset.msg]
    .filter(Boolean).join(' ');
}

function matchesFilter(n) {
  const q = filter.value.trim().toLowerCase();
  return !q || lineText(n).toLowerCase().includes(q);
}

function makeLine(e) {
  const level = normLevel(e.level);
  const msg = String(e.msg ?? '');
  const n = el('div', { class: `logline lvl-${level}` },
    el('span', { class: 'log-ts', text: fmtTime(e.ts), title: String(e.ts || '') }),
    el('span', { class: 'log-level', text: level }),
    el('span', { class: 'log-logger', text: e.logger || '', title: e.logger || '' }),
    el('span', { class: 'log-msg', text: msg }));
  n.dataset.ts = String(e.ts || '');
  n.dataset.level = level;
  n.dataset.logger = e.logger || '';
  n.dataset.msg = msg;
  if (!matchesFilter(n)) n.classList.add('filtered');
  return n;
}

function updateCount() {
  const n = box.querySelectorAll('.logline').length;
  countEl.textContent = `${n} line${n === 1 ? '' : 's'}${pending.length ? ` · ${pending.length} waiting` : ''}`;
}

function append(entries) {
  const fresh = entries.filter((e) => typeof e.seq !== 'number' || e.seq > lastSeq);
  if (!fresh.length) return;
  for (const e of fresh) if (typeof e.seq === 'number') lastSeq = Math.max(lastSeq, e.seq);
  if (paused) {
    pending.push(...fresh);
    if (pending.length > MAX_LINES) pending = pending.slice(-MAX_LINES);
    updateCount();
    return;
  }
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  const placeholder = box.querySelector('.log-empty');
  if (placeholder) placeholder.remove();
  const frag = document.createDocumentFragment();
  for (const e of fresh.slice(-MAX_LINES)) frag.append(makeLine(e));
  box.append(frag);
  const lines = box.querySelectorAll('.logline');
  for (let i = 0; i < lines.length - MAX_LINES; i++) lines[i].remove();
  if (autoscroll.checked && (nearBottom || fresh.length === entries.length)) box.scrollTop = box.scrollHeight;
  updateCount();
}

function setLive(state) {
  liveEl.className = `live-dot ${state}`;
  liveEl.textContent = state === 'live' ? 'live' : state === 'paused' ? 'paused' : 'reconnecting…';
}

function connect() {
  if (stream) stream.close();
  stream = new EventSource(`/api/logs/stream?after=${Math.max(0, lastSeq)}`);
  stream.addEventListener('open', () => setLive(paused ? 'paused' : 'live'));
  stream.addEventListener('message', (ev) => {
    try { append([JSON.parse(ev.data)]); } catch { /* not a log line */ }
  });
  stream.addEventListener('error', () => {
    setLive('');
    // Reopen from the last line we have (EventSource alone would replay from the old `after`).
    stream.close();
    clearTimeout(retry);
    retry = setTimeout(connect, 3000);
  });
}

$$('.log-tab').forEach((tab) => tab.addEventListener('click', () => {
  $$('.log-tab').forEach((t) => { t.classList.toggle('active', t === tab); t.setAttribute('aria-selected', t === tab ? 'true' : 'false'); });
  box.dataset.tab = tab.dataset.tab;
  if (autoscroll.checked) box.scrollTop = box.scrollHeight;
}));

filter.addEventListener('input', () => {
  for (const n of box.querySelectorAll('.logline')) n.classList.toggle('filtered', !matchesFilter(n));
});

pauseBtn.addEventListener('click', () => {
  paused = !paused;
  pauseBtn.textContent = paused ? 'Resume' : 'Pause';
  pauseBtn.classList.toggle('btn-primary', paused);
  setLive(paused ? 'paused' : 'live');
  if (!paused && pending.length) {
    const p = pending;
    pending = [];
    const last = lastSeq;
    lastSeq = -1;  // already counted: let append() take them
    append(p);
    lastSeq = Math.max(last, lastSeq);
  }
  updateCount();
});

$('#copyLogsBtn').addEventListener('click', async () => {
  const visible = [...box.querySelectorAll('.logline')].filter((n) => n.offsetParent !== null);
  const ok = await copyText(visible.map(lineText).join('\n'));
  if (ok) toast('Copied', `${visible.length} line${visible.length === 1 ? '' : 's'} copied`, 'success');
  else toast('Copy failed', 'Select the lines and copy them by hand.', 'warning');
});

async function start() {
  try {
    const snap = await api('GET', '/api/logs');
    if (Array.isArray(snap)) append(snap);
  } catch (e) {
    toast('Logs not loaded', e.message, 'error');
  }
  if (!box.querySelector('.logline')) box.append(el('div', { class: 'log-empty', text: 'No log lines yet.' }));
  updateCount();
  connect();
}
start();
