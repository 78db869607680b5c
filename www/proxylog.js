// Notes the fault proxy's injected faults in the panel's event list, from its request log (GET /__log).

/** Polls `${proxyUrl}/__log` every `intervalMs` and calls `note(text)` for each new faulted request. */
export function followProxyLog(proxyUrl, note, intervalMs = 1000) {
  let seen;
  async function poll() {
    try {
      const entries = await fetch(`${proxyUrl}/__log`).then((r) => r.json());
      // The first read only sets the mark: earlier page loads already showed those entries.
      if (seen !== undefined) {
        const fresh = entries.length < seen ? entries : entries.slice(seen);
        for (const e of fresh) {
          if (!e.fault || e.fault === 'preflight') continue;
          const answer = e.status === null ? 'connection dropped' : `answered ${e.status}`;
          note(`proxy: ${e.target ?? e.method} of ${e.records} record(s): ${e.fault}, ${answer}`);
        }
      }
      seen = entries.length;
    } catch {
      // The proxy is gone (demo stopped); keep the notes shown.
    }
    setTimeout(poll, intervalMs);
  }
  poll();
}
