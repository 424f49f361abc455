// An agent built on the official MCP TypeScript SDK, driven by McpGatewayTypeScriptAgentTest: it talks to the Mandate
// gateway at argv[2] with the bearer token argv[3], reads the file argv[4] through the filesystem server, and prints
// one JSON object with what it saw. Each step records its outcome; a failing step records the error and the rest run.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, token, notes] = process.argv.slice(2);
const out = {};

async function step(name, fn) {
  try {
    out[name] = await fn();
  } catch (e) {
    out[name] = { error: { code: e?.code ?? null, message: String(e?.message ?? e), name: e?.name ?? null } };
  }
}

const text = (result) => (result.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join("");

const transport = new StreamableHTTPClientTransport(new URL(url), {
  requestInit: { headers: { Authorization: `Bearer ${token}` } },
});
const client = new Client({ name: "mandate-ts-agent", version: "1.0.0" });

await step("initialize", async () => {
  await client.connect(transport);
  return {
    server: client.getServerVersion()?.name,
    capabilities: Object.keys(client.getServerCapabilities() ?? {}).sort(),
    protocolVersion: transport.protocolVersion ?? null,
  };
});
await step("tools", async () => (await client.listTools()).tools.map((t) => t.name).sort());
await step("echo", async () => text(await client.callTool({ name: "everything.echo", arguments: { message: "from ts" } })));
await step("sum", async () => text(await client.callTool({ name: "web.get-sum", arguments: { a: 20, b: 22 } })));
await step("file", async () => text(await client.callTool({ name: "files.read_text_file", arguments: { path: notes } })));
await step("denied", async () => text(await client.callTool({ name: "files.write_file", arguments: { path: notes, content: "x" } })));
await step("resources", async () => {
  const listed = (await client.listResources()).resources;
  const read = await client.readResource({ uri: listed[0].uri });
  return { count: listed.length, uri: listed[0].uri, readUri: read.contents[0]?.uri ?? null };
});
await step("prompts", async () => {
  const names = (await client.listPrompts()).prompts.map((p) => p.name).sort();
  const got = await client.getPrompt({ name: "web.args-prompt", arguments: { city: "Porto" } });
  return { names, text: got.messages[0]?.content?.text ?? null };
});
await step("progress", async () => {
  const seen = [];
  const result = await client.callTool(
    { name: "web.trigger-long-running-operation", arguments: { duration: 0.3, steps: 3 } },
    undefined,
    { onprogress: (p) => seen.push({ progress: p.progress, total: p.total ?? null }) },
  );
  return { seen, text: text(result) };
});
await step("cancel", async () => {
  const controller = new AbortController();
  const started = Date.now();
  let progressed = 0;
  try {
    await client.callTool(
      { name: "everything.trigger-long-running-operation", arguments: { duration: 25, steps: 25 } },
      undefined,
      {
        signal: controller.signal,
        onprogress: () => {
          progressed++;
          controller.abort("the user changed their mind");
        },
      },
    );
    return { aborted: false };
  } catch (e) {
    return { aborted: true, progressed, millis: Date.now() - started, message: String(e?.message ?? e) };
  }
});
await step("afterCancel", async () => text(await client.callTool({ name: "everything.echo", arguments: { message: "still here" } })));
await step("ping", async () => (await client.ping()) !== undefined);
await step("close", async () => {
  await transport.terminateSession();
  await client.close();
  return true;
});

process.stdout.write(JSON.stringify(out) + "\n");
