// The fault scenarios of issue 7, each a plain object for tests/reliability/driver.mjs.
// `scale: 'soak'` uses the real-world periods (60 s token lifetime); `'short'` scales them down so a
// 10,000-event run in `make test` still crosses them.

const MINUTE = 60_000;

/** Every fault rule of the "all at once" scenario, also used one family at a time below. */
function faultRules() {
  return {
    partial: [{ fault: 'partial', fraction: 0.3, errorCode: 'mixed' }],
    serverErrors: [
      { fault: 'error', status: 500, type: 'InternalFailure', rate: 0.05 },
      { fault: 'error', status: 503, type: 'ServiceUnavailable', rate: 0.0527 },
    ],
    resets: [{ fault: 'reset', rate: 0.1 }],
    // Longer than STALL_TIMEOUT.requestTimeoutMs: half stall before forwarding (nothing stored), half after
    // (kinesalite stored the records; the producer times out and resends: duplicates by design).
    stalls: [
      { fault: 'stall', ms: 2500, rate: 0.03 },
      { fault: 'stall', ms: 2500, rate: 0.03, after: true },
    ],
  };
}

/** Producer options of the scenarios with stalls: a request timeout the 2.5 s stalls exceed. The others
 * keep the default 20 s, so a slow answer from a loaded kinesalite is not mistaken for a stall. */
const STALL_TIMEOUT = { requestTimeoutMs: 2000 };

const throttleBurst = { every: 2000, rule: { fault: 'error', status: 400, type: 'ProvisionedThroughputExceededException', times: 8 } };

/** The scenarios in table order; `scale` picks the token lifetime. */
export function scenarios(scale = 'soak') {
  const rules = faultRules();
  const soak = scale === 'soak';
  const tokenLifetimeMs = soak ? MINUTE : 5_000;
  // Puts spread over this long cross several token lifetimes and both skew phases.
  const spreadMs = soak ? 150_000 : 12_000;
  const skew = 15 * MINUTE;
  return [
    { name: 'baseline', seed: 1, rules: [] },
    { name: 'partial-failures-30pct', seed: 2, rules: rules.partial },
    { name: 'server-errors-10pct', seed: 3, rules: rules.serverErrors },
    { name: 'throttle-bursts-400', seed: 4, rules: [], bursts: throttleBurst },
    { name: 'connection-resets', seed: 5, rules: rules.resets },
    { name: 'stalls-past-timeout', seed: 6, rules: rules.stalls, producer: STALL_TIMEOUT },
    { name: 'credentials-expiring', seed: 7, rules: [], tokenLifetimeMs, spreadMs },
    {
      name: 'clock-skew-15min',
      seed: 8,
      rules: [],
      clockOffsetMs: skew,
      phases: [{ at: 0.5, clockOffsetMs: -skew }],
      spreadMs: spreadMs / 4,
    },
    {
      name: 'all-at-once',
      seed: 9,
      rules: [...rules.stalls, ...rules.resets, ...rules.serverErrors, ...rules.partial],
      bursts: throttleBurst,
      tokenLifetimeMs,
      clockOffsetMs: skew,
      phases: [{ at: 0.5, clockOffsetMs: -skew }],
      spreadMs,
      producer: STALL_TIMEOUT,
    },
  ];
}

/** The subset `make test` runs at 10,000 events (each fault family once, kept to a few minutes). */
export const SHORT_SCENARIOS = ['partial-failures-30pct', 'stalls-past-timeout', 'all-at-once'];
