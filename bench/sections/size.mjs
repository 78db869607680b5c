// Section 1: shipped size raw / gzip -9 / brotli of our package (wasm + minified glue) against minified
// browser bundles of the alternatives, all built in this run by the pinned esbuild.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { BENCH_DIR, BUILD_DIR, bundleMinified } from '../lib/bundle.mjs';
import { GLUE_FILE, PKG_DIR, REPO_ROOT, WASM_FILE } from '../lib/ours.mjs';
import { compressedSizes } from '../../scripts/compressed-sizes.mjs';

/** The anchors of issue 9, in report order. */
export const SIZE_VARIANTS = [
  { id: 'sdk-cognito', label: 'AWS SDK v3 PutRecords + fromCognitoIdentityPool' },
  { id: 'sdk-static', label: 'AWS SDK v3 PutRecords, caller-supplied credentials' },
  { id: 'amplify-kinesis', label: 'Amplify v6 Analytics Kinesis (configure + record)' },
  { id: 'aws4fetch', label: 'aws4fetch signing a PutRecords fetch' },
];

const add = (a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli });

/**
 * The package's browser entry (pkg-config/browser.js and the helper modules it imports, as
 * scripts/package.sh ships them) staged beside the wasm-bindgen glue, so the bundle holds what a user's
 * import pulls in; the glue alone without it.
 */
function stageBrowserEntry() {
  const browserEntry = path.join(REPO_ROOT, 'pkg-config', 'browser.js');
  if (!existsSync(browserEntry)) return path.join(PKG_DIR, GLUE_FILE);
  const dir = path.join(BUILD_DIR, 'size', 'package');
  mkdirSync(dir, { recursive: true });
  copyFileSync(browserEntry, path.join(dir, 'browser.js'));
  // The entry's own helper modules ship beside it (scripts/package.sh copies them too).
  for (const helper of ['loading-on-create.js']) {
    const file = path.join(REPO_ROOT, 'pkg-config', helper);
    if (existsSync(file)) copyFileSync(file, path.join(dir, helper));
  }
  copyFileSync(path.join(PKG_DIR, GLUE_FILE), path.join(dir, GLUE_FILE));
  return path.join(dir, 'browser.js');
}

/** Builds every bundle and measures it; `withOurs` adds our package. Resolves rows with sizes. */
export async function runSize({ withOurs }) {
  const rows = [];
  for (const v of SIZE_VARIANTS) {
    const out = path.join(BUILD_DIR, 'size', `${v.id}.js`);
    await bundleMinified(path.join(BENCH_DIR, 'size-entries', `${v.id}.js`), out);
    rows.push({ ...v, ...compressedSizes(readFileSync(out)) });
  }
  if (withOurs) {
    const out = path.join(BUILD_DIR, 'size', 'ours.js');
    const entry = stageBrowserEntry();
    await esbuild.build({
      entryPoints: [path.join(BENCH_DIR, 'size-entries', 'ours.js')],
      outfile: out,
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2020',
      legalComments: 'none',
      logLevel: 'error',
      alias: { 'kinesis-clickstream': entry },
    });
    const glue = compressedSizes(readFileSync(out));
    const wasm = compressedSizes(readFileSync(path.join(PKG_DIR, WASM_FILE)));
    const glueAsShipped = compressedSizes(readFileSync(path.join(PKG_DIR, GLUE_FILE)));
    rows.unshift({ id: 'ours', label: 'kinesis-clickstream (wasm + minified JS)', ...add(glue, wasm), parts: { wasm, glue, glueAsShipped } });
  }
  return rows;
}

export const oursBuilt = () => existsSync(path.join(PKG_DIR, WASM_FILE));
