// Peers page (spec/viewer.md §6.2): /api/peers, then live from the bus; one probe at start.
import {
  $, api, avatar, connectionText, displayName, el, hideMenus, hideUnverified, normPeer, onBus, openSite,
  peerAvatarUrl, peerState, shortId, showMenu, timeAgo, toMillis, toast,
} from '../goop.js';

const list = $('#peers-list');
const empty = $('#peers-empty');
const count = $('#peer-count');
const search = $('#peer-search');
const mode = $('#peer-search-mode-selector');
const favToggle = $('#addressbook-toggle');
const menu = $('#peer-ctx-menu');

const peers = new Map();     // id -> normalised peer
const rows = new Map();      // id -> { sig, li }
let loaded = false;

try {
  favToggle.checked = sessionStorage.getItem('goop:peers:favs') === '1';
  search.value = sessionStorage.getItem('goop:peers:q') || '';
  mode.value = sessionStorage.getItem('goop:peers:mode') || 'name';
} catch { /* storage disabled */ }

function signature(p) {
  return JSON.stringify([p.label, p.email, p.avatarHash, p.verified, p.reachable, p.offline, p.favorite,
    p.connection, p.activeTemplate, Math.floor(toMillis(p.lastSeen) / 30000)]);
}

function stateText(p) {
  const st = peerState(p);
  if (st === 'online') return 'online';
  if (st === 'unreachable') return 'not reachable';
  const ago = timeAgo(p.lastSeen);
  return ago ? `offline · seen ${ago}` : 'offline';
}

function buildRow(p) {
  const st = peerState(p);
  const name = displayName(p);
  const conn = !p.offline && connectionText[p.connection];
  const li = el('li', {
    class: `peerrow${st !== 'online' ? ' dimmed' : ''}`,
    'data-peer-id': p.id,
    'data-favorite': p.favorite ? 'true' : 'false',
    'data-state': st,
    'data-unreachable': st !== 'online' ? '' : null,
    inert: p.offline ? true : null,
    tabindex: p.offline ? null : '0',
    'aria-label': `${name}, ${stateText(p)}`,
  },
  avatar(peerAvatarUrl(p), p.label || p.id),
  el('div', { class: 'peer-main' },
    el('div', { class: 'peer-line1' },
      el('a', { class: 'peer-name', href: `/peer/${encodeURIComponent(p.id)}`, text: name, title: p.label || p.id }),
      p.favorite ? el('span', { class: 'fav-star', title: 'Favourite', text: '★' }) : null,
      p.verified ? null : el('span', { class: 'badge badge-warn', title: 'Not verified by a rendezvous server', text: 'unverified' }),
      conn ? el('span', { class: `badge ${p.connection === 'relay' ? 'badge-info' : 'badge-accent'} conn conn-${p.connection}`, text: conn }) : null),
    el('div', { class: 'peer-line2' },
      el('span', { class: `status-dot ${st}`, 'aria-hidden': 'true' }),
      el('span', { class: 'peer-state', text: stateText(p) }),
      p.email ? el('span', { class: 'sep', text: '·' }) : null,
      p.email ? el('span', { class: 'peer-email', text: p.email, title: p.email }) : null,
      el('span', { class: 'sep', text: '·' }),
      el('code', { class: 'peer-short', text: shortId(p.id), title: p.id }))),
  el('div', { class: 'peer-actions' },
    el('button', {
      class: `icon-btn fav-btn${p.favorite ? ' on' : ''}`, type: 'button', 'data-action': 'toggle-favorite',
      title: p.favorite ? 'Remove from favourites' : 'Add to favourites',
      'aria-pressed': p.favorite ? 'true' : 'false', text: p.favorite ? '★' : '☆',
    }),
    el('a', { class: 'btn btn-primary btn-sm open-site', href: `/p/${encodeURIComponent(p.id)}/`, 'data-peer-action': '', 'data-action': 'open-site', text: 'Open Site' })));
  return li;
}

function matches(p, q) {
  if (!q) return true;
  const needle = q.toLowerCase();
  if (mode.value === 'id') return p.id.toLowerCase().includes(needle);
  return displayName(p).toLowerCase().includes(needle) || p.email.toLowerCase().includes(needle);
}

function compare(a, b) {
  return displayName(a).localeCompare(displayName(b), undefined, { sensitivity: 'base' }) || a.id.localeCompare(b.id);
}

function render() {
  const q = search.value.trim();
  const all = [...peers.values()].filter((p) => !(hideUnverified && !p.verified));
  count.textContent = String(all.length);
  const visible = all.filter((p) => (!favToggle.checked || p.favorite) && matches(p, q)).sort(compare);
  const keep = new Set(visible.map((p) => p.id));
  for (const [id, r] of rows) {
    if (!keep.has(id)) { r.li.remove(); rows.delete(id); }
  }
  visible.forEach((p, i) => {
    const sig = signature(p);
    let r = rows.get(p.id);
    if (!r || r.sig !== sig) {
      const li = buildRow(p);
      if (r) r.li.replaceWith(li);
      r = { sig, li };
      rows.set(p.id, r);
    }
    const at = list.children[i];
    if (at !== r.li) list.insertBefore(r.li, at || null);
  });
  empty.hidden = visible.length > 0;
  if (!visible.length) {
    const title = empty.querySelector('.empty-title');
    const text = empty.querySelector('.empty-text');
    if (q) {
      title.textContent = `No peers match "${q}"`;
      text.textContent = 'Try another name, or search by ID.';
    } else if (favToggle.checked && all.length) {
      title.textContent = 'No favourites yet';
      text.textContent = 'Right-click a peer, or use its ☆ button, to add it to your favourites.';
    } else if (!loaded) {
      title.textContent = 'Looking for peers…';
      text.textContent = 'Peers on your network show up here as soon as they announce themselves.';
    } else {
      title.textContent = 'No peers yet';
      text.textContent = 'Peers on your network show up here as soon as they announce themselves.';
    }
  }
}

function upsert(raw) {
  const p = normPeer(raw);
  if (!p.id) return;
  const old = peers.get(p.id);
  // A peer:announce may omit fields it does not know; keep what we had.
  if (old) {
    for (const k of ['email', 'avatarHash', 'lastSeen', 'connection', 'activeTemplate']) {
      if (!p[k] && old[k] && raw[k] === undefined && raw[k[0].toUpperCase() + k.slice(1)] === undefined) p[k] = old[k];
    }
    if (raw.favorite === undefined && raw.Favorite === undefined) p.favorite = old.favorite;
  }
  peers.set(p.id, p);
}

async function setFavorite(id, favorite) {
  try {
    await api('POST', '/api/peers/favorite', { peer_id: id, favorite });
    const p = peers.get(id);
    if (p) { p.favorite = favorite; render(); }
    toast(favorite ? 'Added to favourites' : 'Removed from favourites', displayName(p || { id, label: '' }), 'success');
  } catch (e) {
    toast('Favourite not changed', e.message, 'error');
  }
}

// ----- interaction -----
list.addEventListener('click', (e) => {
  const li = e.target.closest('li.peerrow');
  if (!li) return;
  const id = li.dataset.peerId;
  const p = peers.get(id);
  const action = e.target.closest('[data-action]');
  if (action && action.dataset.action === 'toggle-favorite') {
    e.preventDefault();
    setFavorite(id, !(p && p.favorite));
    return;
  }
  if (action && action.dataset.action === 'open-site') {
    if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey) return;  // let the browser open it
    e.preventDefault();
    openSite(id, p ? p.label : '');
    return;
  }
  if (e.target.closest('a')) return;
  location.href = `/peer/${encodeURIComponent(id)}`;
});
list.addEventListener('keydown', (e) => {
  if (e.key !== 'Enter' || !e.target.matches('li.peerrow')) return;
  location.href = `/peer/${encodeURIComponent(e.target.dataset.peerId)}`;
});
list.addEventListener('contextmenu', (e) => {
  const li = e.target.closest('li.peerrow');
  if (!li) return;
  e.preventDefault();
  const p = peers.get(li.dataset.peerId);
  menu.dataset.peerId = li.dataset.peerId;
  menu.querySelector('[data-action=favorite]').hidden = !!(p && p.favorite);
  menu.querySelector('[data-action=unfavorite]').hidden = !(p && p.favorite);
  menu.querySelector('[data-action=open]').hidden = !p || peerState(p) !== 'online';
  showMenu(menu, e.clientX, e.clientY);
});
menu.addEventListener('click', (e) => {
  const b = e.target.closest('button[data-action]');
  if (!b) return;
  e.stopPropagation();
  hideMenus();
  const id = menu.dataset.peerId;
  const p = peers.get(id);
  if (b.dataset.action === 'favorite') setFavorite(id, true);
  else if (b.dataset.action === 'unfavorite') setFavorite(id, false);
  else if (b.dataset.action === 'open') openSite(id, p ? p.label : '');
  else if (b.dataset.action === 'details') location.href = `/peer/${encodeURIComponent(id)}`;
});

const remember = (k, v) => { try { sessionStorage.setItem(k, v); } catch { /* ignore */ } };
search.addEventListener('input', () => { remember('goop:peers:q', search.value); render(); });
mode.addEventListener('change', () => { remember('goop:peers:mode', mode.value); render(); });
favToggle.addEventListener('change', () => { remember('goop:peers:favs', favToggle.checked ? '1' : '0'); render(); });
document.addEventListener('keydown', (e) => {
  if (e.key === '/' && document.activeElement === document.body) { e.preventDefault(); search.focus(); }
});

// ----- data -----
onBus((topic, payload) => {
  if (topic === 'peer:announce') { upsert(payload); render(); }
  else if (topic === 'peer:gone') { peers.delete(payload.peerID); render(); }
});

async function load() {
  try {
    const rows0 = await api('GET', '/api/peers');
    for (const r of rows0 || []) upsert(r);
  } catch (e) {
    toast('Peers not loaded', e.message, 'error');
  }
  loaded = true;
  render();
  try {
    const probed = await api('POST', '/api/peers/probe');
    if (Array.isArray(probed)) { for (const r of probed) upsert(r); render(); }
  } catch (e) {
    console.warn('probe failed', e);
  }
}

render();
load();
// Keep "seen N min ago" honest without re-rendering rows that did not change.
setInterval(render, 30000);
