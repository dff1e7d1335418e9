// Goop² viewer: the module every page imports. It wires the layout shell (theme switch, token,
// session reset, toasts) and exports small helpers:
//   api(method, path, body)   JSON request with the management token (X-Goop-Token)
//   onBus(handler)            /api/mq/events (peer:announce, peer:gone, ...) with reconnect
//   toast(title, body, level) text-only notifications
//   el(tag, attrs, ...kids)   DOM building without innerHTML (peer labels are hostile input)
// Nothing here ever assigns remote strings to innerHTML.

const body = document.body;
const meta = document.querySelector('meta[name="goop-token"]');
export const token = meta ? meta.content : '';
export const selfId = body.dataset.selfId || '';
export const openSitesExternal = body.dataset.openSitesExternal === 'true';
export const hideUnverified = body.dataset.hideUnverified === 'true';

// ---------- DOM ----------
export function el(tag, attrs, ...kids) {
  const node = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else if (k === 'dataset') Object.assign(node.dataset, v);
      else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
      else if (v === true) node.setAttribute(k, '');
      else node.setAttribute(k, String(v));
    }
  }
  for (const kid of kids.flat()) {
    if (kid === undefined || kid === null || kid === false) continue;
    node.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return node;
}
export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

// ---------- API ----------
export class ApiError extends Error {
  constructor(status, message, field) {
    super(message);
    this.status = status;
    this.field = field || '';
  }
}

// Sends `body` as is (a Blob, a string) with `contentType`; see api() for the answer.
export async function send(method, path, body, contentType) {
  const headers = { 'X-Goop-Token': token, Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = contentType;
    init.body = body;
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'The viewer did not answer (is the peer still running?)');
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = text; }
  }
  if (!res.ok) {
    const msg = (data && typeof data === 'object' && data.error) ? data.error
      : (typeof data === 'string' && data.trim()) ? data.trim() : `${method} ${path} failed (HTTP ${res.status})`;
    throw new ApiError(res.status, msg, data && typeof data === 'object' ? data.field : '');
  }
  return data;
}

// A JSON request with the management token; resolves to the parsed answer (null if empty),
// rejects with ApiError {status, message, field} (message from {"error"}).
export function api(method, path, body) {
  return send(method, path, body === undefined ? undefined : JSON.stringify(body), 'application/json');
}

// ---------- event bus (/api/mq/events) ----------
const busHandlers = new Set();
let bus = null;
let busRetry = null;
const busStateHandlers = new Set();

function openBus() {
  if (bus) return;
  bus = new EventSource('/api/mq/events');
  bus.addEventListener('connected', () => busStateHandlers.forEach((h) => h(true)));
  bus.addEventListener('message', (ev) => {
    let m;
    try { m = JSON.parse(ev.data); } catch { return; }
    if (!m || m.type !== 'message' || !m.msg) return;
    for (const h of busHandlers) {
      try { h(m.msg.topic, m.msg.payload || {}, m); } catch (e) { console.error(e); }
    }
  });
  bus.addEventListener('error', () => {
    busStateHandlers.forEach((h) => h(false));
    if (bus.readyState === EventSource.CLOSED) {
      bus = null;
      clearTimeout(busRetry);
      busRetry = setTimeout(openBus, 3000);
    }
  });
}

// handler(topic, payload, raw) for every bus message; returns an unsubscribe function.
export function onBus(handler, onState) {
  busHandlers.add(handler);
  if (onState) busStateHandlers.add(onState);
  openBus();
  return () => { busHandlers.delete(handler); if (onState) busStateHandlers.delete(onState); };
}

// ---------- peers ----------
// One shape for an /api/peers row (PascalCase) and a peer:announce payload (camelCase).
export function normPeer(r) {
  const pick = (...keys) => { for (const k of keys) if (r[k] !== undefined) return r[k]; return undefined; };
  return {
    id: pick('ID', 'peerID', 'id') || '',
    label: pick('Content', 'content') || '',
    email: pick('Email', 'email') || '',
    avatarHash: pick('AvatarHash', 'avatarHash') || '',
    verified: !!pick('Verified', 'verified'),
    reachable: !!pick('Reachable', 'reachable'),
    offline: !!pick('Offline', 'offline'),
    lastSeen: pick('LastSeen', 'lastSeen') || '',
    favorite: !!pick('Favorite', 'favorite'),
    connection: pick('Connection', 'connection') || '',
    activeTemplate: pick('ActiveTemplate', 'activeTemplate') || '',
    videoDisabled: !!pick('VideoDisabled', 'videoDisabled'),
  };
}

export const shortId = (id) => (id.length > 14 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id);
export const displayName = (p) => p.label || `${p.id.slice(0, 8)}…`;

export function initials(name) {
  // Letters and digits only: a label such as "<b>x</b>" gives "BX", not "<B".
  const words = String(name || '').split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  if (words.length === 0) return '?';
  const chars = words.length > 1 ? [...words[0]][0] + [...words[1]][0] : [...words[0]].slice(0, 2).join('');
  return chars.toUpperCase();
}

export const connectionText = { lan: 'LAN', direct: 'direct', relay: 'relayed' };

// "online" | "unreachable" | "offline"
export function peerState(p) {
  if (p.offline) return 'offline';
  return p.reachable ? 'online' : 'unreachable';
}

// A time as milliseconds since the epoch: /api/peers sends RFC 3339, peer:announce milliseconds.
export function toMillis(v) {
  if (typeof v === 'number') return v;
  const t = Date.parse(v || '');
  return Number.isNaN(t) ? 0 : t;
}

export function timeAgo(iso) {
  const t = toMillis(iso);
  if (!t) return '';
  const s = Math.max(0, Math.round((Date.now() - t) / 1000));
  if (s < 10) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  return new Date(t).toLocaleDateString();
}

// An avatar: initials underneath, the image on top; a failed image leaves the initials.
export function avatar(src, name, cls = '') {
  const img = el('img', { class: 'avatar-img', src, alt: '', loading: 'lazy', decoding: 'async' });
  img.addEventListener('error', () => img.classList.add('broken'));
  return el('span', { class: `avatar ${cls}`.trim(), 'data-initials': initials(name) }, img);
}
export const peerAvatarUrl = (p) => `/api/avatar/peer/${encodeURIComponent(p.id)}?v=${encodeURIComponent(p.avatarHash || '0')}`;

// Opens a peer's site: a new window in external mode, else a tab of /view.
export function openSite(id, name) {
  if (openSitesExternal) {
    window.open(`/p/${encodeURIComponent(id)}/`, '_blank', 'noopener');
  } else {
    const q = new URLSearchParams({ open: id, name: name || '' });
    location.href = `/view?${q}`;
  }
}

// ---------- toasts ----------
const toastTimes = { error: 6000, warning: 5000, success: 3000, info: 4000 };
export function toast(title, text = '', level = 'info', opts = {}) {
  const box = $('.toast-container');
  if (!box) return;
  const msg = String(text);
  const t = el('div', { class: `toast ${level}`, role: level === 'error' ? 'alert' : 'status' },
    el('div', { class: 'toast-title', text: title }),
    el('button', { class: 'toast-close', type: 'button', 'aria-label': 'Dismiss', text: '×' }),
    msg ? el('div', { class: 'toast-body', text: msg.length > 160 ? `${msg.slice(0, 157)}…` : msg }) : null);
  const close = () => {
    t.classList.add('leaving');
    setTimeout(() => t.remove(), 200);
  };
  t.querySelector('.toast-close').addEventListener('click', (e) => { e.stopPropagation(); close(); });
  if (opts.onClick) t.addEventListener('click', opts.onClick);
  box.append(t);
  setTimeout(close, opts.ms || toastTimes[level] || 4000);
}

// ---------- clipboard ----------
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const ta = el('textarea', { readonly: true, 'aria-hidden': 'true', class: 'offscreen' });
    ta.value = text;
    document.body.append(ta);
    ta.select();
    let ok = false;
    try { ok = document.execCommand('copy'); } catch { ok = false; }
    ta.remove();
    return ok;
  }
}

export function makeCopyable(button, getText, what = 'Copied') {
  button.addEventListener('click', async () => {
    const ok = await copyText(getText());
    button.classList.toggle('copied', ok);
    const hint = button.querySelector('.copy-hint');
    if (hint) hint.textContent = ok ? 'copied' : 'copy';
    if (ok) toast(what, '', 'success', { ms: 1800 });
    else toast('Copy failed', 'Select the text and copy it by hand.', 'warning');
    setTimeout(() => { button.classList.remove('copied'); if (hint) hint.textContent = 'copy'; }, 1800);
  });
}

// ---------- banners ----------
export function banner(container, kind, text, { persistent = false, strong = '' } = {}) {
  const b = el('div', { class: `banner ${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    strong ? el('strong', { text: strong }) : null, el('span', { text }));
  container.append(b);
  if (!persistent) setTimeout(() => b.remove(), 3500);
  return b;
}

// ---------- context menus ----------
export function showMenu(menu, x, y) {
  menu.hidden = false;
  const r = menu.getBoundingClientRect();
  menu.style.setProperty('left', `${Math.min(x, innerWidth - r.width - 8)}px`);
  menu.style.setProperty('top', `${Math.min(y, innerHeight - r.height - 8)}px`);
  const first = menu.querySelector('button:not([hidden])');
  if (first) first.focus({ preventScroll: true });
}
export function hideMenus() { $$('.ctx-menu').forEach((m) => { m.hidden = true; }); }
document.addEventListener('click', hideMenus);
document.addEventListener('keydown', (e) => { if (e.key === 'Escape') hideMenus(); });
window.addEventListener('blur', hideMenus);
window.addEventListener('scroll', hideMenus, true);

// ---------- shell ----------
function initSession() {
  // A new viewer process (data-rid) resets session state such as the open /view tabs.
  const rid = body.dataset.rid || '';
  try {
    if (sessionStorage.getItem('goop:rid') !== rid) {
      sessionStorage.clear();
      sessionStorage.setItem('goop:rid', rid);
    }
  } catch { /* storage disabled */ }
}

export function setTheme(theme) {
  document.documentElement.dataset.theme = theme === 'light' ? 'light' : 'dark';
}

function initThemeSwitch() {
  const btn = $('#theme-toggle');
  if (!btn) return;
  const label = () => {
    const next = document.documentElement.dataset.theme === 'light' ? 'dark' : 'light';
    btn.title = `Switch to ${next} theme`;
  };
  label();
  btn.addEventListener('click', async () => {
    const before = document.documentElement.dataset.theme === 'light' ? 'light' : 'dark';
    const next = before === 'light' ? 'dark' : 'light';
    setTheme(next);
    label();
    document.dispatchEvent(new CustomEvent('goop:theme', { detail: next }));
    try {
      await api('POST', '/api/settings', { changes: { 'viewer.theme': next } });
    } catch (e) {
      toast('Theme not saved', e.message, 'warning');
    }
  });
}

function initAvatars() {
  for (const a of $$('.avatar[data-initials-of]')) a.dataset.initials = initials(a.dataset.initialsOf);
  for (const img of $$('.avatar-img')) {
    if (img.complete && img.naturalWidth === 0 && img.getAttribute('src')) img.classList.add('broken');
    img.addEventListener('error', () => img.classList.add('broken'));
    img.addEventListener('load', () => img.classList.remove('broken'));
  }
}

// Peer actions inside an unreachable container are refused with a note.
document.addEventListener('click', (e) => {
  const action = e.target.closest('[data-peer-action]');
  if (action && action.closest('[data-unreachable]')) {
    e.preventDefault();
    e.stopPropagation();
    toast('Peer is unreachable', 'Try again once it is back online.', 'warning');
  }
}, true);

export function setSelfLabel(label) {
  for (const n of $$('.me-label')) n.textContent = label || 'me';
  const a = $('.me .avatar');
  if (a) a.dataset.initials = initials(label);
  body.dataset.selfLabel = label;
}

initSession();
initThemeSwitch();
initAvatars();
