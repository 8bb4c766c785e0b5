// Runs every conformance case (testdata/conformance/*.json) through two
// tools nobody here wrote: asl-validator checks each definition, and
// aws-local-stepfunctions executes it with the case's input and scripted
// task results. Prints one JSON array of results for the Go test to compare
// with the engine.
//
// Usage: node run.mjs <cases-dir>

// aws-local-stepfunctions uses Promise.withResolvers (Node 22); Node 20 lacks it.
if (!Promise.withResolvers) {
  Promise.withResolvers = function () {
    let resolve, reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const validator = require('asl-validator');
const { StateMachine } = await import('aws-local-stepfunctions');

// Every state of a definition, nested ones included.
function allStates(def, out = []) {
  for (const [name, state] of Object.entries(def.States || {})) {
    out.push([name, state]);
    for (const branch of state.Branches || []) allStates(branch, out);
    if (state.ItemProcessor) allStates(state.ItemProcessor, out);
    if (state.Iterator) allStates(state.Iterator, out);
  }
  return out;
}

// A scripted task: the n-th call gets the n-th entry (the last one repeats).
function taskHandler(name, script, calls) {
  return async (input) => {
    const n = calls[name] || 0;
    calls[name] = n + 1;
    const entry = script[Math.min(n, script.length - 1)];
    if (entry.hang) return new Promise(() => {});
    if (entry.error !== undefined) {
      const err = new Error(entry.cause ?? '');
      err.name = entry.error;
      throw err;
    }
    if (entry.echo) return input;
    return entry.output;
  };
}

async function runCase(file, c) {
  const result = { file, valid: true, validationErrors: '', states: [], calls: {} };
  const v = validator(c.definition);
  if (!v.isValid) {
    result.valid = false;
    result.validationErrors = v.errorsText('; ');
  }
  const overrides = { taskResourceLocalHandlers: {}, waitTimeOverrides: {}, retryIntervalOverrides: {} };
  for (const [name, state] of allStates(c.definition)) {
    if (state.Type === 'Wait') overrides.waitTimeOverrides[name] = 0;
    if (state.Retry) overrides.retryIntervalOverrides[name] = 0;
    if (state.Type === 'Task') {
      const script = (c.tasks || {})[name] || [{ echo: true }];
      overrides.taskResourceLocalHandlers[name] = taskHandler(name, script, result.calls);
    }
  }
  const sm = new StateMachine(c.definition, { validationOptions: { checkPaths: false, checkArn: false } });
  // The context object the engine gives every execution (compiled plans
  // tag their DRS jobs with $$.Execution.Id).
  const context = { Execution: { Id: 'arn:aws:states:us-east-1:123456789012:execution:case:conformance', Name: 'conformance', Input: c.input } };
  const execution = sm.run(c.input, { overrides, context });
  try {
    result.output = await execution.result;
    result.status = 'SUCCEEDED';
  } catch (err) {
    const inner = err.cause instanceof Error ? err.cause : err;
    result.status = 'FAILED';
    result.error = inner.name;
    result.cause = inner.message;
  }
  for await (const ev of execution.eventLogs) {
    if (ev.type === 'StateEntered') result.states.push(ev.state.name);
  }
  return result;
}

const dir = process.argv[2];
const results = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
  const c = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  results.push(await runCase(file, c));
}
process.stdout.write(JSON.stringify(results));
