// Preloaded (node --require) into MCP servers started by the peer tests: a server told to listen on a bare port listens
// on 127.0.0.1 only, so a test never opens a port beyond loopback.
const net = require("node:net");
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const port = args[0];
  const barePort = typeof port === "number" || (typeof port === "string" && /^\d+$/.test(port));
  if (barePort && typeof args[1] !== "string") {
    args.splice(1, 0, "127.0.0.1");
  }
  return listen.apply(this, args);
};
