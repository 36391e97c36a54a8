// The `web` build (an ES module for browsers, Deno and workers) loads and
// works too: initialised from bytes, as a worker or Deno would.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const sim = require("./simulator.cjs");
const web = new URL("../pkg/web/knowbe4_connector_wasm.js", import.meta.url);

let server;
before(async () => {
  server = await sim.start(["--users", "10"]);
});
after(() => server?.stop());

test("pkg/web: init, call, error", async () => {
  const { default: init, Client, version } = await import(web);
  const bytes = await readFile(new URL("../pkg/web/knowbe4_connector_wasm_bg.wasm", import.meta.url));
  await init({ module_or_path: bytes });
  assert.match(version(), /^\d+\.\d+\.\d+/);
  const client = new Client({ url: server.url, token: sim.TOKEN });
  const envelope = await client.listTrainingEnrollments();
  assert.equal(envelope.status_code, 200);
  assert.equal(envelope.json_body.length, 30);
  const error = await sim.rejection(client.getPolicy(-1));
  assert.equal(error.code, "invalid_input");
});
