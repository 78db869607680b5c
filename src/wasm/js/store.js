// The I/O sequences of the durable queue and of tab ownership (src/wasm/storage_idb.rs, ownership.rs):
// IndexedDB requests and transactions, Web Locks requests. Every decision stays in Rust: what to write
// or delete and when, which stored record a claim takes, what to do on failure.
//
// Callbacks take one argument. `done` gets an Error (DOMException) on failure, anything else on
// success; the claim's `decide` is called once per stored record and answers in `record.verdict`.

const STORE = 'records';
const TAKE = 1;
const DROP = 2;
const STOP = 3;

// Runs `use(store, now)` in one readwrite transaction of `db`; done() once it commits, done(error)
// once it aborts or when `use` throws (then what `use` did still commits).
function transact(db, use, done) {
  try {
    const tx = db.transaction(STORE, 'readwrite');
    use(tx.objectStore(STORE), Date.now());
    tx.oncomplete = () => done();
    tx.onabort = () => done(tx.error ?? new Error('transaction aborted'));
  } catch (error) {
    done(error);
  }
}

// Opens (creating on first use) the database `name`: done(db) or done(error).
export function open(name, done) {
  try {
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => done(request.result);
    request.onerror = () => done(request.error);
  } catch (error) {
    done(error);
  }
}

// Stores the puts (space-separated `ids`, their encodings one after the other in `bytes`, `sizes`
// long), owned by `owner` and written now, and removes the space-separated `deletes`, in one
// transaction.
export function write(db, owner, ids, sizes, bytes, deletes, done) {
  transact(db, (store, writtenAt) => {
    let end = 0;
    if (ids) ids.split(' ').forEach((id, i) => {
      store.put({ owner, writtenAt, bytes: bytes.slice(end, end += sizes[i]) }, id);
    });
    if (deletes) for (const id of deletes.split(' ')) store.delete(id);
  }, done);
}

// Walks the stored records in key (put) order in one transaction: decide({id, owner, writtenAt,
// bytes}) sets `verdict` to re-own the record to `owner` (TAKE), delete it (DROP), end the walk
// (STOP) or leave it. done() once the transaction commits.
export function claim(db, owner, decide, done) {
  transact(db, (store, writtenAt) => {
    store.openCursor().onsuccess = ({ target: { result: cursor } }) => {
      if (!cursor) return;
      const record = { id: cursor.key, ...cursor.value };
      decide(record);
      const { verdict, bytes } = record;
      if (verdict === TAKE) cursor.update({ owner, writtenAt, bytes });
      if (verdict === DROP) cursor.delete();
      if (verdict !== STOP) cursor.continue();
    };
  }, done);
}

// Takes the Web Lock `name` and holds it as long as the page or worker lives; granted() once held.
export function holdLock(name, granted) {
  navigator.locks.request(name, () => {
    granted();
    return new Promise(() => {});
  });
}

// Runs one claim under the Web Lock `name`, unless another tab holds it: run({live, listedAt,
// release}) with the tab ids whose lock (named `prefix` + id) is held, listed at `listedAt`; the
// lock is kept until release(). run(null) when the lock is taken or the listing failed.
export function drain(name, prefix, run) {
  navigator.locks.request(name, { ifAvailable: true }, async (lock) => {
    const listedAt = Date.now();
    const snapshot = lock && await navigator.locks.query().catch(() => null);
    if (!snapshot) return run(null);
    const live = [];
    for (const { name } of snapshot.held) if (name.startsWith(prefix)) live.push(name.slice(prefix.length));
    return new Promise((release) => run({ live, listedAt, release }));
  }).catch(() => run(null));
}
