// The I/O sequences of the durable queue and of tab ownership (src/wasm/storage_records.rs,
// ownership.rs): the records in IndexedDB or localStorage, and Web Locks requests. Every decision
// stays in Rust: what to write or delete and when, which stored record a claim takes, what to do on
// failure.
//
// A record store (`db`) is an IndexedDB database, one object store `records` keyed by event id, each
// value {owner, writtenAt, bytes}; or a localStorage key prefix (a string), one item per record:
// prefix + event id -> "owner writtenAt base64(bytes)".
//
// Callbacks take one argument. `done` gets an Error (DOMException) on failure, anything else on
// success; the claim's `decide` is called once per stored record and answers in `record.verdict`.

const STORE = 'records';
const TAKE = 1;
const DROP = 2;
const STOP = 3;

// The localStorage records under `prefix`, with the calls of an IndexedDB object store used here,
// and walk(visit) in place of a cursor.
function local(prefix) {
  return {
    put({ owner, writtenAt, bytes }, id) {
      let text = '';
      for (const byte of bytes) text += String.fromCharCode(byte);
      localStorage.setItem(prefix + id, `${owner} ${writtenAt} ${btoa(text)}`);
    },
    delete: (id) => localStorage.removeItem(prefix + id),
    walk(visit) {
      for (const key of Object.keys(localStorage).filter((key) => key.startsWith(prefix)).sort()) {
        let record;
        try {
          const [owner, writtenAt, text] = localStorage.getItem(key).split(' ');
          record = { owner, writtenAt: +writtenAt, bytes: Uint8Array.from(atob(text), (c) => c.charCodeAt(0)) };
        } catch {
          continue;
        }
        if (!visit(key.slice(prefix.length), record)) break;
      }
    },
  };
}

// Runs `use(store, now)` against `db`: in one readwrite transaction for IndexedDB. done() once it
// commits, done(error) once it aborts or when `use` throws (what `use` did before still stands).
function transact(db, use, done) {
  let failure;
  try {
    if (typeof db !== 'string') {
      const tx = db.transaction(STORE, 'readwrite');
      use(tx.objectStore(STORE), Date.now());
      tx.oncomplete = () => done();
      tx.onabort = () => done(tx.error ?? new Error('transaction aborted'));
      return;
    }
    use(local(db), Date.now());
  } catch (error) {
    failure = error;
  }
  done(failure);
}

// Opens the IndexedDB database `name` (creating it on first use; none for ''), then takes the Web
// Lock `lock` (none for '') and holds it as long as the page or worker lives: done(db) once both
// are done (db undefined without a database), done(error) when the database cannot be opened or
// the lock request is refused (the database is closed again).
export function open(name, lock, done) {
  const locked = (db) => {
    if (!lock) return done(db);
    let granted = false;
    navigator.locks.request(lock, () => {
      granted = true;
      done(db);
      return new Promise(() => {});
    }).catch((error) => {
      if (granted) return;
      db?.close();
      done(error);
    });
  };
  if (!name) return locked();
  try {
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => locked(request.result);
    request.onerror = () => done(request.error);
  } catch (error) {
    done(error);
  }
}

// Removes the ids `deletes`, then stores `puts` (id, bytes, id, bytes…), owned by `owner` and
// written now.
export function write(db, owner, puts, deletes, done) {
  transact(db, (store, writtenAt) => {
    for (const id of deletes) store.delete(id);
    for (let i = 0; i < puts.length; i += 2) store.put({ owner, writtenAt, bytes: puts[i + 1] }, puts[i]);
    // Commits now rather than once the requests succeed: a page that unloads right after (a reload
    // once flushed) would abort a transaction still waiting to auto-commit.
    store.transaction?.commit?.();
  }, done);
}

// Walks the stored records in key (put) order: decide({id, owner, writtenAt, bytes}) sets `verdict`
// to re-own the record to `owner` (TAKE), delete it (DROP), end the walk (STOP), or leaves it.
export function claim(db, owner, decide, done) {
  transact(db, (store, writtenAt) => {
    const visit = (id, record) => {
      record.id = id;
      decide(record);
      const { verdict, bytes } = record;
      if (verdict === TAKE) store.put({ owner, writtenAt, bytes }, id);
      if (verdict === DROP) store.delete(id);
      return verdict !== STOP;
    };
    if (store.walk) return store.walk(visit);
    store.openCursor().onsuccess = ({ target: { result: cursor } }) => {
      if (cursor && visit(cursor.key, cursor.value)) cursor.continue();
      else store.transaction.commit?.();
    };
  }, done);
}

// Runs one claim under the Web Lock `name`, unless another tab holds it: run({live, listedAt,
// release}) with the tab ids whose lock (named `prefix` + id) is held (space-separated), listed at
// `listedAt`; the lock is kept until release(). run(null) when the lock is taken or the listing failed.
export function drain(name, prefix, run) {
  navigator.locks.request(name, { ifAvailable: true }, async (lock) => {
    const listedAt = Date.now();
    const snapshot = lock && await navigator.locks.query().catch(() => null);
    if (!snapshot) return run(null);
    const live = snapshot.held.map(({ name }) => name.startsWith(prefix) ? name.slice(prefix.length) : '');
    return new Promise((release) => run({ live: live.join(' '), listedAt, release }));
  }).catch(() => run(null));
}

// The localStorage items whose key starts with `prefix`, as "key value key value…" (keys without
// the prefix); '' when there are none or localStorage cannot be read.
export function items(prefix) {
  try {
    return Object.keys(localStorage)
      .filter((key) => key.startsWith(prefix))
      .map((key) => `${key.slice(prefix.length)} ${localStorage.getItem(key)}`)
      .join(' ');
  } catch {
    return '';
  }
}

// Edits the list of space-separated ids in the localStorage item `key`: appends the ids `add`,
// removes the ids `remove` (both space-separated); removes the item once the list is empty. false
// when localStorage refused the write.
export function editList(key, add, remove) {
  try {
    const gone = new Set(remove.split(' '));
    const ids = `${localStorage.getItem(key) ?? ''} ${add}`.split(' ').filter((id) => id && !gone.has(id));
    if (ids.length) localStorage.setItem(key, ids.join(' '));
    else localStorage.removeItem(key);
    return true;
  } catch {
    return false;
  }
}

// The localStorage item `key`: its value when `value` is undefined, else removed (`value` null) or
// set to `value`, then true; undefined when localStorage throws (a refused write).
export function item(key, value) {
  try {
    if (value === undefined) return localStorage.getItem(key);
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
    return true;
  } catch {}
}
