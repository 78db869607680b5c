// The page's view of the stream, from the demo server's read-back (/api/records, /api/shards; see
// scripts/stream-watch.mjs): how many records landed per shard, which event ids arrived and how often.

/** Follows the read-back; `onUpdate(view)` runs after each successful poll. */
export function followStream({ intervalMs = 500, onUpdate }) {
  const idCounts = new Map();
  const latest = [];
  const view = {
    total: 0,
    shards: [],
    latest,
    /** How many times the stream holds the event `id` (0 when it has not arrived). */
    countOf: (id) => idCounts.get(id) ?? 0,
  };
  let since = 0;

  async function poll() {
    try {
      for (;;) {
        const page = await fetch(`/api/records?since=${since}&limit=5000`).then((r) => r.json());
        for (const record of page.records) {
          if (record.id !== null) idCounts.set(record.id, (idCounts.get(record.id) ?? 0) + 1);
          latest.push(record);
        }
        if (latest.length > 50) latest.splice(0, latest.length - 50);
        since = page.next;
        if (page.next >= page.total) break;
      }
      view.shards = (await fetch('/api/shards').then((r) => r.json())).shards;
      view.total = since;
      onUpdate(view);
    } catch {
      // The demo server is gone or busy; try again next time.
    }
    setTimeout(poll, intervalMs);
  }
  poll();
  return view;
}
