// The clickstream envelope `track` puts, as JSON text, in its documented key order; `page` only when
// given. Throws what JSON.stringify throws (cycles, BigInt).
export function envelopeJson(id, ts, sessionId, seq, name, attributes, page) {
  const envelope = { id, ts, sessionId, seq, name, attributes };
  if (page) envelope.page = page;
  return JSON.stringify(envelope);
}
