// The core's SigV4 signer and Cognito wire format against moto, a real verifier, from Node.
//
// The core runs as `examples/sign_request` (built here with cargo); Node only moves the bytes.
// moto starts with IAM auth off for setup and the Cognito flow, then auth is switched on and signed
// Kinesis requests must verify: right credentials → 200, wrong secret / token / body → 403.
// The CORS proxy used by browser tests gets its own checks in front of the same moto.

import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";

import { startMoto, setupMoto, setMotoAuth, postAwsJson, freePort } from "../support/moto.mjs";
import { buildExample } from "../support/example.mjs";
import { startCorsProxy, EXPOSED_HEADERS } from "../support/cors-proxy.mjs";

let exampleBinary;

/** Runs one job through the core (examples/sign_request) and returns its JSON output. */
function core(job) {
  try {
    return JSON.parse(execFileSync(exampleBinary, { input: JSON.stringify(job), encoding: "utf8" }));
  } catch (error) {
    if (error.stdout) {
      return JSON.parse(error.stdout);
    }
    throw error;
  }
}

let moto;
let setup;
let proxy;

before(async () => {
  exampleBinary = buildExample("sign_request");
  moto = await startMoto();
  setup = await setupMoto(moto.url);
});

after(async () => {
  await proxy?.stop();
  await moto?.stop();
});

/** Signs a Kinesis AWS JSON 1.1 request with the core for the given endpoint and credentials. */
function signedHeaders({ endpoint, body, credentials, target, timeMs = Date.now() }) {
  const headers = core({
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
    region: setup.region,
    endpoint,
    timeMs,
    body,
    target,
  });
  assert.equal(headers.error, undefined, JSON.stringify(headers.error));
  return headers;
}

function putRecordsBody(records) {
  return JSON.stringify({
    StreamName: setup.streamName,
    Records: records.map(([data, key]) => ({
      Data: Buffer.from(data).toString("base64"),
      PartitionKey: key,
    })),
  });
}

describe("Cognito unauthenticated flow (IAM auth off)", () => {
  before(() => setMotoAuth(moto.url, false));

  test("GetId then GetCredentialsForIdentity, bodies built and answers parsed by the core", async () => {
    const getId = core({ op: "cognitoGetId", identityPoolId: setup.identityPoolId });
    assert.equal(getId.target, "AWSCognitoIdentityService.GetId");
    assert.equal(getId.endpoint, "https://cognito-identity.us-east-1.amazonaws.com/");
    const idResponse = await postAwsJson(
      moto.url,
      { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": getId.target },
      getId.body,
    );
    assert.equal(idResponse.status, 200, idResponse.text);
    const { identityId } = core({ op: "cognitoParseId", body: idResponse.text });
    assert.match(identityId, /^us-east-1:[0-9a-f-]{36}$/);

    const getCredentials = core({ op: "cognitoGetCredentials", identityId });
    assert.equal(getCredentials.target, "AWSCognitoIdentityService.GetCredentialsForIdentity");
    const credsResponse = await postAwsJson(
      moto.url,
      { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": getCredentials.target },
      getCredentials.body,
    );
    assert.equal(credsResponse.status, 200, credsResponse.text);
    const raw = credsResponse.json.Credentials;
    const parsed = core({ op: "cognitoParseCredentials", body: credsResponse.text, nowMs: Date.now() });
    assert.equal(parsed.error, undefined, JSON.stringify(parsed.error));
    assert.equal(parsed.identityId, identityId);
    assert.equal(parsed.accessKeyId, raw.AccessKeyId);
    assert.equal(parsed.hasSessionToken, true);
    // moto writes Expiration as fractional epoch seconds.
    assert.equal(parsed.expiresAtMs, Math.round(raw.Expiration * 1000));
    assert.ok(parsed.expiresAtMs > Date.now());
    assert.ok(!parsed.debug.includes(raw.SecretKey), parsed.debug);
    assert.ok(!parsed.debug.includes(raw.SessionToken), parsed.debug);
  });

  test("logins are sent as a map and accepted", async () => {
    const getId = core({
      op: "cognitoGetId",
      identityPoolId: setup.identityPoolId,
      logins: { "accounts.example.com": "id-token" },
    });
    assert.deepEqual(JSON.parse(getId.body).Logins, { "accounts.example.com": "id-token" });
    const response = await postAwsJson(
      moto.url,
      { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": getId.target },
      getId.body,
    );
    assert.equal(response.status, 200, response.text);
  });

  test("a Cognito error body yields the AWS error name", async () => {
    const response = await postAwsJson(
      moto.url,
      {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "AWSCognitoIdentityService.DescribeIdentityPool",
      },
      JSON.stringify({ IdentityPoolId: "us-east-1:00000000-0000-0000-0000-000000000000" }),
    );
    assert.equal(response.status, 400, response.text);
    const parsed = core({ op: "cognitoError", status: response.status, body: response.text });
    assert.equal(parsed.name, "ResourceNotFoundException");
    assert.equal(parsed.retryable, false);
    assert.equal(parsed.error.code, "CredentialsError");
    assert.match(parsed.error.message, /HTTP 400: ResourceNotFoundException/);
  });
});

describe("SigV4 PutRecords verified by moto (IAM auth on)", () => {
  before(() => setMotoAuth(moto.url, true));
  after(() => setMotoAuth(moto.url, false));

  test("auth is really on: an unsigned PutRecords is not accepted", async () => {
    const body = putRecordsBody([["x", "k"]]);
    const response = await postAwsJson(
      moto.url,
      { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "Kinesis_20131202.PutRecords" },
      body,
    );
    assert.notEqual(response.status, 200, response.text);
  });

  test("temporary credentials sign a PutRecords that moto accepts", async () => {
    const body = putRecordsBody([
      ["first click", "session-1"],
      ["second click ✓", "session-2"],
    ]);
    const credentials = setup.temporaryCredentials;
    const headers = signedHeaders({ endpoint: moto.url, body, credentials });
    assert.equal(headers["X-Amz-Security-Token"], credentials.sessionToken);
    assert.match(headers.Authorization, new RegExp(`Credential=${credentials.accessKeyId}/`));
    const response = await postAwsJson(moto.url, headers, body);
    assert.equal(response.status, 200, response.text);
    assert.equal(response.json.FailedRecordCount, 0);
    assert.equal(response.json.Records.length, 2);
    assert.ok(response.headers.get("date"), "moto sends a Date header");
  });

  test("records are read back through signed GetShardIterator and GetRecords", async () => {
    const credentials = setup.temporaryCredentials;
    const marker = `readback-${Date.now()}`;
    const body = putRecordsBody([[marker, "session-readback"]]);
    const put = await postAwsJson(moto.url, signedHeaders({ endpoint: moto.url, body, credentials }), body);
    assert.equal(put.status, 200, put.text);
    const { ShardId, SequenceNumber } = put.json.Records[0];

    const iteratorBody = JSON.stringify({
      StreamName: setup.streamName,
      ShardId,
      ShardIteratorType: "AT_SEQUENCE_NUMBER",
      StartingSequenceNumber: SequenceNumber,
    });
    const iterator = await postAwsJson(
      moto.url,
      signedHeaders({
        endpoint: moto.url,
        body: iteratorBody,
        credentials,
        target: "Kinesis_20131202.GetShardIterator",
      }),
      iteratorBody,
    );
    assert.equal(iterator.status, 200, iterator.text);
    const recordsBody = JSON.stringify({ ShardIterator: iterator.json.ShardIterator, Limit: 1 });
    const records = await postAwsJson(
      moto.url,
      signedHeaders({
        endpoint: moto.url,
        body: recordsBody,
        credentials,
        target: "Kinesis_20131202.GetRecords",
      }),
      recordsBody,
    );
    assert.equal(records.status, 200, records.text);
    assert.equal(Buffer.from(records.json.Records[0].Data, "base64").toString(), marker);
  });

  test("a wrong secret is rejected with 403 SignatureDoesNotMatch", async () => {
    const body = putRecordsBody([["x", "k"]]);
    const credentials = { ...setup.temporaryCredentials, secretAccessKey: "wrong-secret-key" };
    const response = await postAwsJson(moto.url, signedHeaders({ endpoint: moto.url, body, credentials }), body);
    assert.equal(response.status, 403, response.text);
    assert.match(response.text, /SignatureDoesNotMatch/);
  });

  test("a wrong session token is rejected with 403", async () => {
    const body = putRecordsBody([["x", "k"]]);
    const credentials = { ...setup.temporaryCredentials, sessionToken: "FQoGZXIvYXdzEWRONGTOKEN" };
    const response = await postAwsJson(moto.url, signedHeaders({ endpoint: moto.url, body, credentials }), body);
    assert.equal(response.status, 403, response.text);
    // moto compares the token with the assumed role's before checking the signature.
    assert.match(response.text, /InvalidClientTokenId/);
  });

  test("a body changed after signing is rejected with 403 SignatureDoesNotMatch", async () => {
    const body = putRecordsBody([["original", "k"]]);
    const headers = signedHeaders({ endpoint: moto.url, body, credentials: setup.temporaryCredentials });
    const response = await postAwsJson(moto.url, headers, putRecordsBody([["tampered", "k"]]));
    assert.equal(response.status, 403, response.text);
    assert.match(response.text, /SignatureDoesNotMatch/);
  });

  test("signing for another host is rejected with 403 SignatureDoesNotMatch", async () => {
    const body = putRecordsBody([["x", "k"]]);
    const headers = signedHeaders({
      endpoint: `http://127.0.0.1:${moto.port + 1}`,
      body,
      credentials: setup.temporaryCredentials,
    });
    const response = await postAwsJson(moto.url, headers, body);
    assert.equal(response.status, 403, response.text);
    assert.match(response.text, /SignatureDoesNotMatch/);
  });

  test("long-term IAM user keys sign too", async () => {
    const body = putRecordsBody([["x", "k"]]);
    const response = await postAwsJson(
      moto.url,
      signedHeaders({ endpoint: moto.url, body, credentials: setup.userCredentials }),
      body,
    );
    // The user may only assume the role: authenticated (signature good) but not authorised.
    assert.equal(response.status, 403, response.text);
    assert.match(response.text, /AccessDenied/);
    assert.doesNotMatch(response.text, /SignatureDoesNotMatch/);
  });
});

describe("CORS proxy in front of moto (IAM auth on)", () => {
  before(async () => {
    proxy = await startCorsProxy({ target: moto.url });
    await setMotoAuth(moto.url, true);
  });
  after(() => setMotoAuth(moto.url, false));

  test("answers the preflight itself", async () => {
    const forwardedBefore = proxy.requests.forwarded;
    const response = await fetch(`${proxy.url}/`, {
      method: "OPTIONS",
      headers: {
        Origin: "http://127.0.0.1:9999",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type,x-amz-date,x-amz-security-token,x-amz-target",
      },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get("access-control-allow-origin"), "http://127.0.0.1:9999");
    assert.match(response.headers.get("access-control-allow-methods"), /POST/);
    assert.equal(
      response.headers.get("access-control-allow-headers"),
      "authorization,content-type,x-amz-date,x-amz-security-token,x-amz-target",
    );
    assert.equal(proxy.requests.forwarded, forwardedBefore, "the preflight was not forwarded");
  });

  test("forwards a request signed for the proxy's host, exposing Date", async () => {
    const body = putRecordsBody([["through the proxy", "session-proxy"]]);
    const headers = signedHeaders({ endpoint: proxy.url, body, credentials: setup.temporaryCredentials });
    const response = await fetch(`${proxy.url}/`, {
      method: "POST",
      headers: { ...headers, Origin: "http://127.0.0.1:9999" },
      body,
    });
    const text = await response.text();
    assert.equal(response.status, 200, text);
    assert.equal(JSON.parse(text).FailedRecordCount, 0);
    assert.equal(response.headers.get("access-control-allow-origin"), "http://127.0.0.1:9999");
    assert.equal(response.headers.get("access-control-expose-headers"), EXPOSED_HEADERS);
    assert.ok(response.headers.get("date"));
  });

  test("forwards rejections unchanged, with CORS headers", async () => {
    const body = putRecordsBody([["x", "k"]]);
    const credentials = { ...setup.temporaryCredentials, secretAccessKey: "wrong-secret-key" };
    const response = await fetch(`${proxy.url}/`, {
      method: "POST",
      headers: signedHeaders({ endpoint: proxy.url, body, credentials }),
      body,
    });
    const text = await response.text();
    assert.equal(response.status, 403, text);
    assert.match(text, /SignatureDoesNotMatch/);
    assert.equal(response.headers.get("access-control-allow-origin"), "*");
  });

  test("answers 502 with an AWS-style error when the target is down", async () => {
    const deadProxy = await startCorsProxy({ target: `http://127.0.0.1:${await freePort()}` });
    try {
      const response = await fetch(`${deadProxy.url}/`, { method: "POST", body: "{}" });
      assert.equal(response.status, 502);
      assert.equal((await response.json()).__type, "ProxyError");
      assert.equal(response.headers.get("access-control-allow-origin"), "*");
    } finally {
      await deadProxy.stop();
    }
  });
});
