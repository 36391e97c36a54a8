// Node contenders. One benchmark per process:
//   node contenders.js MODE URL [N IDS_FILE]
// MODE: wasm-pull, fetch-pull, wasm-single, fetch-single, wasm-init.
// Prints one JSON line. CPU and max RSS are measured by the parent (os.wait4).
"use strict";
const fs = require("fs");
const path = require("path");

const PKG = path.join(__dirname, "..", "bindings", "wasm", "pkg", "node");
const TOKEN = "sim-token";
const HEADERS = { Authorization: `Bearer ${TOKEN}` };
const PER_PAGE = 500;

async function main() {
  const [mode, rawUrl, nArg, idsFile] = process.argv.slice(2);
  const now = () => Number(process.hrtime.bigint()) / 1e9;
  if (mode === "wasm-init") {
    // Loading the CommonJS package compiles and instantiates the .wasm synchronously.
    const t = now();
    const { Client } = require(PKG);
    new Client({ url: rawUrl || "http://127.0.0.1:9", token: TOKEN });
    console.log(JSON.stringify({ wall_s: now() - t }));
    return;
  }
  const url = rawUrl.replace(/\/$/, "");
  const enroll = `${url}/v1/training/enrollments`;
  if (mode.endsWith("-pull")) {
    let records;
    let start;
    if (mode === "wasm-pull") {
      const { Client } = require(PKG);
      const client = new Client({ url, token: TOKEN });
      start = now();
      records = (await client.listTrainingEnrollments()).json_body;
    } else if (mode === "fetch-pull") {
      start = now();
      records = [];
      for (let page = 1; ; page++) {
        const res = await fetch(`${enroll}?page=${page}&per_page=${PER_PAGE}`, { headers: HEADERS });
        const batch = await res.json();
        for (const r of batch) records.push(r);
        if (batch.length < PER_PAGE) break;
      }
    } else throw new Error(`unknown mode ${mode}`);
    console.log(JSON.stringify({ wall_s: now() - start, records: records.length }));
    return;
  }
  const n = Number(nArg || 2000);
  const ids = fs.readFileSync(idsFile, "utf8").split(/\s+/).filter(Boolean).map(Number);
  let call;
  if (mode === "wasm-single") {
    const { Client } = require(PKG);
    const client = new Client({ url, token: TOKEN });
    call = async (id) => (await client.getTrainingEnrollment(id)).json_body;
  } else if (mode === "fetch-single") {
    call = async (id) => (await fetch(`${enroll}/${id}`, { headers: HEADERS })).json();
  } else throw new Error(`unknown mode ${mode}`);
  const first = await call(ids[0]); // warm-up: opens the keep-alive connection
  if (first.enrollment_id !== ids[0]) throw new Error("warm-up returned the wrong record");
  const lat = [];
  const start = now();
  for (let k = 0; k < n; k++) {
    const t = now();
    await call(ids[k % ids.length]);
    lat.push(now() - t);
  }
  console.log(JSON.stringify({ wall_s: now() - start, lat }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
