// The console: sign-in, the refresh loop, the live decision stream and the actions (kill switch, approvals).

import * as api from './api.js';
import { byId, el, fill, tick } from './dom.js';
import { follow } from './events.js';
import * as views from './views.js';

const REFRESH_MS = 3000;
const MAX_STREAM_ROWS = 200;

let refreshTimer = null;
let tickTimer = null;
let stopStream = null;
let refreshQueued = null;
let agentNames = [];
const rendered = new Map();

// Re-renders a view only when its data changed, so that a half-typed reason or an armed kill switch survives
// the refresh loop.
function renderIfChanged(key, data, render) {
  const json = JSON.stringify(data);
  if (rendered.get(key) === json) return;
  rendered.set(key, json);
  render();
}

function showLogin(message) {
  byId('console').hidden = true;
  byId('nav').hidden = true;
  byId('sign-out').hidden = true;
  byId('login').hidden = false;
  byId('who').textContent = '';
  byId('login-error').textContent = message || '';
  stop();
}

function stop() {
  if (refreshTimer) clearInterval(refreshTimer);
  if (tickTimer) clearInterval(tickTimer);
  if (stopStream) stopStream();
  refreshTimer = tickTimer = stopStream = null;
}

async function signIn(event) {
  event.preventDefault();
  const tokenInput = byId('token');
  const adminToken = tokenInput.value.trim();
  const name = byId('approver').value.trim() || 'console-admin';
  tokenInput.value = '';
  if (!adminToken) return;
  api.remember(adminToken, name);
  try {
    await api.get('/v1/agents');
  } catch (e) {
    api.forget();
    showLogin(e instanceof api.Unauthorized ? 'That is not the admin token.' : `Cannot reach the server: ${e.message}`);
    return;
  }
  start();
}

function signOut() {
  api.forget();
  showLogin('Signed out.');
}

function start() {
  byId('login').hidden = true;
  byId('console').hidden = false;
  byId('nav').hidden = false;
  byId('sign-out').hidden = false;
  byId('who').textContent = `signed in as ${api.approver()}`;
  fill(byId('decision-stream'));
  rendered.clear();
  refresh();
  loadPosture();
  refreshTimer = setInterval(refresh, REFRESH_MS);
  tickTimer = setInterval(() => {
    const now = Date.now();
    document.querySelectorAll('[data-expires]').forEach((node) => tick(node, now));
  }, 1000);
  stopStream = follow(onEvent, onStreamState);
}

function onStreamState(state) {
  const pill = byId('stream-state');
  pill.textContent = state;
  pill.className = 'pill ' + (state === 'live' ? 'on' : 'off');
}

function onEvent(type, event) {
  const list = byId('decision-stream');
  list.prepend(views.decisionRow(type, event));
  while (list.children.length > MAX_STREAM_ROWS) list.lastElementChild.remove();
  // Anything in the log may change what the other views show: refresh soon, once per burst.
  if (!refreshQueued) refreshQueued = setTimeout(() => { refreshQueued = null; refresh(); }, 150);
}

async function refresh() {
  try {
    const [agents, mandates, approvals, leases] = await Promise.all([
      api.get('/v1/agents'),
      api.get('/v1/mandates?state=active&limit=1000'),
      api.get('/v1/approvals?state=pending'),
      api.get('/v1/leases?limit=100'),
    ]);
    const live = mandates.mandates.filter((m) => m.live === 'live');
    renderIfChanged('agents', [agents, live.map((m) => m.agent)],
      () => views.renderAgents(agents.agents, live, { onKill: kill, onAccess: showAgentAccess }));
    renderIfChanged('mandates', live, () => views.renderMandates(live));
    renderIfChanged('approvals', approvals, () => views.renderApprovals(approvals.approvals, { onDecide: decide }));
    renderIfChanged('leases', leases, () => views.renderLeases(leases.leases));
    updateAgentChoices(agents.agents.map((a) => a.name));
  } catch (e) {
    if (e instanceof api.Unauthorized) showLogin('The admin token is no longer accepted; sign in again.');
  }
}

function updateAgentChoices(names) {
  if (names.join('\n') === agentNames.join('\n')) return;
  agentNames = names;
  const select = byId('access-agent');
  const chosen = select.value;
  fill(select, names.map((n) => el('option', { value: n, selected: n === chosen }, n)));
}

async function kill(name) {
  const note = byId('agents-note');
  try {
    const result = await api.post(`/v1/agents/${api.seg(name)}/revoke`, { reason: `kill switch pressed in the console by ${api.approver()}` });
    note.textContent = `Kill switch: ${result.agent} disabled, ${result.revoked.length} mandate(s) revoked with their delegations and leases.`;
  } catch (e) {
    note.textContent = `Kill switch failed: ${e.message}`;
  }
  refresh();
}

async function decide(id, approve, reason) {
  const note = byId('approvals-note');
  try {
    const a = await api.post(`/v1/approvals/${api.seg(id)}/${approve ? 'approve' : 'deny'}`, { by: api.approver(), reason });
    note.textContent = `${a.id} ${a.state} by ${a.decidedBy}.`;
  } catch (e) {
    note.textContent = `Could not ${approve ? 'approve' : 'deny'} ${id}: ${e.message}`;
  }
  refresh();
}

async function loadPosture() {
  const target = byId('posture-body');
  try {
    views.renderPosture(await api.get('/v1/posture', { notFoundIsMissing: true }));
  } catch (e) {
    if (e instanceof api.NotAvailable) views.notAvailable(target, 'The posture report (GET /v1/posture)');
    else fill(target, el('p', { class: 'error' }, `Posture failed: ${e.message}`));
  }
}

async function showAgentAccess(name) {
  byId('access-agent').value = name;
  const target = byId('access-body');
  try {
    views.renderAgentAccess(await api.get(`/v1/agents/${api.seg(name)}/access`, { notFoundIsMissing: true }));
  } catch (e) {
    if (e instanceof api.NotAvailable) views.notAvailable(target, `The access view of ${name} (GET /v1/agents/{id}/access)`);
    else fill(target, el('p', { class: 'error' }, `Access failed: ${e.message}`));
  }
  byId('access').scrollIntoView({ block: 'nearest' });
}

async function showResourceAccess(resource) {
  const target = byId('access-body');
  try {
    views.renderResourceAccess(await api.get(`/v1/access?resource=${api.seg(resource)}`, { notFoundIsMissing: true }));
  } catch (e) {
    if (e instanceof api.NotAvailable) views.notAvailable(target, 'The access view per tool (GET /v1/access)');
    else fill(target, el('p', { class: 'error' }, `Access failed: ${e.message}`));
  }
}

function init() {
  byId('login-form').addEventListener('submit', signIn);
  byId('sign-out').addEventListener('click', signOut);
  byId('posture-refresh').addEventListener('click', loadPosture);
  byId('access-agent-form').addEventListener('submit', (e) => {
    e.preventDefault();
    if (byId('access-agent').value) showAgentAccess(byId('access-agent').value);
  });
  byId('access-tool-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const resource = byId('access-tool').value.trim();
    if (resource) showResourceAccess(resource);
  });
  if (api.token()) start();
}

init();
