// The network belongs to the host: a custom fetch sees every request and
// the global fetch is not touched; timeouts abort through the signal.
"use strict";
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const sim = require("./simulator.cjs");
const { Client } = require(sim.pkg);

let server;
before(async () => {
  server = await sim.start();
});
after(() => server?.stop());

test("every request goes through the custom fetch, none through the global one", async () => {
  const realFetch = globalThis.fetch;
  const seen = [];
  const recording = (url, init) => {
    seen.push({ url, init });
    return realFetch(url, init);
  };
  const client = new Client({ url: server.url, token: sim.TOKEN, fetch: recording });
  globalThis.fetch = () => {
    throw new Error("the global fetch must not be called");
  };
  let envelopes;
  try {
    envelopes = [
      await client.listTrainingEnrollments(),
      await client.getPolicy(1003),
      await client.runAction("get_account_risk_score_history", { parameters: { full: "true" } }),
    ];
  } finally {
    globalThis.fetch = realFetch;
  }
  assert.equal(envelopes[0].json_body.length, 900);
  const urls = seen.map((request) => request.url);
  assert.deepEqual(urls, [
    `${server.url}/v1/training/enrollments?page=1&per_page=500`,
    `${server.url}/v1/training/enrollments?page=2&per_page=500`,
    `${server.url}/v1/training/policies/1003`,
    `${server.url}/v1/account/risk_score_history?full=true`,
  ]);
  for (const { init } of seen) {
    assert.equal(init.method, "GET");
    assert.equal(init.headers.Authorization, `Bearer ${sim.TOKEN}`);
    assert.equal(init.headers.Accept, "application/json");
    assert.ok(init.signal instanceof AbortSignal);
  }
  // The simulator saw exactly these requests.
  const logged = (await server.requests()).filter((r) => r.path.startsWith("/v1"));
  assert.equal(logged.length, seen.length);
});

test("the global fetch is looked up per request", async () => {
  const realFetch = globalThis.fetch;
  const client = new Client({ url: server.url, token: sim.TOKEN });
  let calls = 0;
  globalThis.fetch = (url, init) => {
    calls += 1;
    return realFetch(url, init);
  };
  try {
    await client.getPolicy(1003);
  } finally {
    globalThis.fetch = realFetch;
  }
  assert.equal(calls, 1);
});

test("a timeout aborts the request's signal, even if fetch ignores it", async () => {
  let signal;
  const hanging = (_url, init) => {
    signal = init.signal;
    return new Promise(() => {});
  };
  const client = new Client({ url: server.url, token: "t", fetch: hanging, timeoutMs: 100 });
  const error = await sim.rejection(client.getPolicy(1));
  assert.equal(error.code, "timeout");
  assert.equal(signal.aborted, true);
});

test("a timeout covers reading the body", async () => {
  const slowBody = async () => ({
    status: 200,
    headers: new Headers(),
    arrayBuffer: () => new Promise(() => {}),
  });
  const client = new Client({ url: server.url, token: "t", fetch: slowBody, timeoutMs: 100 });
  assert.equal((await sim.rejection(client.getPolicy(1))).code, "timeout");
});

test("a fetch-alike's status text, headers and body make the envelope", async () => {
  const body = '{"id": 12345678901234567890, "name": "big"}';
  const fake = async () => ({
    status: 299,
    statusText: "Custom Reason",
    headers: [
      ["x-thing", "a"],
      ["content-type", "application/json"],
      ["x-thing", "b"],
    ],
    arrayBuffer: async () => new TextEncoder().encode(body).buffer,
  });
  const client = new Client({ url: "https://example.invalid", token: "t", fetch: fake });
  const envelope = await client.getPolicy(1);
  assert.equal(envelope.status_code, 299);
  assert.equal(envelope.reason, "Custom Reason");
  assert.deepEqual(envelope.response_headers, {
    "X-Thing": "a, b",
    "Content-Type": "application/json",
  });
  // Beyond 2^53 the number is rounded, as response.json() would.
  assert.deepEqual(envelope.json_body, JSON.parse(body));
});

test("a real Response from a custom fetch: empty statusText gives the standard reason", async () => {
  const fake = async () => new Response("not json", { status: 404, headers: { "content-type": "text/plain" } });
  const client = new Client({ url: "https://example.invalid", token: "t", fetch: fake });
  const envelope = await client.listPolicies({ page: 1 });
  assert.equal(envelope.reason, "Not Found");
  assert.equal(envelope.response_text, "not json");
});

test("concurrent calls on one client", async () => {
  const client = new Client({ url: server.url, token: sim.TOKEN });
  const results = await Promise.all(
    [1003, 1004, 1005, 999999].map((id) => client.getPolicy(id)),
  );
  assert.deepEqual(
    results.map((e) => e.status_code),
    results.map((e) => (e.status_code === 404 ? 404 : 200)),
  );
  assert.equal(results[3].status_code, 404);
});
