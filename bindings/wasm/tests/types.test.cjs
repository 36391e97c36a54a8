// The package's .d.ts has real types: a TypeScript consumer compiles
// against it with --strict, and misuse fails to compile.
"use strict";
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const here = __dirname;
const tsc = path.resolve(here, "../node_modules/typescript/bin/tsc");

function compile(files) {
  return spawnSync(process.execPath, [tsc, "--noEmit", "--strict", "--target", "es2020",
    "--module", "commonjs", "--moduleResolution", "node", "--lib", "es2020,esnext.disposable,dom,dom.iterable",
    ...files], { encoding: "utf8" });
}

test("a TypeScript consumer compiles against the .d.ts", () => {
  assert.ok(fs.existsSync(tsc), "run `npm ci` in bindings/wasm first");
  const result = compile([path.join(here, "consumer.ts")]);
  assert.equal(result.status, 0, result.stdout + result.stderr);
});

test("misuse does not compile", () => {
  const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kb4-ts-")), "bad.ts");
  const pkg = path.resolve(here, "../pkg/node").replaceAll("\\", "/");
  const cases = [
    `new Client({ url: "x" });`, // no token
    `new Client({ token: "t", timeoutMs: "5" });`,
    `new Client({ token: "t", region: "mars" });`,
    `new Client({ token: "t" }).listPolicies({ perpage: 5 });`,
    `new Client({ token: "t" }).runAction("get_everything", {});`,
    `new Client({ token: "t" }).getPolicy(1).then((e) => e.json_body.toFixed());`,
  ];
  for (const line of cases) {
    fs.writeFileSync(bad, `import { Client } from "${pkg}";\n${line}\n`);
    const result = compile([bad]);
    assert.notEqual(result.status, 0, `should not compile: ${line}`);
  }
});
