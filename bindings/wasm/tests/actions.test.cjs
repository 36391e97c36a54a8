// Every action against the simulator, through the built Node package.
"use strict";
const { test, describe, before, after } = require("node:test");
const assert = require("node:assert/strict");
const sim = require("./simulator.cjs");
const { Client, actionNames, version } = require(sim.pkg);

let server;
let client;
before(async () => {
  server = await sim.start();
  client = new Client({ url: server.url, token: sim.TOKEN });
});
after(() => server?.stop());

function assertEnvelope(envelope, status = 200) {
  assert.equal(envelope.status_code, status);
  assert.equal(typeof envelope.reason, "string");
  assert.equal(Object.getPrototypeOf(envelope.response_headers), Object.prototype);
  assert.match(envelope.response_headers["Content-Type"], /json|html|text/);
}

test("module exports", () => {
  assert.match(version(), /^\d+\.\d+\.\d+/);
  assert.deepEqual(actionNames(), [
    "get_a_specific_policy",
    "get_a_specific_training_campaign",
    "get_a_specific_training_enrollment",
    "get_account_risk_score_history",
    "get_all_policies",
    "get_all_training_campaigns",
    "get_all_training_enrollments",
    "get_all_store_purchases",
    "get_a_specific_store_purchase",
    "get_all_modules",
    "get_a_specific_module",
    "get_training_compliance_report",
  ]);
  assert.equal(client.baseUrl, server.url);
});

test("listPolicies and getPolicy agree", async () => {
  const list = await client.listPolicies();
  assertEnvelope(list);
  assert.equal(list.reason, "OK");
  assert.ok(Array.isArray(list.json_body) && list.json_body.length > 0);
  const first = list.json_body[0];
  const one = await client.getPolicy(first.policy_id);
  assertEnvelope(one);
  assert.deepEqual(one.json_body, first);
  // A digit string is an id too (Turbine passes strings).
  assert.deepEqual((await client.getPolicy(String(first.policy_id))).json_body, first);
  const page = await client.listPolicies({ page: 1, perPage: 2 });
  assert.deepEqual(page.json_body, list.json_body.slice(0, 2));
});

test("listTrainingCampaigns and getTrainingCampaign agree", async () => {
  const all = await client.listTrainingCampaigns();
  assertEnvelope(all);
  assert.equal(all.json_body.length, 24, "every campaign: exclude_percentages defaults to true");
  assert.ok(!("completion_percentage" in all.json_body[0]));
  const capped = await client.listTrainingCampaigns({ excludePercentages: false, perPage: 50 });
  assert.equal(capped.json_body.length, 10);
  const one = await client.getTrainingCampaign(all.json_body[3].campaign_id);
  assertEnvelope(one);
  assert.equal(one.json_body.campaign_id, all.json_body[3].campaign_id);
  assert.equal(one.json_body.name, all.json_body[3].name);
});

test("listTrainingEnrollments pages through everything; getTrainingEnrollment agrees", async () => {
  const all = await client.listTrainingEnrollments();
  assertEnvelope(all);
  assert.equal(all.json_body.length, 900);
  const ids = new Set(all.json_body.map((e) => e.enrollment_id));
  assert.equal(ids.size, 900);
  const first = all.json_body[0];
  const one = await client.getTrainingEnrollment(first.enrollment_id);
  assert.deepEqual(one.json_body, first);
  const withCampaign = await client.getTrainingEnrollment(first.enrollment_id, {
    includeCampaignId: true,
  });
  assert.equal(typeof withCampaign.json_body.campaign_id, "number");
  const mine = await client.listTrainingEnrollments({ userId: first.user.id, includeCampaignId: "true" });
  assert.deepEqual(
    mine.json_body.map((e) => e.enrollment_id),
    all.json_body.filter((e) => e.user.id === first.user.id).map((e) => e.enrollment_id),
  );
  const cursor = await client.listTrainingEnrollments({ cursor: true });
  assert.deepEqual(
    cursor.json_body.map((e) => e.enrollment_id).sort(),
    [...ids].sort(),
  );
});

test("getAccountRiskScoreHistory", async () => {
  const recent = await client.getAccountRiskScoreHistory();
  assertEnvelope(recent);
  const full = await client.getAccountRiskScoreHistory({ full: true });
  assert.ok(Array.isArray(full.json_body));
  assert.ok(full.json_body.length >= recent.json_body.length);
});

test("runAction takes Turbine-shaped input and matches the typed methods", async () => {
  const typed = await client.listTrainingEnrollments({ page: 2, perPage: 7 });
  const generic = await client.runAction("get_all_training_enrollments", {
    parameters: { page: "2", per_page: 7 },
  });
  assert.deepEqual(generic.json_body, typed.json_body);
  const policy = await client.runAction("get_a_specific_policy", {
    path_parameters: { policy_id: 1003 },
  });
  assert.equal(policy.status_code, 200);
  const noInput = await client.runAction("get_all_policies");
  assert.deepEqual(noInput.json_body, (await client.listPolicies()).json_body);
});

test("HTTP errors are envelopes, not exceptions", async () => {
  const missing = await client.getPolicy(999999);
  assertEnvelope(missing, 404);
  assert.equal(missing.reason, "Not Found");
  assert.deepEqual(missing.json_body, { message: "Not Found" });

  await server.setFaults([{ path: "/v1/training/policies", fault: { kind: "status", status: 429 } }]);
  try {
    const limited = await client.listPolicies({ page: 1 });
    assertEnvelope(limited, 429);
    assert.equal(limited.reason, "Too Many Requests");
    await server.setFaults([{ fault: { kind: "html503" } }]);
    const html = await client.getAccountRiskScoreHistory();
    assert.equal(html.status_code, 503);
    assert.equal(typeof html.response_text, "string");
    assert.match(html.response_text, /<html/i);
    assert.ok(!("json_body" in html));
  } finally {
    await server.clearFaults();
  }
});

test("a wrong token is a 401 envelope", async () => {
  const stranger = new Client({ url: server.url, token: "wrong" });
  const envelope = await stranger.listPolicies();
  assert.equal(envelope.status_code, 401);
});

test("training tools: store purchases, modules, status filter, compliance report", async () => {
  const purchases = (await client.runAction("get_all_store_purchases", {})).json_body;
  const policies = (await client.listPolicies()).json_body;
  const modules = (await client.runAction("get_all_modules", {})).json_body;
  assert.equal(modules.length, purchases.length + policies.length);
  const videos = (await client.runAction("get_all_modules", { parameters: { type: "Video" } })).json_body;
  assert.ok(videos.length > 0 && videos.every((m) => m.type === "Video"));
  const all = (await client.listTrainingEnrollments()).json_body;
  const pastDue = (await client.runAction("get_all_training_enrollments", { parameters: { status: "past due" } })).json_body;
  assert.deepEqual(pastDue, all.filter((e) => e.status === "Past Due"));
  // No as_of: the report takes "now" from the host's clock (Date).
  const report = (await client.runAction("get_training_compliance_report", {})).json_body;
  assert.equal(report.total_enrollments, all.length);
  assert.match(report.as_of, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

// Multi-page pulls take the streamed path: each page's JSON text is parsed
// by the host's JSON.parse and the pages are joined into one array. The
// answer must be exactly what a plain fetch loop gets.
describe("multi-page pulls against a plain fetch loop", () => {
  let big;
  let bigClient;
  const auth = { headers: { Authorization: `Bearer ${sim.TOKEN}` } };
  before(async () => {
    // 1,650 enrollments: pages of 500, 500, 500 and 150.
    big = await sim.start(["--users", "550"]);
    bigClient = new Client({ url: big.url, token: sim.TOKEN });
  });
  after(() => big?.stop());

  async function fetchPages(query = "") {
    const records = [];
    for (let page = 1; ; page++) {
      const response = await fetch(
        `${big.url}/v1/training/enrollments?${query}page=${page}&per_page=500`,
        auth,
      );
      assert.equal(response.status, 200);
      const batch = await response.json();
      records.push(...batch);
      if (batch.length < 500) return { records, pages: page };
    }
  }

  async function fetchCursor() {
    const records = [];
    for (let cursor = "true"; ; ) {
      const response = await fetch(
        `${big.url}/v1/training/enrollments?cursor=${encodeURIComponent(cursor)}&per_page=500`,
        auth,
      );
      assert.equal(response.status, 200);
      const body = await response.json();
      records.push(...body.data);
      cursor = body._metadata?.next_cursor;
      if (!cursor || body.data.length === 0) return records;
    }
  }

  function assertListEnvelope(envelope) {
    assert.deepEqual(Object.keys(envelope), ["status_code", "response_headers", "reason", "json_body"]);
    assertEnvelope(envelope);
    assert.equal(envelope.reason, "OK");
    assert.ok(Array.isArray(envelope.json_body));
    assert.equal(Object.getPrototypeOf(envelope.json_body), Array.prototype);
  }

  test("page numbers: the same records, in the same order", async () => {
    const expected = await fetchPages();
    assert.equal(expected.pages, 4);
    assert.equal(expected.records.length, 1650);
    await big.clearRequests();
    const envelope = await bigClient.listTrainingEnrollments();
    assertListEnvelope(envelope);
    assert.equal(envelope.json_body.length, expected.records.length);
    assert.deepEqual(envelope.json_body, expected.records);
    const pages = (await big.requests()).filter((r) => r.path === "/v1/training/enrollments");
    assert.equal(pages.length, 4);
    // With a query input, through runAction too.
    const filtered = await fetchPages("include_campaign_id=true&");
    const generic = await bigClient.runAction("get_all_training_enrollments", {
      parameters: { include_campaign_id: true },
    });
    assertListEnvelope(generic);
    assert.deepEqual(generic.json_body, filtered.records);
  });

  test("cursor paging: the same records, in the same order", async () => {
    const expected = await fetchCursor();
    assert.equal(expected.length, 1650);
    const envelope = await bigClient.listTrainingEnrollments({ cursor: true });
    assertListEnvelope(envelope);
    assert.deepEqual(envelope.json_body, expected);
  });

  test("the status filter (parsed pages) keeps the order across pages", async () => {
    const { records } = await fetchPages();
    const envelope = await bigClient.runAction("get_all_training_enrollments", {
      parameters: { status: "completed" },
    });
    assertListEnvelope(envelope);
    const pageOf = records.map((e, i) => [e, Math.floor(i / 500) + 1]);
    const kept = pageOf.filter(([e]) => e.status === "Completed");
    assert.equal(new Set(kept.map(([, page]) => page)).size, 4, "every page has some");
    const expected = kept.map(([e]) => e);
    assert.deepEqual(envelope.json_body, expected);
  });

  test("a page in the middle answering 500 is the answer, not a partial list", async () => {
    const fault = (after) => [
      { path: "/v1/training/enrollments", after, times: 1, fault: { kind: "status", status: 500 } },
    ];
    // What that page answers, fetched plainly.
    await big.setFaults(fault(0));
    const plain = await fetch(`${big.url}/v1/training/enrollments?page=2&per_page=500`, auth);
    const plainBody = await plain.json();
    assert.equal(plain.status, 500);

    const once = new Client({ url: big.url, token: sim.TOKEN, maxAttempts: 1 });
    await big.setFaults(fault(1));
    await big.clearRequests();
    try {
      const envelope = await once.listTrainingEnrollments();
      assert.deepEqual(Object.keys(envelope), ["status_code", "response_headers", "reason", "json_body"]);
      assert.equal(envelope.status_code, 500);
      assert.equal(envelope.reason, "Internal Server Error");
      assert.equal(Object.getPrototypeOf(envelope.response_headers), Object.prototype);
      assert.deepEqual(envelope.json_body, plainBody);
      assert.ok(!Array.isArray(envelope.json_body));
      const pages = (await big.requests()).filter((r) => r.path === "/v1/training/enrollments");
      assert.deepEqual(
        pages.map((r) => new URLSearchParams(r.query).get("page")),
        ["1", "2"],
        "the pull stopped at the failing page",
      );

      // A non-retried status (404) stops the pull the same way.
      await big.setFaults([
        { path: "/v1/training/enrollments", after: 2, times: 1, fault: { kind: "status", status: 404 } },
      ]);
      const missing = await bigClient.listTrainingEnrollments();
      assert.equal(missing.status_code, 404);
      assert.ok(!Array.isArray(missing.json_body));

      // Retried (the default), the same failure heals and the list is whole.
      await big.setFaults(fault(1));
      const healed = await bigClient.listTrainingEnrollments();
      assertListEnvelope(healed);
      assert.deepEqual(healed.json_body, (await fetchPages()).records);
    } finally {
      await big.clearFaults();
    }
  });
});
