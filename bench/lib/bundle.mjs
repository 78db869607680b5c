// esbuild (pinned in bench/package-lock.json) for the bench page and for the size comparison bundles.
import * as esbuild from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/ and its untracked build directory. */
export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BUILD_DIR = path.join(BENCH_DIR, '.build');

/** esbuild's version, for the report. */
export const ESBUILD_VERSION = esbuild.version;

/** Bundles the bench page script into .build/page.js (not minified, so stack traces read). */
export async function bundlePage() {
  await esbuild.build({
    entryPoints: [path.join(BENCH_DIR, 'browser/entry.js')],
    outfile: path.join(BUILD_DIR, 'page.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'error',
  });
}

/** A minified browser bundle of `entry` at `outfile` (ESM, production defines, no source map). */
export async function bundleMinified(entry, outfile) {
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    logLevel: 'error',
  });
}
