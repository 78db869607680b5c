// The page lifecycle and network events of src/wasm/lifecycle.rs, registered in one call.
//
// Which events: `visibilitychange` and `pagehide` on the global `document` and `pagehide` on the
// global object where a `document` with addEventListener exists (pages); `online` and `offline` on
// the global object where it has addEventListener and `navigator.onLine` is a boolean. The
// listener gets each event as a number: 0 offline, 1 online, 2 visible, 3 hidden, 4 pagehide.

const listens = (target) => typeof target?.addEventListener == 'function';

// With `add`, registers `listener` for the events above and returns the registrations (undefined
// when there are none); without, removes the `registered` ones.
export function pageEvents(listener, registered, add) {
  let method = 'removeEventListener';
  if (add) {
    const { document, navigator } = globalThis;
    const events = [];
    const page = listens(document);
    if (page) events.push(document, 'visibilitychange', document, 'pagehide');
    if (page && listens(globalThis)) events.push(globalThis, 'pagehide');
    if (listens(globalThis) && typeof navigator?.onLine == 'boolean') events.push(globalThis, 'online', globalThis, 'offline');
    if (!events.length) return;
    const code = { offline: 0, online: 1, pagehide: 4 };
    registered = { events, handle: (event) => listener(code[event.type] ?? (document.visibilityState == 'hidden' ? 3 : 2)) };
    method = 'addEventListener';
  }
  const { events, handle } = registered;
  for (let i = 0; i < events.length; i += 2) {
    try {
      events[i][method](events[i + 1], handle);
    } catch {}
  }
  return registered;
}
