// Every error code, thrown as a real Error with name, code, input, action.
"use strict";
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const sim = require("./simulator.cjs");
const { Client } = require(sim.pkg);

let server;
let client;
before(async () => {
  server = await sim.start();
  client = new Client({ url: server.url, token: sim.TOKEN });
});
after(() => server?.stop());

function assertError(error, code, fields = {}) {
  assert.ok(error instanceof Error, `expected an Error, got ${error}`);
  assert.equal(error.name, "KnowBe4Error");
  assert.equal(error.code, code, error.message);
  assert.ok(error.stack);
  for (const [key, value] of Object.entries(fields)) assert.equal(error[key], value, key);
}

test("invalid input is refused before any request leaves", async () => {
  await server.clearRequests();
  const cases = [
    [() => client.getPolicy("abc"), "policy_id", "get_a_specific_policy"],
    [() => client.getPolicy(0), "policy_id", "get_a_specific_policy"],
    [() => client.getPolicy(1.5), "policy_id", "get_a_specific_policy"],
    [() => client.getPolicy(NaN), "policy_id", "get_a_specific_policy"],
    [() => client.getPolicy(), "policy_id", "get_a_specific_policy"],
    [() => client.getTrainingCampaign(-3), "campaign_id", "get_a_specific_training_campaign"],
    [() => client.getTrainingEnrollment(1, { includeCampaignId: "yes" }), "include_campaign_id"],
    [() => client.getTrainingEnrollment(1, { includeCampaignID: true }), "includeCampaignID"],
    [() => client.getAccountRiskScoreHistory({ full: 1 }), "full"],
    [() => client.listPolicies({ perPage: 501 }), "per_page", "get_all_policies"],
    [() => client.listPolicies("page 2"), "options"],
    [() => client.listTrainingCampaigns({ page: 0 }), "page"],
    [() => client.listTrainingEnrollments({ cursor: true, page: 1 }), "cursor"],
    [() => client.listTrainingEnrollments({ userId: "1; DROP" }), "user_id"],
    [() => client.runAction("no_such_action", {}), "action"],
    [() => client.runAction(42, {}), "action"],
    [() => client.runAction("get_all_policies", { parameters: { policy_id: 1 } }), "policy_id"],
    [() => client.runAction("get_all_policies", { json_body: { a: 1 } }), "json_body"],
    [() => client.runAction("get_all_policies", []), "inputs"],
  ];
  for (const [call, input, action] of cases) {
    const error = await sim.rejection(call());
    assertError(error, "invalid_input", action ? { input, action } : { input });
  }
  assert.deepEqual(await server.requests(), [], "no request may leave for refused input");
});

test("bad options throw from the constructor", () => {
  const cases = [
    [{ token: sim.TOKEN }, "url"],
    [{ url: server.url }, "token"],
    [{ url: server.url, region: "us", token: "t" }, "url"],
    [{ region: "mars", token: "t" }, "region"],
    [{ url: "http://example.com", token: "t" }, "url"],
    [{ url: "ftp://example.com", token: "t" }, "url"],
    [{ url: server.url, token: "t", timeoutMs: -1 }, "timeoutMs"],
    [{ url: server.url, token: "t", timeoutMs: 0 }, "timeoutMs"],
    [{ url: server.url, token: "t", timeoutMs: 1e300 }, "timeoutMs"],
    [{ url: server.url, token: "t", timeout: 5 }, "timeout"],
    [{ url: server.url, token: "t", fetch: "fetch" }, "fetch"],
    [{ url: server.url, token: "t", verifySsl: false }, "verifySsl"],
    [{ url: server.url, token: 7 }, "token"],
  ];
  for (const [options, input] of cases) {
    let thrown;
    try {
      new Client(options);
    } catch (error) {
      thrown = error;
    }
    assertError(thrown, "invalid_input", { input });
    assert.ok(!thrown.message.includes("sim-token"));
  }
  assert.throws(() => new Client(), { code: "invalid_input", input: "options" });
  // With a custom fetch, verifySsl: false is the fetch's business.
  new Client({ url: server.url, token: "t", verifySsl: false, fetch: globalThis.fetch });
  new Client({ region: "eu", token: "t" });
});

test("connect: nothing listening", async () => {
  const port = await sim.closedPort();
  const refused = new Client({ url: `http://127.0.0.1:${port}`, token: sim.TOKEN });
  const error = await sim.rejection(refused.listPolicies());
  assertError(error, "connect", { action: "get_all_policies" });
  assert.match(error.message, /ECONNREFUSED|refused/i);
});

test("timeout: a slow answer with timeoutMs 300", async () => {
  await server.setFaults([{ fault: { kind: "slow", delay_ms: 2000 } }]);
  try {
    // One try: the timeout itself, not the retries that follow it by default.
    const quick = new Client({ url: server.url, token: sim.TOKEN, timeoutMs: 300, maxAttempts: 1 });
    const started = Date.now();
    const error = await sim.rejection(quick.getPolicy(1003));
    const elapsed = Date.now() - started;
    assertError(error, "timeout", { action: "get_a_specific_policy" });
    assert.ok(elapsed >= 280 && elapsed < 1500, `took ${elapsed} ms`);
  } finally {
    await server.clearFaults();
  }
});

test("decode: invalid JSON on page 2 of a multi-page pull", async () => {
  // 900 enrollments are two pages of 500; the first page passes.
  await server.setFaults([
    { path: "/v1/training/enrollments", after: 1, times: 1, fault: { kind: "invalid_json" } },
  ]);
  try {
    const error = await sim.rejection(client.listTrainingEnrollments());
    assertError(error, "decode", { action: "get_all_training_enrollments" });
  } finally {
    await server.clearFaults();
  }
  // A single request with a broken body is an envelope with response_text.
  await server.setFaults([{ times: 1, fault: { kind: "invalid_json" } }]);
  try {
    const envelope = await client.getPolicy(1003);
    assert.equal(envelope.status_code, 200);
    assert.equal(typeof envelope.response_text, "string");
  } finally {
    await server.clearFaults();
  }
});

test("transport: the connection is reset", async () => {
  await server.setFaults([{ fault: { kind: "reset" } }]);
  try {
    const error = await sim.rejection(client.getPolicy(1003));
    assert.ok(["transport", "connect"].includes(error.code), error.code);
    assertError(error, error.code, { action: "get_a_specific_policy" });
  } finally {
    await server.clearFaults();
  }
});

test("transport: a fetch that returns something that is not a Response", async () => {
  const odd = new Client({ url: server.url, token: "t", fetch: async () => 42 });
  assertError(await sim.rejection(odd.listPolicies()), "transport");
  const noStatus = new Client({ url: server.url, token: "t", fetch: async () => ({ headers: [] }) });
  assertError(await sim.rejection(noStatus.listPolicies()), "transport");
});

test("tls: recognised from undici's certificate error codes", async () => {
  // fetch reports TLS failures as a TypeError whose cause has a code; a
  // custom fetch that rejects that way stands in for a real bad certificate.
  const tls = new Client({
    url: "https://127.0.0.1:9",
    token: "t",
    fetch: async () => {
      const cause = Object.assign(new Error("self-signed certificate"), {
        code: "DEPTH_ZERO_SELF_SIGNED_CERT",
      });
      throw new TypeError("fetch failed", { cause });
    },
  });
  const error = await sim.rejection(tls.getPolicy(1));
  assertError(error, "tls", { action: "get_a_specific_policy" });
});

test("errors never carry the token", async () => {
  const port = await sim.closedPort();
  const secret = "s3cr3t-token-value";
  const refused = new Client({ url: `http://127.0.0.1:${port}`, token: secret });
  const error = await sim.rejection(refused.getPolicy(1));
  assert.ok(!JSON.stringify({ ...error, message: error.message }).includes(secret));
  assert.ok(!String(refused).includes(secret));
});

test("retries: a transient 503 is retried with the host's timers and succeeds", async () => {
  await server.clearRequests();
  await server.setFaults([{ times: 2, fault: { kind: "status", status: 503 } }]);
  try {
    const envelope = await client.getAccountRiskScoreHistory();
    assert.equal(envelope.status_code, 200);
    assert.equal((await server.requests()).length, 3, "two failures, then the answer");
  } finally {
    await server.clearFaults();
  }
});

test("deadline: actionTimeoutMs bounds a whole action, retries included", async () => {
  // Each answer takes longer than the whole action may: the request is cut
  // at the deadline and the error says deadline, not timeout.
  await server.setFaults([{ fault: { kind: "slow", delay_ms: 1500 } }]);
  try {
    const bounded = new Client({ url: server.url, token: sim.TOKEN, actionTimeoutMs: 400 });
    const started = Date.now();
    const error = await sim.rejection(bounded.runAction("get_all_policies", {}));
    assertError(error, "deadline", { action: "get_all_policies" });
    assert.ok(Date.now() - started < 1400, "stopped at the deadline, not after the slow answer");
  } finally {
    await server.clearFaults();
  }
});

test("secrets: the token appears in no envelope, error or console output of any action", async () => {
  const captured = [];
  const original = { log: console.log, warn: console.warn, error: console.error, debug: console.debug, info: console.info };
  for (const name of Object.keys(original)) console[name] = (...args) => captured.push(args.map(String).join(" "));
  await server.setFaults([{ times: 3, fault: { kind: "status", status: 503 } }]);
  const seen = [];
  try {
    const { actionNames } = require(sim.pkg);
    for (const name of actionNames()) {
      for (const inputs of [{}, { path_parameters: { policy_id: 1, campaign_id: 1, enrollment_id: 1, store_purchase_id: 1, module_id: 1 }, parameters: { source: "policy", as_of: "2024-01-01" } }, { parameters: { page: "x" } }]) {
        try {
          seen.push(JSON.stringify(await client.runAction(name, inputs)));
        } catch (error) {
          seen.push(`${error.name} ${error.code} ${error.input} ${error.message} ${error.stack} ${JSON.stringify(error)}`);
        }
      }
    }
  } finally {
    Object.assign(console, original);
    await server.clearFaults();
  }
  assert.ok(seen.length >= 36);
  for (const text of [...seen, ...captured]) assert.ok(!text.includes(sim.TOKEN), `token leaked: ${text.slice(0, 200)}`);
});
