// Section 4: the page's main thread under a sustained event rate. Each run gets a fresh page; the
// renderer main thread's tasks come from a Chromium trace (longest task), its busy time from the
// DevTools Performance domain (TaskDuration), long tasks from a PerformanceObserver in the page.
import { openBenchPage } from '../lib/chromium.mjs';
import { rotation } from '../lib/measure.mjs';

const TASK_NAMES = new Set(['ThreadControllerImpl::RunTask', 'RunTask']);

/** Longest task (ms) on the renderer main thread(s) of a Chromium trace. */
export function longestMainThreadTask(traceBuffer) {
  const { traceEvents } = JSON.parse(traceBuffer.toString('utf8'));
  const mainThreads = new Set();
  for (const e of traceEvents) {
    if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain') mainThreads.add(`${e.pid}:${e.tid}`);
  }
  let longest = 0;
  for (const e of traceEvents) {
    if (e.ph === 'X' && TASK_NAMES.has(e.name) && mainThreads.has(`${e.pid}:${e.tid}`)) longest = Math.max(longest, (e.dur ?? 0) / 1000);
  }
  return longest;
}

async function taskSeconds(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

/** Runs `rounds` rounds of each variant at `rate` events/s for `seconds`; resolves per-round rows. */
export async function runMainThread({ browser, pageUrl, endpoint, variants, rounds, rate, seconds, log }) {
  const perRound = [];
  for (let round = 0; round < rounds; round++) {
    const row = {};
    for (const variant of rotation(variants, round)) {
      const { page, context, errors } = await openBenchPage(browser, pageUrl);
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
      await page.evaluate((args) => window.bench.prepareSustain(args), { endpoint, variant, rate, seconds });
      await browser.startTracing(page, { categories: ['toplevel'] });
      const before = await taskSeconds(cdp);
      const t0 = performance.now();
      const result = await page.evaluate(() => window.bench.runSustain());
      const wallS = (performance.now() - t0) / 1000;
      const after = await taskSeconds(cdp);
      const trace = await browser.stopTracing();
      if (errors.length) throw errors[0];
      row[variant] = {
        eventsPerSecond: result.eventsPut / (result.wallMs / 1000),
        cpuMsPerSecond: ((after.TaskDuration - before.TaskDuration) * 1000) / wallS,
        scriptMsPerSecond: ((after.ScriptDuration - before.ScriptDuration) * 1000) / wallS,
        longestTaskMs: longestMainThreadTask(trace),
        longTasks: result.longTasks.length,
        longestLongTaskMs: result.longTasks.length ? Math.max(...result.longTasks) : 0,
        stats: result.stats,
      };
      await context.close();
    }
    log?.(`main thread round ${round + 1}/${rounds}`);
    perRound.push(row);
  }
  return { rate, seconds, perRound };
}
