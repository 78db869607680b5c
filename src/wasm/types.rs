//! TypeScript declarations of the objects the JS API takes and returns; wasm-bindgen appends them to
//! the generated `.d.ts`, and the `Producer` methods refer to them by name.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(typescript_custom_section)]
const TYPESCRIPT_DECLARATIONS: &str = r#"
/** The stable `code` of every error the producer throws, rejects with or reports. */
export type ErrorCode =
  | "RecordTooLarge" | "InvalidPartitionKey" | "InvalidExplicitHashKey" | "InvalidData"
  | "InvalidConfig" | "InvalidCredentials" | "BufferFull" | "Closed" | "RecordExpired"
  | "ProtocolError" | "TransportError" | "ServiceError" | "CredentialsError" | "StorageError";

/** An Error with a stable `code`; `awsError` names the Kinesis error, `ids` the events concerned. */
export interface ProducerError extends Error {
  code: ErrorCode;
  awsError?: string;
  ids?: string[];
}

/** AWS credentials; `expiration` is a Date, ms since the epoch or a date string. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date | number | string;
}

/** Called whenever credentials are needed or about to expire (an AWS SDK v3 provider fits). */
export type CredentialsProvider = () => AwsCredentials | Promise<AwsCredentials>;

/**
 * Temporary credentials from a Cognito identity pool (unauthenticated, or with `logins`). Where
 * `localStorage` exists, an unauthenticated identity id is kept under
 * `kinesis-clickstream:cognito-identity:{pool id}` and reused by later producers (no `GetId`).
 */
export interface CognitoCredentialsSource {
  cognitoIdentityPoolId: string;
  cognitoEndpoint?: string;
  logins?: Record<string, string>;
}

/** `Producer.create` options; unknown keys are rejected with `InvalidConfig`. */
export interface ProducerConfig {
  streamName?: string;
  streamArn?: string;
  /** Required unless `streamArn` names it. */
  region?: string;
  /** Default `https://kinesis.{region}.amazonaws.com`; path must be `/`. */
  endpoint?: string;
  credentials: AwsCredentials | CredentialsProvider | CognitoCredentialsSource;
  /** Default 1000 (0..=600000): a partial batch is sent this long after its oldest record. */
  flushIntervalMs?: number;
  /** Default 500 (1..=500). */
  maxBatchRecords?: number;
  /** Default 5242880 (1..=5242880). */
  maxBatchBytes?: number;
  /** Default 10000 (1..=1000000). */
  maxBufferedRecords?: number;
  /** Default 8388608 (1..=1073741824). */
  maxBufferedBytes?: number;
  /** Default 86400000 (1000..=604800000). */
  recordTtlMs?: number;
  /** Default 10 (1..=100). */
  maxAttempts?: number;
  /** Default 4 (1..=64). */
  maxInFlight?: number;
  /** Default 100 (1..=60000). */
  retryBaseMs?: number;
  /** Default 20000 (1..=3600000), at least retryBaseMs. */
  retryMaxMs?: number;
  /** Default 60000 (1000..=86400000): probe interval after a non-retryable error. */
  pausedRetryMs?: number;
  /** Default "rejectNew": a full buffer rejects the new event with BufferFull. */
  overflow?: "rejectNew" | "dropOldest";
  /** Default 20000 (100..=600000): one request's timeout. */
  requestTimeoutMs?: number;
  /** Default "session": the partition key of events put without one. */
  partitionKey?: "session" | "random" | ((data: unknown) => string);
  /** Default "warn". */
  logLevel?: "silent" | "error" | "warn" | "info" | "debug";
  /** Records that finally failed or were dropped, pauses, and unusable credentials. */
  onError?: (error: ProducerError) => void;
  /** After each delivered request. */
  onFlush?: (batch: { sent: number; ids: string[] }) => void;
  /** Default "memory"; "auto" is accepted and currently means memory. */
  persistence?: "auto" | "indexeddb" | "localstorage" | "memory";
}

/** `put` options. */
export interface PutOptions {
  partitionKey?: string;
  /** A decimal integer in 0..=2^128-1. */
  explicitHashKey?: string | bigint;
}

/** What a `flush()` or `close()` covered: `pending` records are held by a pause. */
export interface FlushReport {
  sent: number;
  failed: number;
  retried: number;
  dropped: number;
  pending: number;
}

/** A snapshot of the producer. */
export interface ProducerStats {
  buffered: number;
  bufferedBytes: number;
  inFlight: number;
  inFlightRequests: number;
  inFlightBytes: number;
  sent: number;
  retried: number;
  failed: number;
  failedByCode: Record<string, number>;
  dropped: Record<string, number>;
  rejected: number;
  requests: number;
  oldestAgeMs: number | null;
  paused: boolean;
  /** Sending waits for the network (offline gate closed; only probes go out). */
  offline: boolean;
  /** Events taken over from earlier pages' persisted backlogs. */
  recovered: number;
  /**
   * Server time minus local time, learned from response `Date` headers; kept in `localStorage`
   * (`kinesis-clickstream:clock-offset:{endpoint host}`) where it exists and used by later producers.
   */
  clockOffsetMs: number;
  /** The persistence in use after any fallback. */
  persistence: "indexeddb" | "localstorage" | "memory";
  /** Events stored by this producer (its own and those it recovered) and not yet removed. */
  persisted: number;
  persistedBytes: number;
  /** Events put whose storage write has not committed yet (they do not survive a crash yet). */
  persistPending: number;
  /** Why persistence was turned off or an event not stored, by reason (quota, unavailable, error). */
  persistenceFallback: Record<string, number>;
}
"#;
