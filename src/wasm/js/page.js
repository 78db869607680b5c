// The page lifecycle and network events of src/wasm/lifecycle.rs, registered in one call.
//
// Which events: `visibilitychange` and `pagehide` on the global `document` and `pagehide` on the
// global object where a `document` with addEventListener exists (pages); `online` and `offline` on
// the global object where it has addEventListener and `navigator.onLine` is a boolean. The
// listener gets each event as a number: 0 offline, 1 online, 2 visible, 3 hidden, 4 pagehide.

const CODES = { offline: 0, online: 1, pagehide: 4 };

const listens = (target) => typeof target?.addEventListener == 'function';

// With `add`, registers `listener` for the events above and returns the registrations (undefined
// when there are none); without, removes the `registered` ones. A target that refuses (a global
// object without addEventListener) is skipped.
export function pageEvents(listener, registered, add) {
  if (add) {
    const { document, navigator } = globalThis;
    registered = [];
    if (listens(document)) registered.push(document, 'visibilitychange', document, 'pagehide', globalThis, 'pagehide');
    if (listens(globalThis) && typeof navigator?.onLine == 'boolean') registered.push(globalThis, 'online', globalThis, 'offline');
    if (!registered.length) return;
    registered.handle = (event) => listener(CODES[event.type] ?? (document.visibilityState == 'hidden' ? 3 : 2));
  }
  for (let i = 0; i < registered.length; i += 2) {
    try {
      registered[i][add ? 'addEventListener' : 'removeEventListener'](registered[i + 1], registered.handle);
    } catch {}
  }
  return registered;
}
