// Follows GET /v1/events (server-sent events). EventSource cannot send an Authorization header, so the
// stream is read with fetch and parsed here; after a drop it reconnects with Last-Event-ID.

import { authHeaders } from './api.js';

const MAX_BUFFER = 1 << 20;
const RETRY_MS = 2000;

export function follow(onEvent, onState) {
  let stopped = false;
  let lastId = null;
  let controller = null;

  async function once() {
    controller = new AbortController();
    const headers = authHeaders('text/event-stream');
    if (lastId) headers['Last-Event-ID'] = lastId;
    const response = await fetch('/v1/events', {
      headers, signal: controller.signal, cache: 'no-store', credentials: 'omit', redirect: 'error',
    });
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer = (buffer + value).replace(/\r\n?/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        dispatch(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
      if (buffer.length > MAX_BUFFER) throw new Error('an event larger than 1 MiB');
    }
  }

  function dispatch(block) {
    let type = 'message';
    let id = null;
    const data = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
    }
    if (id) lastId = id;
    if (type === 'ready') {
      onState('live');
      return;
    }
    let parsed = null;
    try {
      parsed = JSON.parse(data.join('\n'));
    } catch {
      return;
    }
    onEvent(type, parsed);
  }

  (async () => {
    while (!stopped) {
      try {
        await once();
      } catch (e) {
        if (stopped) return;
      }
      if (stopped) return;
      onState('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  })();

  return () => {
    stopped = true;
    onState('offline');
    if (controller) controller.abort();
  };
}
