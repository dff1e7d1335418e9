// View page (spec/viewer.md §6.12): peer sites in tabs. Each site lives on its own origin
// (http://<cid>.localhost:<port>/, reached through the /p/<id>/ redirect), so the iframe's
// sandbox may allow scripts and same-origin without giving the site the viewer's origin.
import { $, avatar, el, hideMenus, onBus, openSitesExternal, showMenu } from '../goop.js';

const TABS = 'goop2_view_tabs';
const ACTIVE = 'goop2_view_active';
const tabsEl = $('#view-tabs');
const bodyEl = $('#view-body');
const emptyEl = $('#view-empty');
const menu = $('#view-ctx-menu');

if (openSitesExternal) location.replace('/peers');

function load() {
  try {
    const tabs = JSON.parse(sessionStorage.getItem(TABS) || '[]');
    return Array.isArray(tabs) ? tabs.filter((t) => t && typeof t.id === 'string') : [];
  } catch { return []; }
}
let tabs = load();
let active = sessionStorage.getItem(ACTIVE) || '';

function save() {
  try {
    sessionStorage.setItem(TABS, JSON.stringify(tabs));
    sessionStorage.setItem(ACTIVE, active);
  } catch { /* ignore */ }
}

const siteUrl = (id) => `/p/${encodeURIComponent(id)}/`;

function frameFor(id) {
  return el('iframe', {
    class: 'view-frame',
    'data-peer-id': id,
    src: siteUrl(id),
    sandbox: 'allow-scripts allow-forms allow-popups allow-same-origin',
    referrerpolicy: 'no-referrer',
    title: `Site of ${(tabs.find((t) => t.id === id) || {}).name || id}`,
  });
}

function render() {
  if (!tabs.find((t) => t.id === active)) active = tabs.length ? tabs[tabs.length - 1].id : '';
  tabsEl.replaceChildren(...tabs.map((t) => el('div', {
    class: `view-tab${t.id === active ? ' active' : ''}`,
    'data-tab-id': t.id,
    role: 'tab',
    'aria-selected': t.id === active ? 'true' : 'false',
    tabindex: '0',
    title: t.name || t.id,
  },
  avatar(`/api/avatar/peer/${encodeURIComponent(t.id)}`, t.name || t.id),
  el('span', { class: 'view-tab-label', text: t.name || `${t.id.slice(0, 8)}…` }),
  el('button', { class: 'view-tab-close', type: 'button', 'aria-label': `Close ${t.name || t.id}`, title: 'Close', text: '×' }))));
  // Only the active tab has an iframe; keep it when it already shows that peer.
  const current = bodyEl.querySelector('.view-frame');
  if (!active) {
    if (current) current.remove();
  } else if (!current || current.dataset.peerId !== active) {
    if (current) current.remove();
    bodyEl.append(frameFor(active));
  }
  emptyEl.hidden = tabs.length > 0;
  save();
}

function activate(id) { active = id; render(); }

function close(id) {
  tabs = tabs.filter((t) => t.id !== id);
  if (!tabs.length) {
    active = '';
    save();
    location.href = '/peers';
    return;
  }
  render();
}

function refresh(id) {
  const f = bodyEl.querySelector('.view-frame');
  if (f && f.dataset.peerId === id) f.src = siteUrl(id);
  else activate(id);
}

tabsEl.addEventListener('click', (e) => {
  const tab = e.target.closest('.view-tab');
  if (!tab) return;
  if (e.target.closest('.view-tab-close')) { e.stopPropagation(); close(tab.dataset.tabId); return; }
  activate(tab.dataset.tabId);
});
tabsEl.addEventListener('auxclick', (e) => {
  const tab = e.target.closest('.view-tab');
  if (tab && e.button === 1) close(tab.dataset.tabId);
});
tabsEl.addEventListener('keydown', (e) => {
  const tab = e.target.closest('.view-tab');
  if (tab && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); activate(tab.dataset.tabId); }
});
tabsEl.addEventListener('contextmenu', (e) => {
  const tab = e.target.closest('.view-tab');
  if (!tab) return;
  e.preventDefault();
  menu.dataset.tabId = tab.dataset.tabId;
  menu.querySelector('[data-action=close-others]').hidden = tabs.length < 2;
  showMenu(menu, e.clientX, e.clientY);
});
menu.addEventListener('click', (e) => {
  const b = e.target.closest('button[data-action]');
  if (!b) return;
  e.stopPropagation();
  hideMenus();
  const id = menu.dataset.tabId;
  if (b.dataset.action === 'refresh') refresh(id);
  else if (b.dataset.action === 'external') window.open(siteUrl(id), '_blank', 'noopener');
  else if (b.dataset.action === 'close-others') { tabs = tabs.filter((t) => t.id === id); active = id; render(); }
  else if (b.dataset.action === 'close') close(id);
});

// A peer that left the table (offline past its grace period) closes its tab.
onBus((topic, payload) => {
  if (topic === 'peer:gone' && tabs.some((t) => t.id === payload.peerID)) close(payload.peerID);
});

// ?open=<id>&name=<label> adds or activates a tab, then the URL is cleaned.
const params = new URLSearchParams(location.search);
const open = params.get('open');
if (open && /^[1-9A-HJ-NP-Za-km-z]{1,128}$/.test(open)) {
  const name = params.get('name') || '';
  const existing = tabs.find((t) => t.id === open);
  if (existing) { if (name) existing.name = name; } else tabs.push({ id: open, name });
  active = open;
}
if (location.search) history.replaceState(null, '', '/view');
render();
