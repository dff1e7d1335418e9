// Peer page (spec/viewer.md §6.3): one peer's card, live from the bus.
import {
  $, api, connectionText, el, initials, makeCopyable, normPeer, onBus, openSite, peerAvatarUrl, peerState,
  timeAgo, toMillis, toast,
} from '../goop.js';

const page = $('.peer-page');
const id = page.dataset.peerId;
const nameEl = $('#peer-name');
const card = $('.peer-card');
const bannerEl = $('.peer-unreachable-banner');
const favBtn = $('#peer-fav-btn');
const avatarImg = $('#peer-avatar');
let peer = null;

makeCopyable($('#peer-id'), () => id, 'Peer ID copied');

function setText(sel, text) { $(sel).textContent = text; }

function render() {
  const known = !!peer;
  const p = peer || { id, label: '', email: '', offline: true, reachable: false, verified: false, favorite: false };
  const st = known ? peerState(p) : 'unknown';
  const name = p.label || `${id.slice(0, 8)}…`;
  nameEl.textContent = name;
  document.title = `${name} · Goop²`;
  avatarImg.parentElement.dataset.initials = initials(p.label || id);
  if (known) {
    const src = peerAvatarUrl(p);
    if (avatarImg.getAttribute('src') !== src) avatarImg.src = src;
  }
  setText('#peer-email', p.email || 'no email shared');
  const badges = $('#peer-badges');
  badges.replaceChildren(...[
    el('span', { class: `badge ${st === 'online' ? 'badge-ok' : st === 'unreachable' ? 'badge-warn' : ''}`,
      text: st === 'online' ? 'online' : st === 'unreachable' ? 'not reachable' : st === 'offline' ? 'offline' : 'not in your peer list' }),
    known && !p.offline && connectionText[p.connection] ? el('span', { class: 'badge badge-accent', text: connectionText[p.connection] }) : null,
    known && !p.verified ? el('span', { class: 'badge badge-warn', text: 'unverified' }) : null,
    p.favorite ? el('span', { class: 'badge', text: '★ favourite' }) : null].filter(Boolean));
  const unreachable = st !== 'online';
  bannerEl.hidden = !known || !unreachable;
  if (unreachable) card.setAttribute('data-unreachable', ''); else card.removeAttribute('data-unreachable');
  setText('#peer-status', known ? (st === 'online' ? 'Online and reachable' : st === 'unreachable' ? 'Online, but cannot be reached' : 'Offline') : 'Not in your peer list right now');
  setText('#peer-connection', known && !p.offline ? ({ lan: 'LAN (same network)', direct: 'Direct connection', relay: 'Relayed' }[p.connection] || 'Not connected') : '—');
  setText('#peer-lastseen', toMillis(p.lastSeen) ? `${timeAgo(p.lastSeen)} (${new Date(toMillis(p.lastSeen)).toLocaleString()})` : '—');
  setText('#peer-verified', known ? (p.verified ? 'Yes, by a rendezvous server' : 'No') : '—');
  setText('#peer-template', p.activeTemplate || '—');
  favBtn.textContent = p.favorite ? '★ Favourite' : '☆ Favourite';
  favBtn.classList.toggle('on', !!p.favorite);
  favBtn.disabled = !known;
}

$('#peer-open-site').addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey) return;
  e.preventDefault();
  openSite(id, peer ? peer.label : '');
});

favBtn.addEventListener('click', async () => {
  if (!peer) return;
  const next = !peer.favorite;
  try {
    await api('POST', '/api/peers/favorite', { peer_id: id, favorite: next });
    peer.favorite = next;
    render();
  } catch (e) {
    toast('Favourite not changed', e.message, 'error');
  }
});

onBus((topic, payload) => {
  if (payload.peerID !== id) return;
  if (topic === 'peer:announce') {
    const prev = peer;
    peer = normPeer(payload);
    if (prev && !peer.email && payload.email === undefined) peer.email = prev.email;
    render();
  } else if (topic === 'peer:gone') {
    peer = null;
    render();
  }
});

async function load() {
  try {
    const rows = await api('GET', '/api/peers');
    const row = (rows || []).find((r) => r.ID === id);
    if (row) peer = normPeer(row);
  } catch (e) {
    toast('Peer not loaded', e.message, 'error');
  }
  render();
  if (!peer || !peer.label) {
    try {
      const c = await api('GET', `/api/peer/content?id=${encodeURIComponent(id)}`);
      if (c && c.content) {
        if (peer) peer.label = c.content;
        else nameEl.textContent = c.content;
        if (peer) render();
      }
    } catch { /* unreachable: the card says so */ }
  }
}

render();
load();
setInterval(render, 30000);
