// Builds a cargo example of this crate for the host and returns the path of its binary, in the
// target directory cargo uses (CARGO_TARGET_DIR when set, else target/ in the repository).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Builds `examples/<name>.rs` (debug profile) and returns its binary's path; throws when it is missing. */
export function buildExample(name) {
  execFileSync('cargo', ['build', '--locked', '--quiet', '--example', name], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const targetDir = path.resolve(root, process.env.CARGO_TARGET_DIR || 'target');
  const binary = path.join(targetDir, 'debug/examples', name);
  if (!existsSync(binary)) throw new Error(`${binary} was not built`);
  return binary;
}
