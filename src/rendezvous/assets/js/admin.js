// Rendezvous admin dashboard. Polls the admin JSON endpoints every 2 s while the tab is visible:
// /stats.json always (the cards and the peer count), and /peers.json or /logs.json for the
// section on screen. Everything a peer sends (label, email, addresses, version) and every log
// line is inserted with textContent or setAttribute, never as HTML (spec §17.5).
const POLL_MS = 2000;
const $ = (id) => document.getElementById(id);
const SVG_NS = 'http://www.w3.org/2000/svg';

let section = 'overview';
let peers = [];
const openAddrs = new Set();  // peer IDs whose address list is expanded

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

async function getJSON(url) {
  const res = await fetch(url, { cache: 'no-store', credentials: 'same-origin' });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

function setLive(ok) {
  $('live-dot').classList.toggle('down', !ok);
  $('live-text').textContent = ok ? 'live' : 'cannot reach the server';
}

function formatBytes(n) {
  const v = Number(n) || 0;
  if (v < 1024) return `${v} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let x = v / 1024;
  let i = 0;
  while (x >= 1024 && i < units.length - 1) { x /= 1024; i++; }
  return `${x.toFixed(1)} ${units[i]}`;
}

function hash(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); }
  return h >>> 0;
}

function initials(label) {
  const words = String(label || '?').trim().split(/\s+/).filter(Boolean);
  const chars = words.length > 1 ? [words[0][0], words[1][0]] : [...(words[0] || '?')].slice(0, 2);
  return chars.join('').toUpperCase();
}

// An initials avatar, coloured by a hash of label and email.
function avatar(label, email) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 40 40');
  svg.setAttribute('width', '40');
  svg.setAttribute('height', '40');
  svg.setAttribute('class', 'avatar');
  svg.setAttribute('aria-hidden', 'true');
  const circle = document.createElementNS(SVG_NS, 'circle');
  circle.setAttribute('cx', '20');
  circle.setAttribute('cy', '20');
  circle.setAttribute('r', '20');
  circle.setAttribute('fill', `hsl(${hash(`${label}|${email}`) % 360} 55% 45%)`);
  const text = document.createElementNS(SVG_NS, 'text');
  text.setAttribute('x', '20');
  text.setAttribute('y', '25.5');
  text.setAttribute('text-anchor', 'middle');
  text.setAttribute('font-size', '15');
  text.setAttribute('font-weight', '600');
  text.setAttribute('fill', '#fff');
  text.textContent = initials(label);
  svg.append(circle, text);
  return svg;
}

const STATUS = { online: 'on', update: 'up', offline: 'off' };

function peerCard(p) {
  const id = String(p.peer_id || '');
  const label = p.content || '(no label)';
  const li = el('li', 'peer');
  li.dataset.peerId = id;

  const head = el('div', 'peer-head');
  head.append(avatar(p.content || '', p.email || ''));
  const names = el('div', 'peer-names');
  const title = el('div', 'peer-title');
  title.append(el('span', 'peer-label', label));
  if (p.verified) title.append(el('span', 'badge ok', 'verified'));
  else title.append(el('span', 'badge warn', 'unverified'));
  if (p.encryption_supported) title.append(el('span', 'badge', 'encrypted'));
  if (p.ws_connected) title.append(el('span', 'badge ws', 'WS'));
  names.append(title);
  if (p.email) names.append(el('div', 'peer-email', p.email));
  head.append(names);
  const type = String(p.type || '');
  const side = el('div', 'peer-side');
  side.append(el('span', `status ${STATUS[type] || 'up'}`, type || 'unknown'));
  if (p.last_seen) side.append(el('span', 'peer-seen', `seen ${new Date(Number(p.last_seen)).toLocaleTimeString()}`));
  head.append(side);
  li.append(head);

  const meta = el('dl', 'peer-meta');
  const row = (k, v, cls) => { meta.append(el('dt', null, k)); meta.append(el('dd', cls, v)); };
  row('Peer ID', id, 'mono peer-id');
  if (p.goop_client_version) row('Version', p.goop_client_version, 'peer-version');
  if (p.active_template) row('Template', p.active_template);
  row('Traffic', `↑ ${formatBytes(p.bytes_sent)}  ↓ ${formatBytes(p.bytes_received)}`, 'peer-bytes');
  li.append(meta);

  const addrs = Array.isArray(p.addrs) ? p.addrs : [];
  const details = el('details', 'peer-addrs');
  details.append(el('summary', null, `${addrs.length} address${addrs.length === 1 ? '' : 'es'}`));
  const list = el('ul', 'mono');
  for (const a of addrs) list.append(el('li', null, a));
  details.append(list);
  details.open = openAddrs.has(id);
  details.addEventListener('toggle', () => { if (details.open) openAddrs.add(id); else openAddrs.delete(id); });
  li.append(details);
  return li;
}

function applyFilter() {
  const q = $('peer-filter').value.trim().toLowerCase();
  let shown = 0;
  for (const li of $('peer-list').children) {
    const match = !q || li.textContent.toLowerCase().includes(q);
    li.hidden = !match;
    if (match) shown++;
  }
  const empty = $('peers-empty');
  empty.hidden = shown > 0;
  empty.textContent = peers.length === 0 ? 'No peers are connected.' : 'No peer matches the filter.';
}

function renderPeers() {
  $('peer-list').replaceChildren(...peers.map(peerCard));
  applyFilter();
}

function renderStats(s) {
  const set = (id, v) => { $(id).textContent = String(v ?? 0); };
  set('stat-peers', s.peers);
  set('stat-ws', s.ws_clients);
  set('stat-sse', s.sse_clients);
  set('stat-published', s.published);
  set('stat-refused', s.refused);
  set('nav-peer-count', s.peers);
}

function renderLogs(lines) {
  const text = Array.isArray(lines) ? lines.slice().reverse().join('\n') : '';
  $('log-lines').textContent = text || 'No log lines yet.';
}

let busy = false;
async function refresh() {
  if (busy || document.hidden) return;
  busy = true;
  try {
    renderStats(await getJSON('/stats.json'));
    if (section === 'peers') {
      const rows = await getJSON('/peers.json');
      peers = Array.isArray(rows) ? rows : [];
      renderPeers();
    } else if (section === 'logs') {
      renderLogs(await getJSON('/logs.json'));
    }
    setLive(true);
  } catch (e) {
    console.warn(e);
    setLive(false);
  } finally {
    busy = false;
  }
}

function show(name) {
  if (!$(`section-${name}`)) name = 'overview';
  section = name;
  for (const s of document.querySelectorAll('.section')) s.hidden = s.id !== `section-${name}`;
  for (const b of document.querySelectorAll('.side-item')) {
    const active = b.dataset.section === name;
    b.classList.toggle('active', active);
    if (active) b.setAttribute('aria-current', 'page'); else b.removeAttribute('aria-current');
  }
  if (location.hash !== `#${name}`) history.replaceState(null, '', `#${name}`);
  refresh();
}

function tickClock() {
  $('stat-clock').textContent = new Date().toLocaleTimeString([], { hour12: false });
}

for (const b of document.querySelectorAll('.side-item')) b.addEventListener('click', () => show(b.dataset.section));
$('peer-filter').addEventListener('input', applyFilter);
document.addEventListener('visibilitychange', () => { if (!document.hidden) refresh(); });
window.addEventListener('hashchange', () => show(location.hash.slice(1)));
setInterval(refresh, POLL_MS);
setInterval(tickClock, 1000);
tickClock();
show(location.hash.slice(1) || 'overview');
