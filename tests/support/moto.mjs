// moto (a local AWS stand-in that verifies SigV4 when IAM auth is on) for the end-to-end tests.
// Starts `.venv/bin/moto_server` on 127.0.0.1 and a free port, and offers helpers to prepare it
// (tests/support/moto_setup.py), switch IAM auth on and off, and call AWS JSON 1.1 operations.

import { spawn, execFile } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import path from "node:path";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const motoServer = path.join(repoRoot, ".venv/bin/moto_server");
const python = path.join(repoRoot, ".venv/bin/python");

/** A TCP port free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts moto_server on 127.0.0.1. Resolves once it answers HTTP, with
 * { url, port, stop() }; stop() ends that process (SIGTERM, then SIGKILL after 5 s) and resolves
 * when it has exited. Rejects if moto exits or does not answer within `timeoutMs`.
 */
export async function startMoto({ timeoutMs = 30_000, env = {} } = {}) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(motoServer, ["-H", "127.0.0.1", "-p", String(port)], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  let hasExited = false;
  exited.then(() => {
    hasExited = true;
  });

  const stop = async () => {
    if (hasExited) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => {
      if (!hasExited) child.kill("SIGKILL");
    }, 5_000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (hasExited) {
      throw new Error(`moto_server exited before answering: ${stderr}`);
    }
    try {
      await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`moto_server did not answer on ${url} within ${timeoutMs} ms: ${stderr}`);
      }
      await delay(100);
    }
  }
  return { url, port, stop };
}

/**
 * Runs tests/support/moto_setup.py against `url` (IAM auth must be off) and resolves with its
 * JSON: { temporaryCredentials, userCredentials, roleArn, streamName, region, identityPoolId }.
 */
export function setupMoto(url, region = "us-east-1") {
  return new Promise((resolve, reject) => {
    execFile(
      python,
      [path.join(repoRoot, "tests/support/moto_setup.py"), url, region],
      { cwd: repoRoot, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`moto_setup.py failed: ${error.message}\n${stderr}`));
          return;
        }
        resolve(JSON.parse(stdout));
      },
    );
  });
}

/**
 * Switches moto's IAM auth: on = every following request must be signed by a known key
 * (INITIAL_NO_AUTH_ACTION_COUNT 0); off = nothing is checked (infinite count).
 */
export async function setMotoAuth(url, on) {
  const response = await fetch(`${url}/moto-api/reset-auth`, {
    method: "POST",
    body: on ? "0" : "inf",
  });
  if (response.status !== 200) {
    throw new Error(`reset-auth answered ${response.status}: ${await response.text()}`);
  }
}

/**
 * POSTs an AWS JSON 1.1 request to `url` and resolves with { status, headers, text, json }
 * (json is null when the body is not JSON).
 */
export async function postAwsJson(url, headers, body) {
  const response = await fetch(`${url}/`, { method: "POST", headers, body });
  const text = await response.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON (e.g. an XML or HTML error page): callers assert on text.
  }
  return { status: response.status, headers: response.headers, text, json };
}
