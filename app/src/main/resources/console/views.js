// Renders each view from the control plane's JSON. Everything shown is set as text (see dom.js).

import { el, fill, byId, countdown, agentName, badge } from './dom.js';

const SEVERITY_ORDER = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

export function renderAgents(agents, mandates, { onKill, onAccess }) {
  const live = new Map();
  for (const m of mandates) {
    const name = agentName(m.agent);
    live.set(name, (live.get(name) || 0) + 1);
  }
  fill(byId('agents-body'), agents.length === 0
    ? el('tr', {}, el('td', { colspan: 6, class: 'empty' }, 'No agents registered.'))
    : agents.map((a) => el('tr', { dataset: { agent: a.name } },
      el('td', {}, el('strong', {}, a.name), el('div', { class: 'muted mono spiffe' }, a.spiffeId)),
      el('td', {}, a.owner),
      el('td', {}, badge(a.tier, 'tier')),
      el('td', {}, badge(a.status)),
      el('td', { class: 'num' }, String(live.get(a.name) || 0)),
      el('td', { class: 'actions' },
        el('button', { type: 'button', class: 'small', onclick: () => onAccess(a.name) }, 'Access'),
        killButton(a, live.get(a.name) || 0, onKill)))));
}

// Two presses: the first arms the switch for five seconds, the second fires it.
function killButton(agent, liveMandates, onKill) {
  const button = el('button', {
    type: 'button', class: 'kill', 'data-kill': agent.name,
    disabled: agent.status !== 'active' && liveMandates === 0,
  }, 'Kill switch');
  let armed = null;
  button.addEventListener('click', () => {
    if (armed) {
      clearTimeout(armed);
      armed = null;
      button.disabled = true;
      button.textContent = 'Revoking…';
      onKill(agent.name);
      return;
    }
    button.classList.add('armed');
    button.textContent = `Confirm: revoke ${agent.name}`;
    armed = setTimeout(() => {
      armed = null;
      button.classList.remove('armed');
      button.textContent = 'Kill switch';
    }, 5000);
  });
  return button;
}

export function renderMandates(mandates) {
  byId('mandates-count').textContent = String(mandates.length);
  const byParent = new Map();
  const ids = new Set(mandates.map((m) => m.id));
  for (const m of mandates) {
    const parent = m.parentId && ids.has(m.parentId) ? m.parentId : null;
    if (!byParent.has(parent)) byParent.set(parent, []);
    byParent.get(parent).push(m);
  }
  const roots = byParent.get(null) || [];
  fill(byId('mandate-tree'), roots.length === 0
    ? el('li', { class: 'empty' }, 'No live mandates.')
    : roots.map((m) => mandateNode(m, byParent)));
}

function mandateNode(m, byParent) {
  const children = byParent.get(m.id) || [];
  return el('li', { class: 'mandate', dataset: { mandate: m.id } },
    el('div', { class: 'card' },
      el('div', { class: 'line' },
        el('span', { class: 'mono id' }, m.id),
        badge(m.state),
        el('span', { class: 'right' }, 'expires in ', countdown(m.expires, 'mandate-countdown'))),
      el('div', { class: 'line' },
        el('strong', {}, agentName(m.agent)),
        m.onBehalfOf ? el('span', { class: 'muted' }, ` for ${m.onBehalfOf}`) : null,
        el('span', { class: 'muted' }, ` · ${m.purpose} · depth ${m.depth}`)),
      el('div', { class: 'line chips' },
        (m.tools || []).map((t) => el('span', { class: 'chip' }, t)),
        (m.flowLabels || []).map((l) => el('span', { class: 'chip label' }, l)),
        el('span', { class: 'muted right' }, 'max life ', countdown(m.maxExpires)))),
    children.length ? el('ul', { class: 'tree' }, children.map((c) => mandateNode(c, byParent))) : null);
}

const DECISION_KIND = { allow: 'allow', deny: 'deny', 'approval-required': 'approval' };

export function decisionRow(type, e) {
  const d = e.details || {};
  const time = new Date(e.time).toLocaleTimeString();
  if (type === 'gateway.call') {
    const kind = DECISION_KIND[d.decision] || 'deny';
    return el('li', { class: 'decision ' + kind, dataset: { seq: e.seq, decision: d.decision || '' } },
      el('span', { class: 'time' }, time),
      badge(d.decision || 'unknown', kind),
      el('span', { class: 'mono' }, d.tool || ''),
      el('span', { class: 'muted' }, ` by ${agentName(e.actor)} · mandate ${e.subject}`),
      d.policies ? el('span', { class: 'chip' }, d.policies) : null,
      d.approvalId ? el('span', { class: 'chip mono' }, d.approvalId) : null,
      el('div', { class: 'reason' }, e.reason || (d.decision === 'allow' ? `allowed; ${d.upstreamStatus || ''}` : '')));
  }
  return el('li', { class: 'event', dataset: { seq: e.seq } },
    el('span', { class: 'time' }, time),
    el('span', { class: 'mono' }, type),
    el('span', { class: 'muted' }, ` ${agentName(e.actor)} → ${agentName(e.subject)}`),
    e.reason ? el('div', { class: 'reason' }, e.reason) : null);
}

export function renderApprovals(approvals, { onDecide }) {
  byId('approvals-count').textContent = String(approvals.length);
  fill(byId('approvals-body'), approvals.length === 0
    ? el('tr', {}, el('td', { colspan: 4, class: 'empty' }, 'Nothing waits for approval.'))
    : approvals.map((a) => {
      const reason = el('input', { type: 'text', maxlength: 500, placeholder: 'why', class: 'reason-input',
        'aria-label': 'reason' });
      const decide = (approve) => () => onDecide(a.id, approve, reason.value.trim() || (approve ? 'approved in the console' : 'denied in the console'));
      return el('tr', { dataset: { approval: a.id } },
        el('td', {}, el('div', { class: 'mono' }, a.tool), el('div', { class: 'muted mono' }, `mandate ${a.mandateId}`),
          el('div', { class: 'muted mono' }, a.id)),
        el('td', {}, (a.policyIds || []).map((p) => el('span', { class: 'chip' }, p)),
          (a.approvers || []).length ? el('div', { class: 'muted' }, 'approvers: ' + a.approvers.join(', ')) : null),
        el('td', {}, countdown(a.expiresAt)),
        el('td', {}, el('div', { class: 'decide' }, reason, el('div', { class: 'buttons' },
          el('button', { type: 'button', class: 'approve', onclick: decide(true) }, 'Approve'),
          el('button', { type: 'button', class: 'deny', onclick: decide(false) }, 'Deny')))));
    }));
}

export function renderLeases(leases) {
  fill(byId('leases-body'), leases.length === 0
    ? el('tr', {}, el('td', { colspan: 5, class: 'empty' }, 'No leases.'))
    : leases.map((l) => el('tr', { dataset: { lease: l.id } },
      el('td', {}, el('div', { class: 'mono' }, l.id), el('div', { class: 'muted mono' }, `mandate ${l.mandate}`)),
      el('td', {}, l.backend),
      el('td', {}, agentName(l.agent)),
      el('td', {}, badge(l.state)),
      el('td', {}, l.state === 'active' ? countdown(l.expires) : (l.endReason || '')))));
}

export function notAvailable(target, what) {
  fill(target, el('p', { class: 'note' }, `${what} is not available on this server.`));
}

export function renderPosture(report) {
  const findings = [...(report.findings || [])].sort(
    (a, b) => (SEVERITY_ORDER[a.severity] ?? 9) - (SEVERITY_ORDER[b.severity] ?? 9));
  const target = byId('posture-body');
  if (findings.length === 0) {
    fill(target, el('p', { class: 'note' }, `No findings (generated ${report.generatedAt || ''}).`));
    return;
  }
  fill(target,
    el('p', { class: 'muted' }, `${findings.length} findings, generated ${report.generatedAt || ''}`),
    el('table', {},
      el('thead', {}, el('tr', {}, ['Severity', 'Finding', 'Subject', 'Evidence', 'Fix', 'Controls'].map((h) => el('th', {}, h)))),
      el('tbody', {}, findings.map((f) => el('tr', { dataset: { finding: f.id } },
        el('td', {}, badge(f.severity, 'sev-' + f.severity)),
        el('td', {}, el('strong', {}, f.title), el('div', { class: 'muted mono' }, f.rule)),
        el('td', { class: 'mono' }, f.subject),
        el('td', { class: 'evidence' }, typeof f.evidence === 'string' ? f.evidence : JSON.stringify(f.evidence)),
        el('td', {}, f.fix),
        el('td', { class: 'chips' }, controls(f.controls)))))));
}

function controls(c) {
  if (!c) return [];
  return [...(c.owaspNhi || []), ...(c.owaspAgentic || []), ...(c.nistAiRmf || [])]
    .map((id) => el('span', { class: 'chip' }, id));
}

function conditions(list) {
  return (list || []).map((c) => el('span', { class: 'chip cond' }, typeof c === 'string' ? c : JSON.stringify(c)));
}

function revocation(r) {
  if (!r) return null;
  const figures = [r.p50Millis != null ? `p50 ${r.p50Millis} ms` : null, r.p99Millis != null ? `p99 ${r.p99Millis} ms` : null]
    .filter(Boolean).join(', ');
  return el('p', { class: 'revocation' }, el('strong', {}, 'Revocation: '), r.how || '', figures ? ` (${figures})` : '');
}

function policyChips(list) {
  return (list || []).map((p) => el('span', { class: 'chip' }, p));
}

function neverList(list, label) {
  if (!(list || []).length) return null;
  return el('div', {}, el('strong', {}, label),
    el('ul', { class: 'never' }, list.map((n) => el('li', {},
      [n.agent, n.tool, n.purpose ? `for ${n.purpose}` : null].filter(Boolean).join(' '), ': ', n.reason || ''))));
}

function backendName(b) {
  if (typeof b === 'string') return b;
  const extra = [b.liveLeases != null ? `${b.liveLeases} live` : null, b.sharedSecret ? 'shared secret' : null]
    .filter(Boolean).join(', ');
  return extra ? `${b.name} (${extra})` : b.name;
}

function countMandates(trees) {
  return (trees || []).reduce((n, m) => n + 1 + countMandates(m.children), 0);
}

export function renderAgentAccess(a) {
  fill(byId('access-body'),
    el('h3', { 'data-access-agent': a.agent }, `${a.agent} `,
      el('span', { class: 'muted' }, `owner ${a.owner || '?'} · ${a.tier || ''} · ${a.status || ''}`)),
    el('table', {},
      el('thead', {}, el('tr', {}, el('th', {}, 'Tool'), el('th', {}, 'Purpose'), el('th', {}, 'Verdict'),
        el('th', {}, 'Conditions'), el('th', {}, 'Policies'))),
      el('tbody', {}, (a.tools || []).length === 0
        ? el('tr', {}, el('td', { colspan: 5, class: 'empty' }, 'No tool could be allowed.'))
        : a.tools.map((t) => el('tr', {},
          el('td', { class: 'mono' }, t.tool), el('td', {}, t.purpose || 'any'),
          el('td', {}, t.verdict ? badge(t.verdict) : ''),
          el('td', {}, conditions(t.conditions)), el('td', {}, policyChips(t.policies)))))),
    neverList(a.never, 'Never allowed: '),
    el('p', {}, el('strong', {}, 'Credential backends: '), (a.backends || []).map(backendName).join(', ') || 'none'),
    el('p', {}, el('strong', {}, 'Live mandates: '), String(countMandates(a.mandates)),
      ' · ', el('strong', {}, 'live leases: '), String((a.leases || []).length)),
    revocation(a.revocation));
}

export function renderResourceAccess(r) {
  fill(byId('access-body'),
    el('h3', { 'data-access-resource': r.resource }, 'Who can use ', el('span', { class: 'mono' }, r.resource)),
    el('table', {},
      el('thead', {}, el('tr', {}, el('th', {}, 'Agent'), el('th', {}, 'Tool'), el('th', {}, 'Purpose'),
        el('th', {}, 'Verdict'), el('th', {}, 'Conditions'), el('th', {}, 'Policies'))),
      el('tbody', {}, (r.allowed || []).length === 0
        ? el('tr', {}, el('td', { colspan: 6, class: 'empty' }, 'No agent could be allowed.'))
        : r.allowed.map((a) => el('tr', {},
          el('td', {}, a.agent), el('td', { class: 'mono' }, a.tool || r.resource), el('td', {}, a.purpose || 'any'),
          el('td', {}, a.verdict ? badge(a.verdict) : ''),
          el('td', {}, conditions(a.conditions)), el('td', {}, policyChips(a.policies)))))),
    neverList(r.never, 'Never allowed: '),
    revocation(r.revocation));
}
