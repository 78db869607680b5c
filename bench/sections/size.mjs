// Section 1: shipped size raw / gzip -9 / brotli of our package (wasm + minified glue) against minified
// browser bundles of the alternatives, all built in this run by the pinned esbuild.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { BENCH_DIR, BUILD_DIR, bundleMinified } from '../lib/bundle.mjs';
import { GLUE_FILE, PKG_DIR, PKG_LITE_DIR, REPO_ROOT, WASM_FILE } from '../lib/ours.mjs';
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
 * scripts/package.sh ships them) staged beside the wasm-bindgen glue of the build in `pkgDir`, so the
 * bundle holds what a user's import pulls in; the glue alone without it.
 */
function stageBrowserEntry(pkgDir, name) {
  const browserEntry = path.join(REPO_ROOT, 'pkg-config', 'browser.js');
  if (!existsSync(browserEntry)) return path.join(pkgDir, GLUE_FILE);
  const dir = path.join(BUILD_DIR, 'size', name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(browserEntry, path.join(dir, 'browser.js'));
  // The entry's own helper modules ship beside it (scripts/package.sh copies them too).
  for (const helper of ['loading-on-create.js']) {
    const file = path.join(REPO_ROOT, 'pkg-config', helper);
    if (existsSync(file)) copyFileSync(file, path.join(dir, helper));
  }
  copyFileSync(path.join(pkgDir, GLUE_FILE), path.join(dir, GLUE_FILE));
  return path.join(dir, 'browser.js');
}

/** Bundles our browser entry over the build in `pkgDir` the way a user's bundler would; its sizes. */
async function measureOurs(pkgDir, name) {
  const out = path.join(BUILD_DIR, 'size', `${name}.js`);
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
    alias: { 'kinesis-clickstream': stageBrowserEntry(pkgDir, name) },
  });
  const glue = compressedSizes(readFileSync(out));
  const wasm = compressedSizes(readFileSync(path.join(pkgDir, WASM_FILE)));
  const glueAsShipped = compressedSizes(readFileSync(path.join(pkgDir, GLUE_FILE)));
  return { ...add(glue, wasm), parts: { wasm, glue, glueAsShipped } };
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
    if (existsSync(path.join(PKG_LITE_DIR, WASM_FILE))) {
      rows.unshift({ id: 'ours-lite', label: 'kinesis-clickstream/lite, without durable delivery (wasm + minified JS)', ...(await measureOurs(PKG_LITE_DIR, 'ours-lite')) });
    }
    rows.unshift({ id: 'ours', label: 'kinesis-clickstream (wasm + minified JS)', ...(await measureOurs(PKG_DIR, 'ours')) });
  }
  return rows;
}

export const oursBuilt = () => existsSync(path.join(PKG_DIR, WASM_FILE));
