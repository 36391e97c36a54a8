// Start and stop the KnowBe4 simulator (the workspace's `knowbe4 simulate`)
// on a free loopback port, and talk to its /_sim control endpoints.
"use strict";
const { spawn } = require("node:child_process");
const net = require("node:net");
const path = require("node:path");
const readline = require("node:readline");

const root = path.resolve(__dirname, "../../..");
const bin = process.env.KNOWBE4_BIN || path.join(root, "target/debug/knowbe4");
const pkg = process.env.KNOWBE4_WASM_PKG || path.resolve(__dirname, "../pkg/node");
const TOKEN = "sim-token";

async function start(args = ["--users", "300"]) {
  const child = spawn(bin, ["simulate", "--port", "0", ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`simulator exited with ${code}`)));
    const lines = readline.createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) resolve(match[1]);
      else reject(new Error(`unexpected simulator output: ${line}`));
    });
  });
  const control = (method, route, body) =>
    fetch(`${url}/_sim/${route}`, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(async (response) => {
      if (!response.ok) throw new Error(`${method} /_sim/${route}: ${response.status}`);
      return response.json();
    });
  return {
    url,
    setFaults: (rules) => control("PUT", "faults", rules),
    clearFaults: () => control("DELETE", "faults"),
    requests: () => control("GET", "requests"),
    clearRequests: () => control("DELETE", "requests"),
    stop: async () => {
      child.removeAllListeners("exit");
      await control("POST", "shutdown").catch(() => {});
      if (child.exitCode === null) child.kill();
    },
  };
}

/** A loopback port with nothing listening on it. */
async function closedPort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolve with the error `promise` rejects with; fail if it resolves. */
async function rejection(promise) {
  try {
    const value = await promise;
    throw new Error(`expected a rejection, got ${JSON.stringify(value).slice(0, 200)}`);
  } catch (error) {
    return error;
  }
}

module.exports = { start, closedPort, rejection, TOKEN, pkg, root };
