// Fills `bytes` (a view of wasm memory) with random bytes from the global crypto.getRandomValues, or
// from Math.random where that is missing or throws.
export function fillRandom(bytes) {
  try {
    crypto.getRandomValues(bytes);
  } catch {
    bytes.forEach((_, index) => (bytes[index] = Math.random() * 256));
  }
}
