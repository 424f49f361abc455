// A minimal stdio MCP server that sends server-to-client requests (sampling, elicitation, roots) even though its
// client declared none of those capabilities, and reports the answers it got as its tool result. The gateway's peer
// test uses it to show that such requests are answered with an error, never left unanswered.
import { createInterface } from "node:readline";

const pending = new Map();
let next = 1;
const send = (message) => process.stdout.write(JSON.stringify({ jsonrpc: "2.0", ...message }) + "\n");
const ask = (method, params) =>
  new Promise((resolve) => {
    const id = `ask-${next++}`;
    const timer = setTimeout(() => resolve({ unanswered: true }), 10000);
    pending.set(id, (answer) => {
      clearTimeout(timer);
      resolve(answer);
    });
    send({ id, method, params });
  });

createInterface({ input: process.stdin }).on("line", async (line) => {
  const message = JSON.parse(line);
  if (message.method === undefined && pending.has(message.id)) {
    pending.get(message.id)(message.error ? { error: message.error.code } : { result: message.result });
    pending.delete(message.id);
    return;
  }
  switch (message.method) {
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
        result: { tools: [{ name: "ask", description: "asks the client", inputSchema: { type: "object" } }] },
      });
      break;
    case "tools/call": {
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
