// Temporarily replacing a global's property in a test (e.g. `fetch` or `crypto`), restorable exactly.

/** Replaces `target[key]` by `value` (own data property) and returns the function that restores it. */
export function shadow(target, key, value) {
  const own = Object.getOwnPropertyDescriptor(target, key);
  Object.defineProperty(target, key, { value, configurable: true, writable: true });
  return () => {
    if (own) Object.defineProperty(target, key, own);
    else delete target[key];
  };
}
