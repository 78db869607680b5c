// A fault-injecting HTTP proxy in front of kinesalite: the failures real Kinesis produces, on demand.
//
// Configuration (the same JSON through `configure(faults)` and `POST /__faults`; every field optional,
// fields left out keep their value, `rules` replaces the whole rule list):
//   {
//     seed: 1,                 // reseeds the PRNG that picks requests (rate) and failed records
//     clockOffsetMs: 0,        // the proxy's clock = real clock + offset; used for Date and X-Amz-Date checks
//     maxSkewMs: 300000,       // X-Amz-Date further than this from the proxy's clock: InvalidSignatureException
//     expiredTokens: ['tok'],  // X-Amz-Security-Token values answered with ExpiredTokenException
//     rules: [ Rule, ... ]
//   }
// Token expiry: besides `expiredTokens`, a session token containing `exp=<digits>` (Unix epoch
// milliseconds) is expired once the proxy's clock reaches that instant, e.g. `local-token;exp=1767225600000`.
//
// A Rule is one of
//   {fault: 'partial', fraction: 0.3, errorCode: 'ProvisionedThroughputExceededException'|'InternalFailure'|'mixed'}
//       fails round(fraction × records) records of a PutRecords request (chosen by the PRNG), answers them
//       itself and forwards the rest, merging kinesalite's per-record results back in request order.
//   {fault: 'error', status?: 500, type?: 'InternalFailure', message?: '...'}
//       whole-request AWS JSON error; status and type default from each other (500 InternalFailure,
//       503 ServiceUnavailable, 400 ProvisionedThroughputExceededException / ExpiredTokenException / ...).
//   {fault: 'reset'}          destroys the connection without an answer.
//   {fault: 'stall', ms: 1000} waits before answering or forwarding (combines with the other faults).
//   {fault: 'stall', ms: 1000, after: true} forwards first, then waits before answering: kinesalite has
//       stored the records, so a client that times out and resends creates duplicates.
// and may also carry
//   times: N                  applies to the next N matching requests only (default: unlimited),
//   rate: 0.5                 applies to a matching request with this probability (default 1, PRNG-drawn),
//   target: 'PutRecords'      X-Amz-Target operation it matches ('*' = every operation; default PutRecords).
// Per request, every matching rule that fires contributes: stalls add up; the first 'error'/'reset'
// ends the request; otherwise the first 'partial' fails records. Rules fire in list order.
//
// Over HTTP: `POST /__faults` (configure, answers the configuration), `GET /__faults`, `GET /__log`
// (the request log as JSON), `POST /__reset` (no rules, offset 0, default seed, empty log).
// Every answer carries CORS headers and a `Date` header from the proxy's clock; OPTIONS preflights are
// answered by the proxy itself.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { listenOnLoopback, closeServer } from './ports.mjs';

const DEFAULT_SEED = 1;
const DEFAULT_MAX_SKEW_MS = 5 * 60 * 1000;
const MAX_LOG_ENTRIES = 10000;

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Allow-Headers':
    'authorization, content-type, x-amz-date, x-amz-security-token, x-amz-target, x-amz-user-agent, x-amz-content-sha256',
  'Access-Control-Expose-Headers': 'Date, x-amzn-RequestId, x-amzn-ErrorType',
  'Access-Control-Max-Age': '600',
};

const STATUS_OF_TYPE = {
  InternalFailure: 500,
  ServiceUnavailable: 503,
  ProvisionedThroughputExceededException: 400,
  LimitExceededException: 400,
  ExpiredTokenException: 400,
  InvalidSignatureException: 400,
  ResourceNotFoundException: 400,
  AccessDeniedException: 400,
  ThrottlingException: 400,
};
const TYPE_OF_STATUS = { 500: 'InternalFailure', 503: 'ServiceUnavailable', 429: 'ThrottlingException' };
const MESSAGE_OF_TYPE = {
  InternalFailure: 'Internal service failure.',
  ServiceUnavailable: 'Service Unavailable',
  ProvisionedThroughputExceededException: 'Rate exceeded for stream under account 000000000000.',
  ExpiredTokenException: 'The security token included in the request is expired',
};

/** A small seeded PRNG (mulberry32): the same seed gives the same faults on every run. */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `20260126T135000Z`, the X-Amz-Date form of a time in epoch milliseconds. */
export function toAmzDate(ms) {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Epoch milliseconds of an X-Amz-Date value, or NaN when it is not one. */
export function parseAmzDate(value) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  if (!m) return NaN;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}

/** The expiry (epoch ms) a session token embeds as `exp=<digits>`, or undefined. */
export function embeddedTokenExpiry(token) {
  const m = /(?:^|[^A-Za-z0-9])exp=(\d{1,16})(?!\d)/.exec(token ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * Starts the proxy on a free 127.0.0.1 port (or `port`) in front of `target` (kinesalite's URL).
 * Returns `{url, port, stop(), configure(faults), faults(), log(), reset()}`; `log()` returns a copy of
 * the entries `{time, method, path, target, records, fault, status, failedRecords}` (fault null when none,
 * status null for a reset connection).
 */
export async function startFaultProxy({ target, port = 0, ...initialFaults } = {}) {
  if (!target) throw new Error('startFaultProxy: `target` (the kinesalite URL) is required');
  const upstream = new URL(target);
  let config;
  let random;
  let entries = [];
  const pendingTimers = new Set();

  function reset() {
    config = { seed: DEFAULT_SEED, clockOffsetMs: 0, maxSkewMs: DEFAULT_MAX_SKEW_MS, expiredTokens: [], rules: [] };
    random = seededRandom(DEFAULT_SEED);
    entries = [];
  }

  function configure(faults = {}) {
    const next = { ...config };
    if (faults.seed !== undefined) next.seed = checkedNumber('seed', faults.seed);
    if (faults.clockOffsetMs !== undefined) next.clockOffsetMs = checkedNumber('clockOffsetMs', faults.clockOffsetMs);
    if (faults.maxSkewMs !== undefined) next.maxSkewMs = checkedNumber('maxSkewMs', faults.maxSkewMs);
    if (faults.expiredTokens !== undefined) {
      if (!Array.isArray(faults.expiredTokens)) throw new Error('expiredTokens must be an array of strings');
      next.expiredTokens = faults.expiredTokens.map(String);
    }
    if (faults.rules !== undefined) {
      if (!Array.isArray(faults.rules)) throw new Error('rules must be an array');
      next.rules = faults.rules.map(normalizeRule);
    }
    config = next;
    if (faults.seed !== undefined) random = seededRandom(config.seed);
    return publicConfig();
  }

  function publicConfig() {
    return structuredClone(config);
  }

  const now = () => Date.now() + config.clockOffsetMs;

  function record(entry) {
    entries.push({ time: Date.now(), ...entry });
    if (entries.length > MAX_LOG_ENTRIES) entries.shift();
  }

  function sleep(ms) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        pendingTimers.delete(timer);
        resolve();
      }, ms);
      pendingTimers.add(timer);
    });
  }

  function baseHeaders(extra = {}) {
    return { ...CORS_HEADERS, Date: new Date(now()).toUTCString(), ...extra };
  }

  function sendJson(res, status, body, extra = {}) {
    const text = JSON.stringify(body);
    res.writeHead(status, baseHeaders({
      'Content-Type': 'application/x-amz-json-1.1',
      'Content-Length': Buffer.byteLength(text),
      'x-amzn-RequestId': randomUUID(),
      ...extra,
    }));
    res.end(text);
  }

  function sendAwsError(res, status, type, message) {
    sendJson(res, status, { __type: type, message }, { 'x-amzn-ErrorType': type });
  }

  // Rules matching this operation that fire now, in list order; spends their `times`.
  function firingRules(operation) {
    const fired = [];
    for (const rule of config.rules) {
      if (rule.target !== '*' && rule.target !== operation) continue;
      if (rule.times !== null && rule.times <= 0) continue;
      if (rule.rate < 1 && random() >= rule.rate) continue;
      if (rule.times !== null) rule.times -= 1;
      fired.push(rule);
    }
    return fired;
  }

  async function handle(req, res) {
    const body = await readBody(req);
    const url = new URL(req.url, 'http://proxy');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, baseHeaders({ 'Content-Length': 0 }));
      res.end();
      record({ method: 'OPTIONS', path: url.pathname, target: null, records: 0, fault: 'preflight', status: 204 });
      return;
    }
    if (url.pathname.startsWith('/__')) return control(req, res, url.pathname, body);

    const operation = (req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const parsed = operation === 'PutRecords' ? parseJson(body) : undefined;
    const recordCount = Array.isArray(parsed?.Records) ? parsed.Records.length : operation === 'PutRecord' ? 1 : 0;
    const entry = { method: req.method, path: url.pathname, target: operation || null, records: recordCount };

    const clockFault = checkClock(req.headers['x-amz-date']);
    if (clockFault) {
      sendAwsError(res, 400, 'InvalidSignatureException', clockFault);
      record({ ...entry, fault: 'clock-skew', status: 400 });
      return;
    }
    if (isExpiredToken(req.headers['x-amz-security-token'])) {
      sendAwsError(res, 400, 'ExpiredTokenException', MESSAGE_OF_TYPE.ExpiredTokenException);
      record({ ...entry, fault: 'expired-token', status: 400 });
      return;
    }

    const fired = firingRules(operation);
    const faults = [];
    const stallMs = fired.filter((r) => r.fault === 'stall' && !r.after).reduce((sum, r) => sum + r.ms, 0);
    const stallAfterMs = fired.filter((r) => r.fault === 'stall' && r.after).reduce((sum, r) => sum + r.ms, 0);
    // Runs between the upstream answer and ours; false when the client has gone meanwhile.
    const beforeAnswer = async () => {
      if (stallAfterMs === 0) return true;
      faults.push(`stall-after:${stallAfterMs}`);
      await sleep(stallAfterMs);
      return !req.socket.destroyed;
    };
    if (stallMs > 0) {
      faults.push(`stall:${stallMs}`);
      await sleep(stallMs);
      if (req.socket.destroyed) {
        record({ ...entry, fault: faults.join(' '), status: null });
        return;
      }
    }
    const ending = fired.find((r) => r.fault === 'error' || r.fault === 'reset');
    if (ending?.fault === 'reset') {
      faults.push('reset');
      req.socket.destroy();
      record({ ...entry, fault: faults.join(' '), status: null });
      return;
    }
    if (ending?.fault === 'error') {
      faults.push(`error:${ending.status} ${ending.type}`);
      sendAwsError(res, ending.status, ending.type, ending.message);
      record({ ...entry, fault: faults.join(' '), status: ending.status });
      return;
    }
    const partial = fired.find((r) => r.fault === 'partial');
    if (partial && Array.isArray(parsed?.Records) && parsed.Records.length > 0) {
      const failed = await forwardWithPartialFailures(req, res, parsed, partial, body, beforeAnswer);
      faults.push(`partial:${failed}`);
      const status = res.headersSent ? res.statusCode : null;
      record({ ...entry, fault: faults.join(' '), status, failedRecords: failed });
      return;
    }
    const status = await forward(req, res, body, beforeAnswer);
    record({ ...entry, fault: faults.length ? faults.join(' ') : null, status });
  }

  function checkClock(amzDate) {
    if (amzDate === undefined) return null;
    const signedAt = parseAmzDate(amzDate);
    if (Number.isNaN(signedAt)) return null; // kinesalite answers malformed requests itself
    const proxyNow = now();
    if (signedAt < proxyNow - config.maxSkewMs) {
      return `Signature expired: ${amzDate} is now earlier than ${toAmzDate(proxyNow - config.maxSkewMs)} ` +
        `(${toAmzDate(proxyNow)} - ${config.maxSkewMs / 60000} min.)`;
    }
    if (signedAt > proxyNow + config.maxSkewMs) {
      return `Signature not yet current: ${amzDate} is still later than ${toAmzDate(proxyNow + config.maxSkewMs)} ` +
        `(${toAmzDate(proxyNow)} + ${config.maxSkewMs / 60000} min.)`;
    }
    return null;
  }

  function isExpiredToken(token) {
    if (token === undefined) return false;
    if (config.expiredTokens.includes(token)) return true;
    const expiry = embeddedTokenExpiry(token);
    return expiry !== undefined && now() >= expiry;
  }

  // Fails some records itself, forwards the others, answers one merged, index-aligned response.
  async function forwardWithPartialFailures(req, res, parsed, rule, originalBody, beforeAnswer) {
    const total = parsed.Records.length;
    const failCount = Math.min(total, Math.round(rule.fraction * total));
    const failedIndices = new Set(pickIndices(total, failCount, random));
    const failures = new Map();
    for (const index of failedIndices) {
      const code = rule.errorCode === 'mixed'
        ? (random() < 0.5 ? 'ProvisionedThroughputExceededException' : 'InternalFailure')
        : rule.errorCode;
      failures.set(index, {
        ErrorCode: code,
        ErrorMessage: code === 'InternalFailure'
          ? 'Internal service failure.'
          : `Rate exceeded for shard in stream ${parsed.StreamName ?? parsed.StreamARN} under account 000000000000.`,
      });
    }
    if (failures.size === 0) {
      await forward(req, res, originalBody, beforeAnswer);
      return 0;
    }
    let forwardedResults = [];
    if (failures.size < total) {
      const kept = parsed.Records.filter((_, i) => !failedIndices.has(i));
      const upstreamAnswer = await requestUpstream(req, Buffer.from(JSON.stringify({ ...parsed, Records: kept })));
      const answer = upstreamAnswer.status === 200 ? parseJson(upstreamAnswer.body) : undefined;
      if (!Array.isArray(answer?.Records) || answer.Records.length !== kept.length) {
        if (await beforeAnswer()) relay(res, upstreamAnswer); // kinesalite refused the request: its error is the answer
        return 0;
      }
      forwardedResults = answer.Records;
    }
    let next = 0;
    const merged = parsed.Records.map((_, i) => failures.get(i) ?? forwardedResults[next++]);
    const failedRecordCount = merged.filter((r) => r.ErrorCode).length;
    if (await beforeAnswer()) sendJson(res, 200, { FailedRecordCount: failedRecordCount, Records: merged });
    return failures.size;
  }

  // Forwards upstream and relays the answer, unless `beforeAnswer` finds the client gone (then null).
  async function forward(req, res, body, beforeAnswer = async () => true) {
    const answer = await requestUpstream(req, body);
    if (!(await beforeAnswer())) return null;
    relay(res, answer);
    return answer.status;
  }

  function relay(res, answer) {
    const headers = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      const lower = name.toLowerCase();
      if (lower.startsWith('access-control-') || ['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length'].includes(lower)) continue;
      headers[name] = value;
    }
    res.writeHead(answer.status, baseHeaders({ ...headers, 'Content-Length': answer.body.length }));
    res.end(answer.body);
  }

  function requestUpstream(req, body) {
    const headers = { ...req.headers, host: upstream.host, 'content-length': body.length };
    delete headers.connection;
    delete headers['transfer-encoding'];
    return new Promise((resolve, reject) => {
      const outgoing = http.request({
        hostname: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers,
      }, (incoming) => {
        const chunks = [];
        incoming.on('data', (c) => chunks.push(c));
        incoming.on('end', () => resolve({ status: incoming.statusCode, headers: incoming.headers, body: Buffer.concat(chunks) }));
        incoming.on('error', reject);
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  async function control(req, res, path, body) {
    try {
      if (path === '/__faults' && req.method === 'POST') return sendJson(res, 200, configure(parseJson(body) ?? {}));
      if (path === '/__faults' && req.method === 'GET') return sendJson(res, 200, publicConfig());
      if (path === '/__log' && req.method === 'GET') return sendJson(res, 200, structuredClone(entries));
      if (path === '/__reset' && req.method === 'POST') {
        reset();
        return sendJson(res, 200, publicConfig());
      }
      sendJson(res, 404, { message: `no control endpoint ${req.method} ${path}` });
    } catch (err) {
      sendJson(res, 400, { message: err.message });
    }
  }

  reset();
  configure(initialFaults);
  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent && !req.socket.destroyed) {
        sendAwsError(res, 502, 'InternalFailure', `fault proxy: ${err.message}`);
      } else {
        req.socket.destroy();
      }
    });
  });
  server.keepAliveTimeout = 1000;
  const { url, port: boundPort } = await listenOnLoopback(server, port);

  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    for (const timer of pendingTimers) clearTimeout(timer);
    pendingTimers.clear();
    await closeServer(server);
  }

  return {
    url,
    port: boundPort,
    stop,
    configure,
    faults: publicConfig,
    log: () => structuredClone(entries),
    reset,
  };
}

function normalizeRule(rule) {
  if (typeof rule !== 'object' || rule === null) throw new Error('each rule must be an object');
  const common = {
    fault: rule.fault,
    target: rule.target ?? 'PutRecords',
    times: rule.times === undefined || rule.times === null ? null : checkedCount('times', rule.times),
    rate: rule.rate === undefined ? 1 : checkedFraction('rate', rule.rate),
  };
  switch (rule.fault) {
    case 'partial': {
      const errorCode = rule.errorCode ?? 'ProvisionedThroughputExceededException';
      if (!['ProvisionedThroughputExceededException', 'InternalFailure', 'mixed'].includes(errorCode)) {
        throw new Error(`partial.errorCode must be ProvisionedThroughputExceededException, InternalFailure or mixed, got ${errorCode}`);
      }
      return { ...common, fraction: checkedFraction('fraction', rule.fraction ?? 0.3), errorCode };
    }
    case 'error': {
      const status = rule.status ?? STATUS_OF_TYPE[rule.type] ?? 500;
      const type = rule.type ?? TYPE_OF_STATUS[status] ?? 'InternalFailure';
      return { ...common, status: checkedCount('status', status), type, message: rule.message ?? MESSAGE_OF_TYPE[type] ?? type };
    }
    case 'reset':
      return common;
    case 'stall':
      return { ...common, ms: checkedCount('ms', rule.ms ?? 1000), after: rule.after === true };
    default:
      throw new Error(`rule.fault must be partial, error, reset or stall, got ${rule.fault}`);
  }
}

function pickIndices(total, count, random) {
  const indices = Array.from({ length: total }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (total - i));
    [indices[i], indices[j]] = [indices[j], indices[i]];
  }
  return indices.slice(0, count);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(buffer) {
  try {
    return JSON.parse(buffer.toString('utf8'));
  } catch {
    return undefined;
  }
}

function checkedNumber(name, value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${name} must be a finite number, got ${value}`);
  return value;
}

function checkedCount(name, value) {
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got ${value}`);
  return value;
}

function checkedFraction(name, value) {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new Error(`${name} must be in 0..=1, got ${value}`);
  return value;
}
