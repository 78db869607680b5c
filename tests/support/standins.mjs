#!/usr/bin/env node
// Runs a command next to the local AWS stand-ins (kinesalite + fault proxy) and stops them afterwards.
//
//   node tests/support/standins.mjs [--shards N] [--stream NAME]... [--kinesalite-port P] [--proxy-port P] -- <command...>
//
// The command gets KINESALITE_URL, FAULT_PROXY_URL, STREAM_NAME (the first stream) and AWS_REGION in its
// environment; this process exits with the command's exit code (128 + signal number if it was killed).
// Everything is stopped when the command ends, on SIGINT/SIGTERM/SIGHUP, and when startup fails.
import { spawn } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { pathToFileURL } from 'node:url';
import { startKinesalite, LOCAL_REGION } from './kinesalite.mjs';
import { startFaultProxy } from './fault-proxy.mjs';

/**
 * Starts kinesalite with `streams` (each `shards` shards, ACTIVE) and the fault proxy in front of it.
 * Resolves `{kinesaliteUrl, faultProxyUrl, streamName, kinesalite, proxy, env, stop()}`; `env` holds
 * the variables a child process needs.
 */
export async function startStandins({ shards = 4, streams = ['clickstream'], kinesalitePort = 0, proxyPort = 0 } = {}) {
  const kinesalite = await startKinesalite({ shards, streams, port: kinesalitePort });
  let proxy;
  try {
    proxy = await startFaultProxy({ target: kinesalite.url, port: proxyPort });
  } catch (err) {
    await kinesalite.stop();
    throw err;
  }
  const env = {
    KINESALITE_URL: kinesalite.url,
    FAULT_PROXY_URL: proxy.url,
    STREAM_NAME: streams[0],
    AWS_REGION: LOCAL_REGION,
  };
  return {
    kinesaliteUrl: kinesalite.url,
    faultProxyUrl: proxy.url,
    streamName: streams[0],
    kinesalite,
    proxy,
    env,
    async stop() {
      await Promise.allSettled([proxy.stop(), kinesalite.stop()]);
    },
  };
}

/** Splits the CLI arguments into options and the command after `--`. */
export function parseArgs(argv) {
  const separator = argv.indexOf('--');
  const own = separator === -1 ? argv : argv.slice(0, separator);
  const command = separator === -1 ? [] : argv.slice(separator + 1);
  const options = { shards: 4, streams: [], kinesalitePort: 0, proxyPort: 0 };
  for (let i = 0; i < own.length; i++) {
    const flag = own[i];
    const value = own[i + 1];
    const integer = () => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a non-negative integer, got ${value}`);
      i++;
      return n;
    };
    if (flag === '--shards') options.shards = integer();
    else if (flag === '--stream') { if (!value) throw new Error('--stream needs a name'); options.streams.push(value); i++; }
    else if (flag === '--kinesalite-port') options.kinesalitePort = integer();
    else if (flag === '--proxy-port') options.proxyPort = integer();
    else throw new Error(`unknown option ${flag}`);
  }
  if (options.shards < 1) throw new Error('--shards must be at least 1');
  if (options.streams.length === 0) options.streams.push('clickstream');
  return { options, command };
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2));
    if (parsed.command.length === 0) throw new Error('no command given after --');
  } catch (err) {
    console.error(`standins: ${err.message}`);
    console.error('usage: node tests/support/standins.mjs [--shards N] [--stream NAME] -- <command...>');
    process.exit(2);
  }
  const standins = await startStandins(parsed.options).catch((err) => {
    console.error(`standins: could not start: ${err.stack ?? err}`);
    process.exit(1);
  });
  console.error(`standins: kinesalite ${standins.kinesaliteUrl}, fault proxy ${standins.faultProxyUrl}, stream ${standins.streamName}`);

  const child = spawn(parsed.command[0], parsed.command.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, ...standins.env },
  });
  const forward = (signal) => () => { if (child.exitCode === null) child.kill(signal); };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward(signal));

  const code = await new Promise((resolve) => {
    child.on('error', (err) => {
      console.error(`standins: could not run ${parsed.command[0]}: ${err.message}`);
      resolve(127);
    });
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? 128 + (osConstants.signals[signal] ?? 0)));
  });
  await standins.stop();
  process.exit(code);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main();
}
