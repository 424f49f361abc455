// Builds DOM nodes from data without ever parsing HTML: text goes in as text nodes, so nothing the server
// or an agent wrote can become markup or script.

/**
 * el('td', {class: 'x'}, 'text', childNode) — attributes are set with setAttribute, event handlers with
 * addEventListener (keys starting with "on"), children are nodes or text.
 */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      node.addEventListener(key.slice(2), value);
    } else if (key === 'dataset') {
      Object.assign(node.dataset, value);
    } else {
      node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces every child of a node. */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
}

export function byId(id) {
  return document.getElementById(id);
}

/** "3m 07s" from milliseconds; "expired" at or below zero. */
export function remaining(ms) {
  if (ms <= 0) return 'expired';
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m ${sec}s`;
}

/** An element whose text counts down to an instant; app.js ticks every [data-expires] once a second. */
export function countdown(expiresIso, extraClass) {
  const node = el('span', { class: 'countdown ' + (extraClass || ''), dataset: { expires: expiresIso } });
  tick(node, Date.now());
  return node;
}

export function tick(node, now) {
  const left = Date.parse(node.dataset.expires) - now;
  node.textContent = remaining(left);
  node.classList.toggle('soon', left > 0 && left < 60_000);
  node.classList.toggle('gone', left <= 0);
}

/** The last path segment of a SPIFFE ID (the agent's name), or the text itself. */
export function agentName(spiffeId) {
  const text = String(spiffeId || '');
  const i = text.lastIndexOf('/');
  return i >= 0 && text.startsWith('spiffe://') ? text.slice(i + 1) : text;
}

export function badge(text, kind) {
  return el('span', { class: 'badge ' + (kind || String(text).replace(/[^a-z-]/g, '')) }, text);
}
