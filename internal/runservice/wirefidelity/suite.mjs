// The wire-fidelity suite: calls every implemented operation of every API
// the run service serves through the AWS SDK for JavaScript v3 (which the
// project did not write), and validates each RAW answer against the AWS
// service model: the status code, the request ID, the output shape
// (required members, unknown members, types, enums, patterns, lengths,
// ranges, timestamps, nested structures, lists and maps), and for errors,
// that the code is one the model lists for the operation.
//
// Environment: WIRE_ENDPOINT (the run service), WIRE_MODELS (folder of
// <service>.json.gz models), WIRE_CASES (cases.json; default beside this
// file). Prints one line per service:
//   drs: N of 50 implemented, N shape-valid
// and exits 1 when any answer is invalid, when an operation is served
// without a case, or when a case's operation is not served.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { XMLParser } from 'fast-xml-parser';

if (process.argv.includes('--self-test')) selfTest();

const endpoint = process.env.WIRE_ENDPOINT;
const modelsDir = process.env.WIRE_MODELS;
const casesPath = process.env.WIRE_CASES || new URL('./cases.json', import.meta.url);
if (!endpoint || !modelsDir) {
  console.error('WIRE_ENDPOINT and WIRE_MODELS are required');
  process.exit(2);
}
const table = JSON.parse(readFileSync(casesPath, 'utf8'));

// The services: model file, SDK package and client class.
const SERVICES = [
  { name: 'drs', pkg: '@aws-sdk/client-drs', client: 'DrsClient' },
  { name: 'stepfunctions', pkg: '@aws-sdk/client-sfn', client: 'SFNClient' },
  { name: 'events', pkg: '@aws-sdk/client-eventbridge', client: 'EventBridgeClient' },
  { name: 'sts', pkg: '@aws-sdk/client-sts', client: 'STSClient' },
  { name: 'service-quotas', pkg: '@aws-sdk/client-service-quotas', client: 'ServiceQuotasClient' },
  { name: 'logs', pkg: '@aws-sdk/client-cloudwatch-logs', client: 'CloudWatchLogsClient' },
  { name: 'ssm', pkg: '@aws-sdk/client-ssm', client: 'SSMClient' },
  { name: 'pricing', pkg: '@aws-sdk/client-pricing', client: 'PricingClient' },
];

// Capture keeps the raw answer of the last request.
class Capture extends NodeHttpHandler {
  async handle(request, options) {
    this.last = null;
    const out = await super.handle(request, options);
    const chunks = [];
    for await (const c of out.response.body) chunks.push(Buffer.from(c));
    const body = Buffer.concat(chunks);
    this.last = { status: out.response.statusCode, headers: out.response.headers, body };
    out.response.body = Readable.from([body]);
    return out;
  }
}

function loadModel(name) {
  return JSON.parse(gunzipSync(readFileSync(`${modelsDir}/${name}.json.gz`)).toString('utf8'));
}

function regexFor(pattern) {
  try { return new RegExp(pattern, 'u'); } catch { return new RegExp(pattern); }
}

// validate checks value against shape name and pushes problems.
function validate(model, shapeName, value, path, problems, opts = {}) {
  const shape = model.shapes[shapeName];
  if (!shape) { problems.push(`${path}: unknown shape ${shapeName}`); return; }
  const bad = (msg) => problems.push(`${path}: ${msg} (${shapeName})`);
  switch (shape.type) {
    case 'structure': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return bad(`expected an object, got ${JSON.stringify(value)}`);
      for (const req of shape.required || []) {
        const m = shape.members[req];
        if (m && m.location) continue;
        if (!(req in value) && !(m && m.locationName && m.locationName in value)) bad(`required member ${req} is missing`);
      }
      const byWire = {};
      for (const [k, m] of Object.entries(shape.members || {})) {
        if (m.location) continue; // headers, status code, URI
        byWire[(opts.query ? m.locationName : m.jsonName || m.locationName) || k] = m;
        byWire[k] = byWire[k] || m;
      }
      for (const [k, v] of Object.entries(value)) {
        const m = byWire[k];
        if (!m) { if (!opts.lenient) bad(`member ${k} is not in the model`); continue; }
        if (v === null) { bad(`member ${k} is null`); continue; }
        validate(model, m.shape, v, `${path}.${k}`, problems, opts);
      }
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) return bad(`expected a list, got ${JSON.stringify(value)}`);
      if (shape.min !== undefined && value.length < shape.min) bad(`${value.length} items, fewer than ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max) bad(`${value.length} items, more than ${shape.max}`);
      value.forEach((v, i) => validate(model, shape.member.shape, v, `${path}[${i}]`, problems, opts));
      return;
    }
    case 'map': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return bad('expected a map');
      for (const [k, v] of Object.entries(value)) {
        validate(model, shape.key.shape, k, `${path}{key}`, problems, opts);
        validate(model, shape.value.shape, v, `${path}{${k}}`, problems, opts);
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string') return bad(`expected a string, got ${JSON.stringify(value)}`);
      if (shape.enum && !shape.enum.includes(value)) bad(`${JSON.stringify(value)} is not one of ${shape.enum.join(', ')}`);
      if (shape.min !== undefined && [...value].length < shape.min) bad(`length ${value.length} below ${shape.min}`);
      if (shape.max !== undefined && [...value].length > shape.max) bad(`length ${value.length} above ${shape.max}`);
      if (shape.pattern && !regexFor(shape.pattern).test(value)) bad(`${JSON.stringify(value)} does not match ${shape.pattern}`);
      return;
    }
    case 'integer': case 'long': {
      const n = opts.query ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n)) return bad(`expected an integer, got ${JSON.stringify(value)}`);
      if (shape.min !== undefined && n < shape.min) bad(`${n} below ${shape.min}`);
      if (shape.max !== undefined && n > shape.max) bad(`${n} above ${shape.max}`);
      return;
    }
    case 'double': case 'float': {
      const n = opts.query ? Number(value) : value;
      if (typeof n !== 'number' || Number.isNaN(n)) bad(`expected a number, got ${JSON.stringify(value)}`);
      return;
    }
    case 'boolean': {
      if (opts.query ? !['true', 'false'].includes(String(value)) : typeof value !== 'boolean') bad(`expected a boolean, got ${JSON.stringify(value)}`);
      return;
    }
    case 'timestamp': {
      const fmt = shape.timestampFormat || (opts.query ? 'iso8601' : 'unixTimestamp');
      if (fmt === 'unixTimestamp') {
        if (typeof value !== 'number') bad(`expected epoch seconds, got ${JSON.stringify(value)}`);
      } else if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) bad(`expected an ISO 8601 time, got ${JSON.stringify(value)}`);
      return;
    }
    case 'blob': {
      if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) bad('expected base64');
      return;
    }
    default:
      bad(`type ${shape.type} is not checked`);
  }
}

// fromQueryXML turns a parsed awsQuery XML element into the model's
// shape: lists are <member> children, scalars stay strings.
function fromQueryXML(model, shapeName, el) {
  const shape = model.shapes[shapeName];
  if (shape.type === 'structure') {
    const out = {};
    for (const [k, v] of Object.entries(el || {})) {
      const m = shape.members[k];
      out[k] = m ? fromQueryXML(model, m.shape, v) : v;
    }
    return out;
  }
  if (shape.type === 'list') {
    if (el === '' || el === undefined) return [];
    const members = el.member === undefined ? [] : [].concat(el.member);
    return members.map((m) => fromQueryXML(model, shape.member.shape, m));
  }
  return typeof el === 'object' ? el : String(el);
}

const xml = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true });

// checkAnswer validates one raw answer; returns problems.
function checkAnswer(model, opName, raw, thrown) {
  const problems = [];
  const op = model.operations[opName];
  const protocol = model.metadata.protocol;
  const rid = raw.headers['x-amzn-requestid'] || raw.headers['x-amz-request-id'];
  if (!rid) problems.push('no x-amzn-RequestId header');
  const text = raw.body.toString('utf8');
  if (raw.status >= 300) {
    let code = (raw.headers['x-amzn-errortype'] || '').split(':')[0];
    let body = {};
    if (protocol === 'query') {
      const doc = xml.parse(text);
      code = doc?.ErrorResponse?.Error?.Code || code;
      if (doc?.ErrorResponse?.RequestId !== rid) problems.push('error RequestId differs from the header');
    } else if (text) {
      try { body = JSON.parse(text); } catch { problems.push('error body is not JSON'); }
      if (!code && body.__type) code = String(body.__type).split('#').pop();
    }
    const modelled = (op.errors || []).map((e) => e.shape);
    const byCode = (op.errors || []).find((e) => (model.shapes[e.shape]?.error?.code || e.shape) === code);
    if (!byCode) problems.push(`error ${code} (${raw.status}) is not among the operation's modelled errors ${modelled.join(', ')}`);
    else {
      const status = model.shapes[byCode.shape].error?.httpStatusCode;
      if (status && status !== raw.status) problems.push(`error ${code} answered ${raw.status}, the model says ${status}`);
      if (protocol !== 'query') {
        const fields = { ...body };
        delete fields.__type; delete fields.message; delete fields.Message; delete fields.code;
        validate(model, byCode.shape, fields, code, problems, { lenient: false });
      }
    }
    return { problems, code };
  }
  if (thrown) problems.push(`the SDK failed on a ${raw.status} answer: ${thrown}`);
  const want = protocol === 'rest-json' ? (op.http.responseCode || 200) : 200;
  if (raw.status !== want) problems.push(`status ${raw.status}, the model says ${want}`);
  if (!op.output) {
    if (text.trim() !== '' && text.trim() !== '{}') problems.push(`the operation has no output, the answer has a body: ${text.slice(0, 200)}`);
    return { problems };
  }
  let value;
  if (protocol === 'query') {
    const doc = xml.parse(text);
    const resp = doc[`${opName}Response`];
    if (!resp) { problems.push(`no ${opName}Response element`); return { problems }; }
    if (resp.ResponseMetadata?.RequestId !== rid) problems.push('ResponseMetadata.RequestId differs from the header');
    value = fromQueryXML(model, op.output.shape, resp[op.output.resultWrapper || `${opName}Result`] || {});
    validate(model, op.output.shape, value, opName, problems, { query: true });
    return { problems, value };
  }
  try { value = text ? JSON.parse(text) : {}; } catch { problems.push('body is not JSON'); return { problems }; }
  validate(model, op.output.shape, value, opName, problems);
  return { problems, value };
}

function substitute(v, saved) {
  if (typeof v === 'string') {
    const whole = v.match(/^\$\{(\w+)\}$/);
    if (whole) {
      if (!(whole[1] in saved)) throw new Error(`nothing saved as ${whole[1]}`);
      return saved[whole[1]];
    }
    return v.replace(/\$\{(\w+)\}/g, (_, k) => { if (!(k in saved)) throw new Error(`nothing saved as ${k}`); return saved[k]; });
  }
  if (Array.isArray(v)) return v.map((x) => substitute(x, saved));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x, saved)]));
  return v;
}

function pick(value, path) {
  return path.split('.').reduce((v, k) => (v == null ? undefined : v[k]), value);
}

const NOT_SERVED = new Set(['UnknownOperationException', 'InvalidAction', 'UnknownOperation']);

let failed = false;
for (const svc of SERVICES) {
  const model = loadModel(svc.name);
  const sdk = await import(svc.pkg);
  const capture = new Capture();
  const client = new sdk[svc.client]({
    endpoint, region: 'us-east-1', maxAttempts: 1, requestHandler: capture,
    // Step Functions' TestState goes to a "sync-" host prefix, which a
    // loopback endpoint does not have.
    disableHostPrefix: true,
    credentials: { accessKeyId: 'AKIADRSORCHLOCAL0000', secretAccessKey: 'drsorch-local-secret' },
  });
  const ops = Object.keys(model.operations);
  const implemented = new Set();
  const served = new Set();
  const invalid = new Map(); // op -> problems
  const checked = new Set();
  const saved = {};
  const call = async (opName, input) => {
    const Command = sdk[`${opName}Command`];
    if (!Command) return { missing: true };
    let thrown = null; let output;
    try { output = await client.send(new Command(input)); } catch (e) { thrown = e; }
    return { raw: capture.last, thrown, output };
  };
  for (const step of table[svc.name] || []) {
    if (step.sim) {
      const r = await fetch(`${endpoint}${step.sim}`, { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify(substitute(step.body || {}, saved)) });
      if (!r.ok) { console.error(`${svc.name}: ${step.sim}: ${r.status}`); failed = true; }
      // "save" on a sim step keeps values of its JSON answer (instance IDs).
      if (r.ok && step.save) {
        const answer = await r.json();
        for (const [k, p] of Object.entries(step.save)) saved[k] = pick(answer, p);
      }
      continue;
    }
    const opName = step.operation;
    if (!model.operations[opName]) { console.error(`${svc.name}: ${opName} is not a model operation`); failed = true; continue; }
    let input;
    try { input = substitute(step.input || {}, saved); } catch (e) { console.error(`${svc.name} ${opName}: ${e.message}`); failed = true; continue; }
    let { raw, thrown, missing } = await call(opName, input);
    // "until": call again (up to 10 s) until the answer has these values.
    let reached = !step.until;
    for (const deadline = Date.now() + 10000; !reached && raw && raw.status < 300;) {
      let answer = {};
      try { answer = JSON.parse(raw.body.toString('utf8')); } catch { break; }
      reached = Object.entries(step.until).every(([p, v]) => pick(answer, p) === v);
      if (reached || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
      ({ raw, thrown, missing } = await call(opName, input));
    }
    if (missing) { console.error(`${svc.name}: the SDK has no ${opName}Command`); continue; }
    if (!raw) { console.error(`${svc.name} ${opName}: no answer: ${thrown}`); failed = true; invalid.set(opName, [`no answer: ${thrown}`]); continue; }
    const { problems, code, value } = checkAnswer(model, opName, raw, raw.status < 300 ? thrown : null);
    if (NOT_SERVED.has(code)) { if (step.required !== false) { console.error(`${svc.name} ${opName}: has a case but is not served`); failed = true; } continue; }
    served.add(opName);
    implemented.add(opName);
    checked.add(opName);
    if (!reached && raw.status < 300) problems.push(`the answer did not reach ${JSON.stringify(step.until)} in 10 s`);
    if (step.expectError && code !== step.expectError) problems.push(`want error ${step.expectError}, got ${code || raw.status}`);
    if (!step.expectError && raw.status >= 300) problems.push(`unexpected error ${code}: ${raw.body.toString('utf8').slice(0, 300)}`);
    if (problems.length) invalid.set(opName, [...(invalid.get(opName) || []), ...problems]);
    if (step.save && value) {
      for (const [k, p] of Object.entries(step.save)) {
        const v = pick(value, p);
        if (v === undefined) { invalid.set(opName, [`nothing at ${p} to save as ${k}`]); } else saved[k] = v;
      }
    }
  }
  // Probe the model's other operations: served or not?
  const unchecked = [];
  for (const opName of ops) {
    if (checked.has(opName)) continue;
    const { raw, missing } = await call(opName, probeInput(model, opName));
    if (missing || !raw) continue;
    const text = raw.body.toString('utf8');
    let code = (raw.headers['x-amzn-errortype'] || '').split(':')[0];
    if (!code && text.includes('InvalidAction')) code = 'InvalidAction';
    if (!code) { try { code = String(JSON.parse(text).__type || '').split('#').pop(); } catch { /* not JSON */ } }
    // A 404 without an error code is the run service's plain "no such
    // endpoint" (for example an unsigned STS call it does not serve).
    if (raw.status === 404 && !code) continue;
    if (raw.status < 300 || !NOT_SERVED.has(code)) { implemented.add(opName); unchecked.push(opName); }
  }
  const { lines, ok } = report(svc.name, ops.length, implemented, checked, invalid, unchecked);
  for (const line of lines) console.log(line);
  if (!ok) failed = true;
}
process.exit(failed ? 1 : 0);

// report is one service's figures and verdict: it fails when an answer
// is invalid, and when an operation is served without a case, so that a
// new operation cannot slip in unchecked.
function report(name, total, implemented, checked, invalid, unchecked) {
  const valid = [...checked].filter((o) => !invalid.has(o));
  const lines = [`${name}: ${implemented.size} of ${total} implemented, ${valid.length} shape-valid`];
  if (unchecked.length) lines.push(`  UNCHECKED (served without a case in cases.json): ${[...unchecked].sort().join(', ')}`);
  for (const [op, problems] of invalid) {
    lines.push(`  INVALID ${op}:`);
    for (const p of problems.slice(0, 10)) lines.push(`    ${p}`);
  }
  return { lines, ok: unchecked.length === 0 && invalid.size === 0 };
}

// probeInput fills the URI members an SDK needs to build the request.
function probeInput(model, opName) {
  const input = {};
  const op = model.operations[opName];
  if (!op.input) return input;
  for (const [k, m] of Object.entries(model.shapes[op.input.shape].members || {})) {
    if (m.location === 'uri') input[k] = 'arn:aws:drs:us-east-1:123456789012:source-server/s-00000000000000000';
  }
  return input;
}

// selfTest proves the checks can fail: each answer below breaks the DRS
// model in one way and must be reported.
function selfTest() {
  const model = loadModelFrom(process.env.WIRE_MODELS, 'drs');
  const ok = Buffer.from('{"items":[]}');
  const rid = { 'x-amzn-requestid': '8f9c2a53-0000-4000-8000-000000000000' };
  const job = (extra) => Buffer.from(JSON.stringify({ items: [{ jobID: 'drsjob-0123456789abcdef0', ...extra }] }));
  const cases = [
    ['missing request ID', 'DescribeJobs', { status: 200, headers: {}, body: ok }],
    ['wrong status', 'StartRecovery', { status: 200, headers: rid, body: Buffer.from('{"job":{"jobID":"drsjob-0123456789abcdef0"}}') }],
    ['enum', 'DescribeJobs', { status: 200, headers: rid, body: job({ status: 'RUNNING' }) }],
    ['pattern', 'DescribeJobs', { status: 200, headers: rid, body: Buffer.from('{"items":[{"jobID":"job-1"}]}') }],
    ['unknown member', 'DescribeJobs', { status: 200, headers: rid, body: job({ colour: 'blue' }) }],
    ['type', 'DescribeJobs', { status: 200, headers: rid, body: job({ participatingServers: {} }) }],
    ['required', 'StartRecovery', { status: 202, headers: rid, body: Buffer.from('{"job":{"type":"LAUNCH"}}') }],
    ['unmodelled error', 'StartRecovery', { status: 404, headers: { ...rid, 'x-amzn-errortype': 'ResourceNotFoundException' }, body: Buffer.from('{"message":"x"}') }],
    ['error status', 'StartRecovery', { status: 400, headers: { ...rid, 'x-amzn-errortype': 'ConflictException' }, body: Buffer.from('{"message":"x"}') }],
  ];
  let missed = 0;
  for (const [what, op, raw] of cases) {
    const { problems } = checkAnswer(model, op, raw, null);
    if (problems.length === 0) { console.log(`self-test: ${what} was not reported`); missed++; }
  }
  // The verdict: a served operation without a case fails, as does an
  // invalid answer; checked, valid operations pass.
  const verdicts = [
    ['served without a case', false, report('drs', 50, new Set(['DescribeJobs', 'StartRecovery']), new Set(['DescribeJobs']), new Map(), ['StartRecovery'])],
    ['invalid answer', false, report('drs', 50, new Set(['DescribeJobs']), new Set(['DescribeJobs']), new Map([['DescribeJobs', ['x']]]), [])],
    ['every served operation checked and valid', true, report('drs', 50, new Set(['DescribeJobs']), new Set(['DescribeJobs']), new Map(), [])],
  ];
  for (const [what, want, { ok }] of verdicts) {
    if (ok !== want) { console.log(`self-test: the verdict on "${what}" is ${ok ? 'pass' : 'fail'}`); missed++; }
  }
  const good = checkAnswer(model, 'DescribeJobs', { status: 200, headers: rid, body: job({ status: 'COMPLETED', type: 'LAUNCH' }) }, null);
  if (good.problems.length) { console.log(`self-test: a valid answer was reported: ${good.problems}`); missed++; }
  const checks = cases.length + verdicts.length + 1;
  console.log(`self-test: ${checks - missed} of ${checks} checks behave`);
  process.exit(missed ? 1 : 0);
}

function loadModelFrom(dir, name) {
  return JSON.parse(gunzipSync(readFileSync(`${dir}/${name}.json.gz`)).toString('utf8'));
}
