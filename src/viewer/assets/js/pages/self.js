// Me page (spec/viewer.md §6.4): identity card and every goop.json setting. Settings come from
// GET /api/settings; Save posts only the changed fields ({"changes": {"section.key": value}}).
import {
  $, $$, ApiError, api, banner, el, initials, makeCopyable, openSite, send, setSelfLabel, setTheme, toast,
} from '../goop.js';

// ---------- the settings schema: sections, labels and one-line help in plain words ----------
const SPLASHES = [
  ['goop2-splash.png', 'Lagoon'],
  ['goop2-splash2.png', 'Orchid (default)'],
  ['goop2-splash3.png', 'Ember'],
];

const SECTIONS = [
  { id: 'profile', title: 'Profile', intro: 'How other peers see you.', fields: [
    ['profile.label', 'Display name', 'The name other peers see next to your avatar.', { type: 'text', maxlength: 100 }],
    ['profile.email', 'Email', 'Shown to other peers; also used to verify you with a rendezvous server. Leave empty to share none.', { type: 'email' }],
    ['profile.verification_token', 'Verification token', 'The token a rendezvous server emailed you to prove your address.', { type: 'secret' }],
    ['profile.bridge_token', 'Bridge token', 'Lets a thin client use a bridge on your rendezvous server.', { type: 'secret' }],
  ] },
  { id: 'viewer', title: 'Viewer', intro: 'This browser interface.', fields: [
    ['viewer.theme', 'Theme', 'Dark or light. The switch in the top bar changes it too.', { type: 'select', options: [['dark', 'Dark'], ['light', 'Light']] }],
    ['viewer.http_addr', 'Viewer address', 'Where this interface listens, e.g. 127.0.0.1:8080. Empty picks a free port at each start.', { type: 'text', placeholder: '127.0.0.1:8080' }],
    ['viewer.hide_unverified', 'Hide unverified peers', 'Only list peers a rendezvous server has verified.', { type: 'bool' }],
    ['viewer.open_sites_external', 'Open sites in a new window', 'Open peer sites in their own browser window instead of tabs under View.', { type: 'bool' }],
    ['viewer.peer_offline_grace_min', 'Offline grace period', 'Minutes an offline peer stays listed (dimmed) before it is removed.', { type: 'number', min: 1, max: 60, unit: 'min' }],
    ['viewer.debug', 'Debug mode', 'Show extra diagnostics in the interface.', { type: 'bool' }],
    ['viewer.video_disabled', 'Disable calls', 'Tell other peers you take no audio or video calls.', { type: 'bool' }],
    ['viewer.preferred_cam', 'Preferred camera', 'Device ID of the camera to use for calls; empty uses the default.', { type: 'text' }],
    ['viewer.preferred_mic', 'Preferred microphone', 'Device ID of the microphone to use for calls; empty uses the default.', { type: 'text' }],
    ['viewer.active_template', 'Active template', 'The site template last applied (set by the template gallery).', { type: 'text' }],
    ['viewer.cluster_binary_path', 'Cluster worker binary', 'Program run for cluster jobs when this peer is a worker.', { type: 'text' }],
    ['viewer.cluster_binary_mode', 'Cluster worker mode', 'Run the worker once per job, or keep it running.', { type: 'select', options: [['', 'Not set'], ['oneshot', 'One-shot'], ['daemon', 'Daemon']] }],
  ] },
  { id: 'splash', title: 'Splash', intro: 'The picture beside your peer list.', fields: [
    ['viewer.splash', 'Splash image', '', { type: 'splash' }],
  ] },
  { id: 'network', title: 'Network', intro: 'How this peer talks to others.', fields: [
    ['p2p.listen_port', 'P2P port', 'TCP port for peer connections; 0 picks a free port.', { type: 'number', min: 0, max: 65535 }],
    ['p2p.mdns_tag', 'LAN discovery tag', 'Peers on your network find each other only with the same tag (letters, digits, - and _).', { type: 'text', maxlength: 63 }],
    ['p2p.bridge_mode', 'Thin client', 'Use a bridge on the rendezvous server instead of direct peer connections.', { type: 'bool' }],
    ['p2p.nacl_public_key', 'Encryption public key', 'Your key for encrypted messages; others use it to write to you.', { type: 'readonly' }],
  ] },
  { id: 'presence', title: 'Presence', intro: 'How often you announce yourself, and how long others wait for you.', fields: [
    ['presence.heartbeat_seconds', 'Heartbeat', 'Seconds between your announcements. Must be less than the time-to-live.', { type: 'number', min: 1, max: 3600, unit: 's' }],
    ['presence.ttl_seconds', 'Time-to-live', 'Seconds without an announcement before a peer counts as offline.', { type: 'number', min: 1, max: 86400, unit: 's' }],
    ['presence.topic', 'Presence topic', 'Only peers on the same topic see each other.', { type: 'text' }],
    ['presence.peer_db_path', 'Peer database', 'Where a rendezvous server keeps its peer list; empty uses the default.', { type: 'text' }],
  ] },
  { id: 'rendezvous', title: 'Rendezvous server', intro: 'Meet peers beyond your network, or run a rendezvous server yourself.', fields: [
    ['presence.rendezvous_wan', 'Rendezvous server URL', 'A rendezvous server to meet peers over the internet, e.g. https://rv.example.org.', { type: 'url' }],
    ['presence.rendezvous_host', 'Run a rendezvous server', 'Serve other peers as a rendezvous server from this machine.', { type: 'bool' }],
    ['presence.rendezvous_only', 'Rendezvous only', 'Run only the rendezvous server, without joining the peer network.', { type: 'bool' }],
    ['presence.rendezvous_bind', 'Bind address', 'IP address the server listens on, e.g. 127.0.0.1 or 0.0.0.0.', { type: 'text' }],
    ['presence.rendezvous_port', 'Server port', 'TCP port of the rendezvous server.', { type: 'number', min: 1, max: 65535 }],
    ['presence.external_url', 'Public URL', 'The address peers use to reach your server, if it differs.', { type: 'url' }],
    ['presence.admin_password', 'Admin password', 'Protects the server\u2019s admin pages.', { type: 'secret' }],
    ['presence.relay_port', 'Relay port', 'TCP port of the relay for peers behind NAT; 0 runs no relay.', { type: 'number', min: 0, max: 65535 }],
    ['presence.relay_ws_port', 'Relay WebSocket port', 'WebSocket port of the relay; 0 runs none.', { type: 'number', min: 0, max: 65535 }],
    ['presence.relay_key_file', 'Relay key file', 'The relay\u2019s identity key.', { type: 'text' }],
    ['presence.relay_cleanup_delay_sec', 'Relay cleanup delay', 'Seconds before a closed relay slot is freed.', { type: 'number', min: 0, unit: 's' }],
    ['presence.relay_poll_deadline_sec', 'Relay poll deadline', 'Seconds a relay poll may wait.', { type: 'number', min: 0, unit: 's' }],
    ['presence.relay_connect_timeout_sec', 'Relay connect timeout', 'Seconds to wait for a relayed connection.', { type: 'number', min: 0, unit: 's' }],
    ['presence.relay_refresh_interval_sec', 'Relay refresh interval', 'Seconds between relay reservation refreshes.', { type: 'number', min: 0, unit: 's' }],
    ['presence.relay_recovery_grace_sec', 'Relay recovery grace', 'Seconds to wait for a lost relay before reporting it.', { type: 'number', min: 0, unit: 's' }],
  ] },
  { id: 'services', title: 'Services', intro: 'Optional services a rendezvous server can use.', fields: [
    ['presence.use_services', 'Use services', 'Turn the services below on.', { type: 'bool' }],
    ['presence.registration_url', 'Registration service', 'URL of the email verification service.', { type: 'url' }],
    ['presence.email_url', 'Email service', 'URL of the service that sends email.', { type: 'url' }],
    ['presence.credits_url', 'Credits service', 'URL of the credits service.', { type: 'url' }],
    ['presence.templates_url', 'Template store', 'URL of the template store.', { type: 'url' }],
    ['presence.bridge_url', 'Bridge service', 'URL of the bridge for thin clients.', { type: 'url' }],
    ['presence.encryption_url', 'Encryption service', 'URL of the key service for encrypted messages.', { type: 'url' }],
    ['presence.templates_dir', 'Templates folder', 'Folder with the templates this server offers.', { type: 'text' }],
    ['presence.registration_admin_token', 'Registration admin token', 'Secret shared with the registration service.', { type: 'secret' }],
    ['presence.credits_admin_token', 'Credits admin token', 'Secret shared with the credits service.', { type: 'secret' }],
    ['presence.templates_admin_token', 'Templates admin token', 'Secret shared with the template store.', { type: 'secret' }],
    ['presence.bridge_admin_token', 'Bridge admin token', 'Secret shared with the bridge service.', { type: 'secret' }],
    ['presence.encryption_admin_token', 'Encryption admin token', 'Secret shared with the encryption service.', { type: 'secret' }],
  ] },
  { id: 'scripting', title: 'Scripting', intro: 'Lua scripts that answer other peers.', fields: [
    ['lua.enabled', 'Enable Lua', 'Run the Lua scripts of your site for other peers.', { type: 'bool' }],
    ['lua.script_dir', 'Scripts folder', 'Where your scripts live. Never served to other peers.', { type: 'text' }],
    ['lua.timeout_seconds', 'Time limit', 'Seconds a script may run per call.', { type: 'number', min: 1, max: 60, unit: 's' }],
    ['lua.max_memory_mb', 'Memory limit', 'Megabytes a script may use.', { type: 'number', min: 1, max: 1024, unit: 'MB' }],
    ['lua.rate_limit_per_peer', 'Calls per peer', 'Calls per minute one peer may make.', { type: 'number', min: 1 }],
    ['lua.rate_limit_global', 'Calls in total', 'Calls per minute from all peers together.', { type: 'number', min: 1 }],
    ['lua.http_enabled', 'Allow HTTP', 'Let scripts make HTTP requests.', { type: 'bool' }],
    ['lua.kv_enabled', 'Allow storage', 'Let scripts keep key-value data.', { type: 'bool' }],
  ] },
  { id: 'paths', title: 'Paths', intro: 'Where this peer keeps its files, relative to the peer folder.', fields: [
    ['paths.site_root', 'Site folder', 'The folder other peers browse as your site.', { type: 'text' }],
    ['paths.site_source', 'Site sources', 'Sources of the site (for the editor).', { type: 'text' }],
    ['paths.site_stage', 'Site staging', 'Staging area; must differ from the sources.', { type: 'text' }],
    ['identity.key_file', 'Identity key', 'The file with your private peer key (relative to the peer folder). It defines your peer ID, so it cannot be changed here.', { type: 'readonly' }],
  ] },
];

// ---------- identity card ----------
const labelEl = $('#self-label');
const emailEl = $('#self-email');
const idBtn = $('#self-id');
const avatarImg = $('#avatar-preview');
const removeBtn = $('#avatar-remove-btn');
let self = { id: document.body.dataset.selfId || '', label: '', email: '', avatar_hash: '' };

function renderIdentity() {
  labelEl.textContent = self.label || 'Unnamed peer';
  emailEl.textContent = self.email || 'no email set';
  emailEl.classList.toggle('muted', true);
  idBtn.querySelector('code').textContent = self.id;
  avatarImg.parentElement.dataset.initials = initials(self.label);
  removeBtn.hidden = !self.avatar_hash;
  $('#open-my-site').href = `/p/${encodeURIComponent(self.id)}/`;
}
makeCopyable(idBtn, () => self.id, 'Peer ID copied');
$('#open-my-site').addEventListener('click', (e) => {
  if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || !self.id) return;
  e.preventDefault();
  openSite(self.id, self.label || 'My site');
});

function setAvatarHash(hash) {
  self.avatar_hash = hash || '';
  const src = `/api/avatar?v=${encodeURIComponent(self.avatar_hash || Date.now())}`;
  avatarImg.classList.remove('broken');
  avatarImg.src = src;
  const top = $('.me .avatar-img');
  if (top) { top.classList.remove('broken'); top.src = src; }
  removeBtn.hidden = !self.avatar_hash;
}

async function loadSelf() {
  try {
    self = { ...self, ...(await api('GET', '/api/self')) };
  } catch (e) {
    toast('Profile not loaded', e.message, 'error');
  }
  renderIdentity();
}

// Change avatar: centre-crop to a square, scale to 256x256, PNG, upload.
const fileInput = $('#avatar-file-input');
$('#avatar-choose-btn').addEventListener('click', () => fileInput.click());
fileInput.addEventListener('change', async () => {
  const file = fileInput.files && fileInput.files[0];
  fileInput.value = '';
  if (!file) return;
  try {
    const bitmap = await createImageBitmap(file);
    const side = Math.min(bitmap.width, bitmap.height);
    const canvas = el('canvas', { width: 256, height: 256 });
    const ctx = canvas.getContext('2d');
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, 256, 256);
    const blob = await new Promise((ok) => canvas.toBlob(ok, 'image/png'));
    if (!blob) throw new Error('The browser could not encode the picture as PNG.');
    if (blob.size > 256 * 1024) throw new Error('The picture is still larger than 256 KiB after scaling; try a simpler one.');
    const data = await send('POST', '/api/avatar/upload', blob, 'image/png');
    setAvatarHash(data && data.hash);
    toast('Avatar updated', 'Other peers see it with your next announcement.', 'success');
  } catch (e) {
    toast('Avatar not changed', e.message || String(e), 'error');
  }
});
removeBtn.addEventListener('click', async () => {
  try {
    await api('POST', '/api/avatar/delete');
    setAvatarHash('');
    toast('Avatar removed', '', 'success');
  } catch (e) {
    toast('Avatar not removed', e.message, 'error');
  }
});

// ---------- settings ----------
const navEl = $('#settings-nav');
const sectionsEl = $('#settings-sections');
const form = $('#settings-form');
const saveBtn = $('#settings-save');
const undoBtn = $('#settings-undo');
const dirtyEl = $('#settings-dirty');
const saveBar = $('#settings-save-bar');
const bannersEl = $('#settings-banners');

let baseline = {};      // dotted key -> value as loaded / last saved
let restartFields = new Set();
const controls = new Map();  // dotted key -> { get(), set(v), input, field }
let restartNote = null;

function flatten(config) {
  const out = {};
  for (const [section, obj] of Object.entries(config || {})) {
    if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
      for (const [k, v] of Object.entries(obj)) out[`${section}.${k}`] = v;
    } else {
      out[section] = obj;
    }
  }
  return out;
}

function humanize(key) {
  const k = key.split('.').pop().replace(/_/g, ' ');
  return k.charAt(0).toUpperCase() + k.slice(1);
}

function controlFor(key, spec, value) {
  const id = `set-${key.replace(/[^a-z0-9]/gi, '-')}`;
  const type = spec.type || (typeof value === 'boolean' ? 'bool' : typeof value === 'number' ? 'number' : 'text');
  if (type === 'bool') {
    const input = el('input', { type: 'checkbox', class: 'switch', id, name: key });
    const label = el('label', { class: 'switch-row', for: id }, input, el('span', { class: 'switch-state' }));
    const state = label.querySelector('.switch-state');
    const sync = () => { state.textContent = input.checked ? 'On' : 'Off'; };
    input.addEventListener('change', sync);
    return { node: label, input, get: () => input.checked, set: (v) => { input.checked = !!v; sync(); } };
  }
  if (type === 'number') {
    const input = el('input', { type: 'number', id, name: key, step: 1, min: spec.min, max: spec.max, inputmode: 'numeric' });
    return { node: input, input, get: () => (input.value.trim() === '' ? NaN : Number(input.value)), set: (v) => { input.value = v ?? ''; } };
  }
  if (type === 'select') {
    const input = el('select', { id, name: key }, spec.options.map(([v, t]) => el('option', { value: v, text: t })));
    return { node: input, input, get: () => input.value, set: (v) => {
      if (![...input.options].some((o) => o.value === v)) input.append(el('option', { value: v, text: v }));
      input.value = v ?? '';
    } };
  }
  if (type === 'secret') {
    const input = el('input', { type: 'password', id, name: key, autocomplete: 'off', spellcheck: 'false' });
    const toggle = el('button', { type: 'button', class: 'btn btn-sm', text: 'Show', 'aria-controls': id });
    toggle.addEventListener('click', () => {
      const show = input.type === 'password';
      input.type = show ? 'text' : 'password';
      toggle.textContent = show ? 'Hide' : 'Show';
    });
    return { node: el('div', { class: 'secret-wrap' }, input, toggle), input, get: () => input.value, set: (v) => { input.value = v ?? ''; } };
  }
  if (type === 'readonly') {
    const code = el('code', { id });
    const copy = el('button', { type: 'button', class: 'btn btn-sm', text: 'Copy' });
    copy.addEventListener('click', async () => {
      try { await navigator.clipboard.writeText(code.textContent); toast('Copied', '', 'success', { ms: 1500 }); } catch { /* ignore */ }
    });
    let current = '';
    return { node: el('div', { class: 'readonly-wrap' }, code, copy), input: code, readonly: true,
      get: () => current, set: (v) => { current = v ?? ''; code.textContent = current || '(generated at first start)'; } };
  }
  if (type === 'splash') {
    const cards = SPLASHES.map(([file, name]) => el('label', { class: 'splash-card' },
      el('input', { type: 'radio', name: key, value: file }),
      el('img', { src: `/assets/images/${file}`, alt: '', loading: 'lazy' }),
      el('span', { class: 'check', 'aria-hidden': 'true', text: '✓' }),
      el('span', { class: 'splash-name', text: name })));
    const node = el('div', { class: 'splash-cards', role: 'radiogroup', id, 'aria-label': 'Splash image' }, cards);
    const radios = () => $$('input[type=radio]', node);
    return { node, input: node, get: () => (radios().find((r) => r.checked) || {}).value || '', set: (v) => {
      for (const r of radios()) r.checked = r.value === v;
    } };
  }
  const input = el('input', { type: type === 'email' ? 'email' : type === 'url' ? 'url' : 'text', id, name: key,
    placeholder: spec.placeholder, maxlength: spec.maxlength, autocomplete: 'off', spellcheck: 'false' });
  return { node: input, input, get: () => input.value, set: (v) => { input.value = v ?? ''; } };
}

function equal(a, b) {
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b);
  return a === b;
}

function changes() {
  const out = {};
  for (const [key, c] of controls) {
    if (c.readonly) continue;
    const v = c.get();
    if (!equal(v, baseline[key])) out[key] = v;
  }
  return out;
}

function refreshDirty() {
  const ch = changes();
  const n = Object.keys(ch).length;
  saveBtn.disabled = n === 0;
  undoBtn.disabled = n === 0;
  saveBar.classList.toggle('dirty', n > 0);
  dirtyEl.textContent = n === 0 ? 'No unsaved changes' : `${n} unsaved change${n === 1 ? '' : 's'}`;
  for (const [key, c] of controls) c.field.classList.toggle('changed', key in ch);
  for (const item of $$('.sidebar-item', navEl)) {
    const sec = item.dataset.section;
    item.classList.toggle('dirty', Object.keys(ch).some((k) => controls.get(k).section === sec));
  }
}

function clearErrors() {
  for (const e of $$('.field-error', sectionsEl)) e.remove();
  for (const i of $$('[aria-invalid="true"]', sectionsEl)) i.removeAttribute('aria-invalid');
  for (const i of $$('.sidebar-item.has-error', navEl)) i.classList.remove('has-error');
}

function showSection(id, { focus = false } = {}) {
  for (const s of $$('.settings-section', sectionsEl)) s.hidden = s.dataset.section !== id;
  for (const i of $$('.sidebar-item', navEl)) {
    i.classList.toggle('active', i.dataset.section === id);
    i.setAttribute('aria-current', i.dataset.section === id ? 'true' : 'false');
  }
  try { sessionStorage.setItem('goop:settings:section', id); } catch { /* ignore */ }
  if (focus) $(`.settings-section[data-section="${id}"] .section-title`, sectionsEl)?.focus?.();
}

function fieldError(key, message) {
  const c = controls.get(key);
  if (!c) return false;
  showSection(c.section);
  const err = el('div', { class: 'field-error', role: 'alert', id: `err-${c.input.id}`, text: message });
  const anchor = c.node;
  anchor.after(err);
  c.input.setAttribute('aria-invalid', 'true');
  c.input.setAttribute('aria-describedby', err.id);
  const nav = $(`.sidebar-item[data-section="${c.section}"]`, navEl);
  if (nav) nav.classList.add('has-error');
  c.field.scrollIntoView({ behavior: 'smooth', block: 'center' });
  if (c.input.focus) c.input.focus({ preventScroll: true });
  return true;
}

function build(config, restart) {
  const flat = flatten(config);
  restartFields = new Set(restart || []);
  controls.clear();
  navEl.replaceChildren();
  sectionsEl.replaceChildren();
  const placed = new Set();
  const sections = SECTIONS.map((s) => ({ ...s, fields: s.fields.filter(([k]) => k in flat) }));
  // Fields the schema does not know (a newer goop.json) still get an input.
  const extra = Object.keys(flat).filter((k) => !SECTIONS.some((s) => s.fields.some(([f]) => f === k)));
  if (extra.length) {
    sections.push({ id: 'other', title: 'Other', intro: 'Further settings of goop.json.',
      fields: extra.map((k) => [k, humanize(k), '', {}]) });
  }
  for (const sec of sections) {
    if (!sec.fields.length) continue;
    navEl.append(el('button', { type: 'button', class: 'sidebar-item', 'data-section': sec.id },
      el('span', { text: sec.title }), el('span', { class: 'dot', 'aria-hidden': 'true' })));
    const secEl = el('section', { class: 'settings-section', 'data-section': sec.id, hidden: true, 'aria-label': sec.title },
      el('h3', { class: 'section-title', tabindex: '-1', text: sec.title }),
      el('p', { class: 'section-intro', text: sec.intro }));
    for (const [key, label, help, spec] of sec.fields) {
      placed.add(key);
      const c = controlFor(key, spec, flat[key]);
      const labelEl2 = el(spec.type === 'bool' || spec.type === 'splash' || spec.type === 'readonly' ? 'div' : 'label',
        { class: 'field-label', for: c.input.id },
        spec.unit ? `${label} (${spec.unit})` : label, restartFields.has(key) ? el('span', { class: 'restart-tag', title: 'Takes effect after a restart', text: 'restart' }) : null,
        el('span', { class: 'field-key', text: key }));
      const field = el('div', { class: `field field-${spec.type || 'text'}`, 'data-key': key },
        labelEl2, el('div', { class: 'field-control' }, c.node, help ? el('p', { class: 'field-help', text: help }) : null));
      c.field = field;
      c.section = sec.id;
      c.set(flat[key]);
      controls.set(key, c);
      secEl.append(field);
    }
    sectionsEl.append(secEl);
  }
  baseline = {};
  for (const [key, c] of controls) baseline[key] = c.readonly ? flat[key] : c.get();
  let first = 'profile';
  try { first = sessionStorage.getItem('goop:settings:section') || first; } catch { /* ignore */ }
  if (!$(`.sidebar-item[data-section="${first}"]`, navEl)) first = navEl.firstElementChild?.dataset.section || '';
  showSection(first);
  refreshDirty();
}

navEl.addEventListener('click', (e) => {
  const item = e.target.closest('.sidebar-item');
  if (item) showSection(item.dataset.section);
});
form.addEventListener('input', (e) => {
  const f = e.target.closest('.field');
  if (f) {
    const err = $('.field-error', f);
    if (err) err.remove();
    for (const i of $$('[aria-invalid="true"]', f)) i.removeAttribute('aria-invalid');
  }
  refreshDirty();
});
form.addEventListener('change', refreshDirty);

undoBtn.addEventListener('click', () => {
  for (const [key, c] of controls) if (!c.readonly) c.set(baseline[key]);
  clearErrors();
  refreshDirty();
});

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  clearErrors();
  const ch = changes();
  if (!Object.keys(ch).length) return;
  for (const [key, v] of Object.entries(ch)) {
    if (typeof v === 'number' && Number.isNaN(v)) { fieldError(key, `${key} needs a number.`); return; }
  }
  saveBtn.disabled = true;
  saveBtn.textContent = 'Saving…';
  try {
    const res = await api('POST', '/api/settings', { changes: ch });
    const saved = res && res.config ? flatten(res.config) : null;
    for (const [key, c] of controls) {
      if (saved && key in saved) c.set(saved[key]);
      baseline[key] = c.readonly ? (saved ? saved[key] : baseline[key]) : c.get();
    }
    if ('viewer.theme' in ch) setTheme(ch['viewer.theme']);
    if ('profile.label' in ch || 'profile.email' in ch) {
      self.label = saved ? saved['profile.label'] : (ch['profile.label'] ?? self.label);
      self.email = saved ? saved['profile.email'] : (ch['profile.email'] ?? self.email);
      setSelfLabel(self.label);
      renderIdentity();
    }
    for (const b of $$('.banner.ok', bannersEl)) b.remove();
    banner(bannersEl, 'ok', 'Saved.', { strong: '' });
    const restart = (res && res.restart_needed) || [];
    if (restart.length) {
      if (restartNote) restartNote.remove();
      restartNote = banner(bannersEl, 'warn restart-note', restart.join(', '), { persistent: true, strong: 'Restart the peer to apply: ' });
    }
  } catch (err) {
    const msg = err instanceof ApiError ? err.message : String(err);
    if (!(err.field && fieldError(err.field, msg))) {
      const b = banner(bannersEl, 'error', msg, { persistent: true, strong: 'Not saved. ' });
      b.scrollIntoView({ behavior: 'smooth', block: 'center' });
    }
  } finally {
    saveBtn.textContent = 'Save';
    refreshDirty();
  }
});

// Keep the theme field in step with the top bar switch.
document.addEventListener('goop:theme', (e) => {
  const c = controls.get('viewer.theme');
  if (c) { c.set(e.detail); baseline['viewer.theme'] = e.detail; refreshDirty(); }
});

async function loadSettings() {
  try {
    const s = await api('GET', '/api/settings');
    $('#self-config-path').textContent = s.config_path || '—';
    $('#self-site-root').textContent = s.site_root || '—';
    $('#settings-file').textContent = s.config_path ? `Saved to ${s.config_path}` : '';
    build(s.config || {}, s.restart_fields || []);
  } catch (e) {
    sectionsEl.replaceChildren(el('div', { class: 'banner error', role: 'alert' },
      el('strong', { text: 'Settings are not available. ' }), el('span', { text: e.message })));
  }
  if (location.hash === '#settings') $('#settings').scrollIntoView({ block: 'start' });
}

renderIdentity();
loadSelf();
loadSettings();
