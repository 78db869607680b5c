const METHODS = ['error', 'warn', 'info', 'debug'];

// Prints `kinesis-clickstream: <message>` through the global console's method for `level` (1 error,
// 2 warn, 3 info, 4 debug), looked up at call time; a missing or throwing console prints nothing.
export function log(level, message) {
  try {
    console[METHODS[level - 1]]('kinesis-clickstream: ' + message);
  } catch {}
}
