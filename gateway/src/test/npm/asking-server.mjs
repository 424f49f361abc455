// A minimal stdio MCP server that sends server-to-client requests (sampling, elicitation, roots) even though its
// client declared none of those capabilities, and reports the answers it got as its tool result. The gateway's peer
// test uses it to show that such requests are answered with an error, never left unanswered.
// Outside any call: on notifications/roots/list_changed it asks roots/list (as a server that caches roots would);
// tool `outside` reports what those requests got once they are all settled, and how many changes it heard; tool
// `withdraw` cancels the outside requests still unanswered (notifications/cancelled) and reports any answer that
// arrives for them afterwards through `outside`.
import { createInterface } from "node:readline";

const pending = new Map();
const outside = []; // promises of the requests sent outside any call
const late = []; // ids of withdrawn requests that were answered all the same
const withdrawn = new Set();
let heard = 0;
let next = 1;
const send = (message) => process.stdout.write(JSON.stringify({ jsonrpc: "2.0", ...message }) + "\n");
const ask = (method, params) =>
  new Promise((resolve) => {
    const id = `ask-${next++}`;
    ask.last = id;
    // Long enough for a loaded CI host (10 s was seen to run out at load average 11); an unanswered request still
    // shows as { unanswered: true } and fails the test, only later.
    const timer = setTimeout(() => resolve({ unanswered: true }), 30000);
    pending.set(id, (answer) => {
      clearTimeout(timer);
      resolve(answer);
    });
    send({ id, method, params });
  });

createInterface({ input: process.stdin }).on("line", async (line) => {
  const message = JSON.parse(line);
  if (message.method === undefined && withdrawn.has(message.id)) {
    late.push(message.id);
    return;
  }
  if (message.method === undefined && pending.has(message.id)) {
    pending
      .get(message.id)(
        message.error ? { error: message.error.code, message: message.error.message } : { result: message.result },
      );
    pending.delete(message.id);
    return;
  }
  switch (message.method) {
    case "notifications/roots/list_changed":
      heard++;
      outside.push(ask("roots/list", {}));
      break;
    case "initialize":
      send({
        id: message.id,
        result: {
          protocolVersion: message.params.protocolVersion,
          capabilities: { tools: {} },
          serverInfo: { name: "asking-server", version: "1.0.0" },
        },
      });
      break;
    case "tools/list":
      send({
        id: message.id,
        result: {
          tools: ["ask", "outside", "withdraw"].map((name) => ({
            name,
            description: name,
            inputSchema: { type: "object" },
          })),
        },
      });
      break;
    case "tools/call": {
      if (message.params.name === "outside") {
        const answers = await Promise.all(outside);
        const text = JSON.stringify({ heard, answers, late });
        send({ id: message.id, result: { content: [{ type: "text", text }] } });
        break;
      }
      if (message.params.name === "withdraw") {
        for (const [id, resolve] of pending) {
          withdrawn.add(id);
          send({ method: "notifications/cancelled", params: { requestId: id, reason: "no longer needed" } });
          resolve({ withdrawn: true });
        }
        pending.clear();
        send({ id: message.id, result: { content: [{ type: "text", text: "withdrawn" }] } });
        break;
      }
      const answers = {
        sampling: await ask("sampling/createMessage", {
          messages: [{ role: "user", content: { type: "text", text: "hi" } }],
          maxTokens: 10,
        }),
        elicitation: await ask("elicitation/create", {
          message: "name?",
          requestedSchema: { type: "object", properties: {} },
        }),
        roots: await ask("roots/list", {}),
      };
      send({ id: message.id, result: { content: [{ type: "text", text: JSON.stringify(answers) }] } });
      break;
    }
    default:
      if (message.id !== undefined) {
        send({ id: message.id, error: { code: -32601, message: `no ${message.method}` } });
      }
  }
});
