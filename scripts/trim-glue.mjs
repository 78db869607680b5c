#!/usr/bin/env node
// Removes from the wasm-bindgen glue (before minifying) the code our package can never run. The glue is not
// exported by the package: only pkg-config/{browser,node,workerd}.js (and this repository's test pages) call
// it, always with the object form of `init` / `initSync` or with no argument, and every runtime we support
// (Node 20, browsers with WebAssembly reference types, workerd) has `TextEncoder.encodeInto`. (Not
// `FinalizationRegistry`: workerd lacks it, so wasm-bindgen's fallback for it stays.)
//
//   node scripts/trim-glue.mjs <glue.js>   (rewrites the file in place)
//
// Each edit names the exact text wasm-bindgen 0.2.130 writes and must match exactly once, so a different
// wasm-bindgen fails the build here instead of shipping half-trimmed glue.
import { readFileSync, writeFileSync } from 'node:fs';

/** [what, exact text, replacement] */
const edits = [
  [
    'deprecated-parameter branch of initSync (our callers pass { module })',
    `        if (Object.getPrototypeOf(module) === Object.prototype) {
            ({module} = module)
        } else {
            console.warn('using deprecated parameters for \`initSync()\`; pass a single object instead')
        }
`,
    '        ({module} = module);\n',
  ],
  [
    'deprecated-parameter branch of init (our callers pass { module_or_path } or nothing)',
    `        if (Object.getPrototypeOf(module_or_path) === Object.prototype) {
            ({module_or_path} = module_or_path)
        } else {
            console.warn('using deprecated parameters for the initialization function; pass a single object instead')
        }
`,
    '        ({module_or_path} = module_or_path);\n',
  ],
  [
    'the long MIME-type warning (the fallback stays)',
    "console.warn(\"`WebAssembly.instantiateStreaming` failed because your server does not serve Wasm with `application/wasm` MIME type. Falling back to `WebAssembly.instantiate` which is slower. Original error:\\n\", e);",
    "console.warn('kinesis-clickstream: the .wasm is not served as application/wasm, so it compiles without streaming:', e);",
  ],
  [
    'encodeInto polyfill (every supported runtime has TextEncoder.encodeInto)',
    `if (!('encodeInto' in cachedTextEncoder)) {
    cachedTextEncoder.encodeInto = function (arg, view) {
        const buf = cachedTextEncoder.encode(arg);
        view.set(buf);
        return {
            read: arg.length,
            written: buf.length
        };
    };
}
`,
    '',
  ],
  [
    'string passing without realloc (every call passes one)',
    `    if (realloc === undefined) {
        const buf = cachedTextEncoder.encode(arg);
        const ptr = malloc(buf.length, 1) >>> 0;
        getUint8ArrayMemory0().subarray(ptr, ptr + buf.length).set(buf);
        WASM_VECTOR_LEN = buf.length;
        return ptr;
    }
`,
    '',
  ],
];

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/trim-glue.mjs <glue.js>');
  process.exit(2);
}
let glue = readFileSync(file, 'utf8');
for (const [what, text, replacement] of edits) {
  const count = glue.split(text).length - 1;
  if (count !== 1) {
    console.error(`trim-glue: expected the ${what} once in ${file}, found it ${count} times`);
    process.exit(1);
  }
  glue = glue.replace(text, () => replacement);
}
writeFileSync(file, glue);
