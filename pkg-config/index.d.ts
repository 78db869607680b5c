// Types of kinesis-clickstream. Every entry (browser, worker, workerd, node) exports this same API.

/** Temporary (or, for local tests only, long-term) AWS credentials used to sign requests. */
export interface AwsCredentials {
  /** The access key id, e.g. `ASIA…` for temporary credentials. */
  accessKeyId: string;
  /** The secret access key; never logged or put into error messages. */
  secretAccessKey: string;
  /** The session token of temporary credentials (sent as `X-Amz-Security-Token`). */
  sessionToken?: string;
  /**
   * When the credentials stop working: a `Date`, milliseconds since the epoch, or a date string.
   * A provider function is called again shortly before this time.
   */
  expiration?: Date | number | string;
}

/**
 * Called whenever credentials are needed or about to expire; may return a promise. An AWS SDK v3
 * credential provider fits. Extra fields on the result are ignored.
 */
export type CredentialsProvider = () => AwsCredentials | Promise<AwsCredentials>;

/**
 * Credentials from an Amazon Cognito identity pool, fetched and refreshed by the producer. Where
 * `localStorage` exists (pages), an unauthenticated identity id is kept under
 * `kinesis-clickstream:cognito-identity:{pool id}` so later page views skip `GetId`.
 */
export interface CognitoCredentialsSource {
  /** The identity pool id, `region:uuid`, e.g. `us-east-1:1234abcd-…`. */
  cognitoIdentityPoolId: string;
  /** Default `https://cognito-identity.{pool region}.amazonaws.com/`; change it for tests only. */
  cognitoEndpoint?: string;
  /** Provider name to token, for authenticated identities; omit for unauthenticated ones. */
  logins?: Record<string, string>;
}

/** How much the producer prints through `console`, quietest first. Default `"warn"`. */
export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';

/**
 * How a record's partition key is chosen when `put` is not given one. Default `"session"`: one key
 * per producer session, so a session's events stay in order on one shard. `"random"`: a fresh key per
 * record (spreads load, no order). A function gets the data given to `put` (the attributes for
 * `track`) and must return a string of 1..=256 characters.
 */
export type PartitionKeyOption = 'session' | 'random' | ((data: unknown) => string);

/** Options common to both ways of naming the stream. Numbers are whole numbers; ranges are inclusive. */
export interface ProducerOptions {
  /** Kinesis endpoint, `http(s)://host[:port]` with path `/`. Default `https://kinesis.{region}.amazonaws.com`. */
  endpoint?: string;
  /** Static credentials, a provider function, or a Cognito identity pool. Required. */
  credentials: AwsCredentials | CredentialsProvider | CognitoCredentialsSource;
  /** Default 1000, 0..=600000: a partial batch is sent this long after its oldest record was put. */
  flushIntervalMs?: number;
  /** Default 500, 1..=500: records per PutRecords request. */
  maxBatchRecords?: number;
  /** Default 5242880 (5 MiB), 1..=5242880: partition key plus data bytes per request. */
  maxBatchBytes?: number;
  /** Default 10000, 1..=1000000: records held at once (buffered, backing off or in flight). */
  maxBufferedRecords?: number;
  /** Default 8388608 (8 MiB), 1..=1073741824: partition key plus data bytes held at once. */
  maxBufferedBytes?: number;
  /** Default 86400000 (24 h), 1000..=604800000: a record not accepted this long after `put` fails. */
  recordTtlMs?: number;
  /** Default 10, 1..=100: sends of one record before it fails (credential and clock retries excepted). */
  maxAttempts?: number;
  /** Default 4, 1..=64: PutRecords requests in flight at once. */
  maxInFlight?: number;
  /** Default 100, 1..=60000: backoff ceiling of the first retry; it doubles per attempt (full jitter). */
  retryBaseMs?: number;
  /** Default 20000, 1..=3600000, at least `retryBaseMs`: largest backoff ceiling. */
  retryMaxMs?: number;
  /** Default 60000, 1000..=86400000: wait before probing again after a non-retryable error. */
  pausedRetryMs?: number;
  /** Default `"rejectNew"`: a full buffer makes `put` throw `BufferFull`; `"dropOldest"` drops the oldest unsent record instead. */
  overflow?: 'rejectNew' | 'dropOldest';
  /** Default 20000, 100..=600000: one request is aborted after this long (a retryable `TransportError`). */
  requestTimeoutMs?: number;
  /** Default `"session"`; see {@link PartitionKeyOption}. */
  partitionKey?: PartitionKeyOption;
  /** Default `"warn"`. */
  logLevel?: LogLevel;
  /**
   * Called when records finally fail (`error.ids` lists them), are dropped, or sending pauses on a
   * non-retryable error. Never throws into the producer.
   */
  onError?: (error: ProducerError) => void;
  /** Called after each batch Kinesis accepted. */
  onFlush?: (batch: DeliveredBatch) => void;
  /**
   * Default `"memory"`: records live in memory only. `"auto"`: IndexedDB in pages and workers, memory in
   * Node and workerd; `"indexeddb"` / `"localstorage"`: that storage (memory where it is missing). A stored
   * record survives reload, tab close and crash from the moment its write commits (see `persistPending`).
   */
  persistence?: 'auto' | 'indexeddb' | 'localstorage' | 'memory';
}

/** The configuration of {@link Producer.create}: a stream name with a region, or a stream ARN. */
export type ProducerConfig =
  | (ProducerOptions & {
      /** The stream name, 1..=128 characters of `[a-zA-Z0-9_.-]`. */
      streamName: string;
      streamArn?: never;
      /** The AWS region, e.g. `us-east-1`; it picks the endpoint and the signing scope. */
      region: string;
    })
  | (ProducerOptions & {
      streamName?: never;
      /** `arn:aws:kinesis:{region}:{account}:stream/{name}`. */
      streamArn: string;
      /** Default: the region inside `streamArn`. */
      region?: string;
    });

/** Per-record options of {@link Producer.put}. */
export interface PutOptions {
  /** 1..=256 characters (UTF-16 code units). Default: the `partitionKey` option decides. */
  partitionKey?: string;
  /** A decimal integer in 0..=2^128-1 (string or BigInt) that picks the shard instead of the key's MD5. */
  explicitHashKey?: string | bigint;
}

/**
 * What {@link Producer.put} accepts: a string (stored as UTF-8), a `Uint8Array` or any other
 * `ArrayBuffer` view (its bytes), an `ArrayBuffer`, or any other value `JSON.stringify` accepts
 * (stored as its JSON text).
 */
export type PutData = string | ArrayBuffer | ArrayBufferView | number | boolean | null | object;

/** What a `flush()` or `close()` resolves with: the records buffered when it was called. */
export interface FlushReport {
  /** Accepted by Kinesis. */
  sent: number;
  /** Finally failed (after `maxAttempts`, `recordTtlMs`, or a per-record non-retryable error). */
  failed: number;
  /** Resends of these records while the flush was open. */
  retried: number;
  /** Dropped by the `"dropOldest"` overflow policy. */
  dropped: number;
  /**
   * Still held: sending is paused on a non-retryable error or credentials are unavailable. They are
   * kept and sent when sending resumes.
   */
  pending: number;
}

/** What `onFlush` receives for each batch Kinesis accepted. */
export interface DeliveredBatch {
  /** How many records the batch held. */
  sent: number;
  /** Their ids, as returned by `put` / `track`, in request order. */
  ids: string[];
}

/** A snapshot of the producer's counters; lifetime counters never decrease. */
export interface ProducerStats {
  /** Records waiting to be sent or backing off before a retry. */
  buffered: number;
  /** Partition key plus data bytes of those records. */
  bufferedBytes: number;
  /** Records in requests awaiting a response. */
  inFlight: number;
  /** Requests awaiting a response. */
  inFlightRequests: number;
  /** Partition key plus data bytes in flight. */
  inFlightBytes: number;
  /** Records Kinesis accepted. */
  sent: number;
  /** Record resends. */
  retried: number;
  /** Records that finally failed, all codes together. */
  failed: number;
  /**
   * Finally failed records by the AWS error name of their last failure (e.g.
   * `ProvisionedThroughputExceededException`), or by {@link ErrorCode} when there was none.
   */
  failedByCode: Record<string, number>;
  /** Dropped records by reason (`overflow`). */
  dropped: Partial<Record<DropReason, number>>;
  /** `put` / `track` calls rejected with `BufferFull`. */
  rejected: number;
  /** PutRecords requests sent. */
  requests: number;
  /** Age of the oldest held record in ms, or `null` when nothing is held. */
  oldestAgeMs: number | null;
  /** Sending is paused after a non-retryable error (see `resume()`). */
  paused: boolean;
  /** Sending waits for the network: only a probe request goes out, after a growing backoff. */
  offline: boolean;
  /** Records taken over from the stored backlog of earlier pages or closed tabs. */
  recovered: number;
  /**
   * Correction applied to the local clock when signing, learnt from Kinesis' `Date` header; kept in
   * `localStorage` (`kinesis-clickstream:clock-offset:{endpoint host}`) where it exists, for later page views.
   */
  clockOffsetMs: number;
  /** The persistence in use, after any fallback to memory. */
  persistence: 'indexeddb' | 'localstorage' | 'memory';
  /** Records stored by this producer (its own and those it recovered) and not yet removed. */
  persisted: number;
  /** Their encoded bytes. */
  persistedBytes: number;
  /** Records put whose storage write has not committed yet: they would not survive a crash. */
  persistPending: number;
  /** Why persistence was turned off or a record not stored, by reason (`quota`, `unavailable`, `error`). */
  persistenceFallback: Record<string, number>;
}

/** Why a record was dropped without being sent. */
export type DropReason = 'overflow';

/** The stable `code` of every error the producer throws, rejects with, or passes to `onError`. */
export type ErrorCode =
  /** Partition key plus data exceed 1 MiB, or the data exceeds `maxBatchBytes`. */
  | 'RecordTooLarge'
  /** The partition key is not a string of 1..=256 characters. */
  | 'InvalidPartitionKey'
  /** The ExplicitHashKey is not a decimal integer in 0..=2^128-1. */
  | 'InvalidExplicitHashKey'
  /** `put` data, options or `track` arguments cannot be used. */
  | 'InvalidData'
  /** A configuration value is missing, mistyped, out of range or unknown. */
  | 'InvalidConfig'
  /** Credentials are missing a field, mistyped or already expired. */
  | 'InvalidCredentials'
  /** The buffer is full (`maxBufferedRecords` / `maxBufferedBytes`); also the code of overflow drops. */
  | 'BufferFull'
  /** The producer was closed. */
  | 'Closed'
  /** A record was never sent within `recordTtlMs`. */
  | 'RecordExpired'
  /** A response did not follow the PutRecords protocol. */
  | 'ProtocolError'
  /** No response: network, CORS or `requestTimeoutMs`. */
  | 'TransportError'
  /** Kinesis answered with an error; its name is in `awsError`. */
  | 'ServiceError'
  /** Getting or refreshing credentials failed. */
  | 'CredentialsError'
  /** Storage refused a write or could not be opened; persistence is off, records stay in memory. */
  | 'StorageError';

/** An `Error` from the producer: `code` is stable, `message` names the field, the limit and the value. */
export interface ProducerError extends Error {
  /** The stable error code. */
  code: ErrorCode;
  /** The AWS error name when Kinesis named the failure, e.g. `ResourceNotFoundException`. */
  awsError?: string;
  /** For `onError`: the ids of the records the error is about. */
  ids?: string[];
}

/** The JSON object {@link Producer.track} stores for one event. */
export interface ClickstreamEvent<A extends object = Record<string, unknown>> {
  /** The id `track` returned (a UUIDv7). */
  id: string;
  /** When `track` was called, ISO 8601 UTC. */
  ts: string;
  /** The producer's session id. */
  sessionId: string;
  /** The event's number within the session, from 0. */
  seq: number;
  /** The event name given to `track`. */
  name: string;
  /** The attributes given to `track` (`{}` when none). */
  attributes: A;
  /** Only where a `document` exists (pages): its URL, referrer and title. */
  page?: { url?: string; referrer?: string; title?: string };
}

/** Buffers events and sends them to Kinesis with SigV4-signed `PutRecords` requests over `fetch`. */
export declare class Producer {
  private constructor();
  /**
   * Checks `config` and creates a producer; loads the WebAssembly module on first use. Rejects with
   * `InvalidConfig` (naming the option) or `InvalidCredentials`. Credentials from a function or
   * Cognito are fetched in the background.
   */
  static create(config: ProducerConfig): Promise<Producer>;
  /**
   * Buffers one record and returns its id (a UUIDv7). Synchronous. Throws `InvalidData`,
   * `InvalidPartitionKey`, `InvalidExplicitHashKey`, `RecordTooLarge`, `BufferFull` or `Closed`;
   * a throwing call buffers nothing.
   */
  put(data: PutData, options?: PutOptions): string;
  /**
   * Buffers a {@link ClickstreamEvent} named `name` with `attributes` and returns its id.
   * Partitioned like `put` without a `partitionKey`.
   */
  track(name: string, attributes?: object): string;
  /**
   * Sends everything buffered so far; resolves once each of those records is accepted, finally
   * failed, or held by a pause (`pending`). Never rejects. Pass it to `ctx.waitUntil` in a worker.
   */
  flush(): Promise<FlushReport>;
  /** Flushes, then stops timers; afterwards `put` throws `Closed`. Resolves with the final report. */
  close(): Promise<FlushReport>;
  /** The producer's counters now. */
  stats(): ProducerStats;
  /** Ends a pause caused by a non-retryable error now instead of at the next probe. */
  resume(): void;
  /** The session id the `"session"` partition key and `track` events use (a UUIDv4). */
  readonly sessionId: string;
  /** Frees the WebAssembly memory of a producer that is no longer used (after `close()`). */
  free(): void;
}

/**
 * Loads the WebAssembly module once. Optional: `Producer.create` calls it. Call it yourself to load
 * early, or to load the module from elsewhere (e.g. a CDN URL or a `WebAssembly.Module`).
 */
export declare function initialize(
  source?: string | URL | Request | Response | BufferSource | WebAssembly.Module,
): Promise<void>;
