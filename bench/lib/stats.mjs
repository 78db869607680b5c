// Summaries over rounds: median and min–max, and how they print.

/** `{median, min, max, n}` of a list of numbers (NaN-free). */
export function summarize(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return { median: NaN, min: NaN, max: NaN, n: 0 };
  const mid = v.length >> 1;
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { median, min: v[0], max: v[v.length - 1], n: v.length };
}

/** A number with about 3 significant digits. */
export function num(x) {
  if (!Number.isFinite(x)) return 'n/a';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(2);
}

/** "median (min–max)" of a summary, with an optional unit suffix. */
export function range(s, unit = '') {
  if (!s || !s.n) return 'n/a';
  return `${num(s.median)}${unit} (${num(s.min)}–${num(s.max)})`;
}
