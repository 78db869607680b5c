// What this browser tab has tracked and sent across reloads of the demo page: the ids of every tracked
// event and the counters of earlier page loads' producers, kept in sessionStorage.
const KEY = 'kinesis-clickstream-demo';
const COUNTERS = ['sent', 'retried', 'failed', 'rejected'];

function emptyState() {
  return { trackedIds: [], carried: Object.fromEntries(COUNTERS.map((c) => [c, 0])), partitionKey: 'random' };
}

/** Loads the tab's tally; `save(stats)` stores it with this page load's producer stats added. */
export function loadTally() {
  let state = emptyState();
  try {
    const stored = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
    if (stored && Array.isArray(stored.trackedIds)) state = { ...state, ...stored };
  } catch {
    // Unreadable tally: start over.
  }
  const carried = { ...state.carried };
  const thisLoadIds = [];
  return {
    /** Ids tracked in this tab, earlier page loads first. */
    trackedIds: () => state.trackedIds.concat(thisLoadIds),
    /** Remembers an id this page load tracked. */
    addTracked: (id) => thisLoadIds.push(id),
    /** Counters of earlier page loads' producers: {sent, retried, failed, rejected}. */
    carried: () => ({ ...carried }),
    /** The partition key mode chosen for the next page load ("random", "session" or "product"). */
    partitionKey: () => state.partitionKey,
    setPartitionKey: (mode) => { state.partitionKey = mode; },
    /** Stores the tally with `stats` (this load's producer counters) added to the carried ones. */
    save(stats) {
      const next = {
        trackedIds: state.trackedIds.concat(thisLoadIds),
        carried: Object.fromEntries(COUNTERS.map((c) => [c, carried[c] + (Number(stats?.[c]) || 0)])),
        partitionKey: state.partitionKey,
      };
      sessionStorage.setItem(KEY, JSON.stringify(next));
    },
  };
}
