// Where the package build lives and whether it is there: "ours" is a plug-in variant, measured when
// `pkg/` holds the web build (scripts/build.sh) and reported as "not built" otherwise.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root (bench/ lives directly under it). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The package build directory and its two shipped files. */
export const PKG_DIR = path.join(REPO_ROOT, 'pkg');
/** The same build without durable delivery (`kinesis-clickstream/lite`), measured for size only. */
export const PKG_LITE_DIR = path.join(REPO_ROOT, 'pkg-lite');
export const GLUE_FILE = 'kinesis_clickstream.js';
export const WASM_FILE = 'kinesis_clickstream_bg.wasm';

/** `{built, reason}`: built when both files exist and the glue exports Producer.create. */
export function oursStatus() {
  for (const f of [GLUE_FILE, WASM_FILE]) {
    if (!existsSync(path.join(PKG_DIR, f))) return { built: false, reason: `pkg/${f} missing` };
  }
  // The glue ships minified (scripts/build.sh): `export{… as Producer …}` rather than `export class Producer`.
  if (!/export class Producer\b|export\s*\{[^}]*\bas Producer\b/.test(readFileSync(path.join(PKG_DIR, GLUE_FILE), 'utf8'))) {
    return { built: false, reason: 'pkg/ glue has no Producer export' };
  }
  return { built: true, reason: '' };
}

/** Loads the web build into Node (initSync over the .wasm bytes); resolves the glue module. */
export async function loadOursInNode() {
  const glue = await import(pathToFileURL(path.join(PKG_DIR, GLUE_FILE)).href);
  glue.initSync({ module: readFileSync(path.join(PKG_DIR, WASM_FILE)) });
  return glue;
}
