/**
 * Models on an HTTP(S) server, through tfjs' own `tf.io.http` handler (GET for loads, a
 * multipart POST for saves), with a time limit and with every failure as a
 * {@link ModelFileError} naming the function, the URL and the cause: `missing` for a 404,
 * `network` for another HTTP status, a refused connection, an unknown host or no answer in
 * time, `truncated` for a response that ended early, `invalid` for a body that is not a
 * model. Internal.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelFileError, type ModelFileErrorCode } from './ModelFileError';

/** How long a load or save may wait for the server by default: one minute. */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** tfjs' HTTP handler for `url`, whose failures are ModelFileErrors. */
export function remoteHandler(fn: string, url: string, timeoutMs: number): tf.io.IOHandler {
  const fetchFunc = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> =>
    fetchWhole(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  const inner = tf.io.http(url, { fetchFunc });
  const guard = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw remoteError(fn, url, err, timeoutMs);
    }
  };
  return {
    load: () => guard(() => (inner.load as () => Promise<tf.io.ModelArtifacts>)()),
    save: (artifacts) =>
      guard(() =>
        (inner.save as (a: tf.io.ModelArtifacts) => Promise<tf.io.SaveResult>)(artifacts),
      ),
  };
}

/**
 * fetch, with the body read whole before tfjs sees it: a body that ends before its
 * Content-Length (or whose connection breaks) is an error of its own, which tfjs would
 * otherwise report as JSON it cannot parse or weights that do not fit.
 */
async function fetchWhole(input: RequestInfo | URL, init: RequestInit): Promise<Response> {
  const res = await fetch(input, init);
  if (!res.ok) return res;
  let body: ArrayBuffer;
  try {
    body = await res.arrayBuffer();
  } catch (err) {
    if ((err as Error).name === 'TimeoutError') throw err;
    throw Object.assign(new Error(`the connection broke (${(err as Error).message})`), {
      name: 'TruncatedResponse',
      cause: err,
    });
  }
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && body.byteLength < declared) {
    throw Object.assign(new Error(`${body.byteLength} of ${declared} bytes arrived`), {
      name: 'TruncatedResponse',
    });
  }
  return new Response(body, {
    status: res.status,
    statusText: res.statusText,
    headers: res.headers,
  });
}

/** The failure as a ModelFileError naming the function, the URL and the cause. */
export function remoteError(
  fn: string,
  url: string,
  err: unknown,
  timeoutMs: number,
): ModelFileError {
  const [code, why] = classify(err, timeoutMs);
  return new ModelFileError(fn, code, url, why, { cause: err });
}

/** What went wrong, from the error fetch or tfjs threw. */
function classify(err: unknown, timeoutMs: number): [ModelFileErrorCode, string] {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  const text = e.message ?? String(err);
  const status = /status(?: code)? (\d{3})/i.exec(text)?.[1];
  if (status === '404') return ['missing', 'the server answered HTTP 404 (not found)'];
  if (status !== undefined) return ['network', `the server answered HTTP ${status}`];
  if (e.name === 'TimeoutError' || e.name === 'AbortError') {
    return ['network', `no answer within ${timeoutMs} ms (the timeout option)`];
  }
  if (e.cause?.code === 'ECONNREFUSED') {
    return ['network', 'the connection was refused (is the server running?)'];
  }
  if (e.cause?.code === 'ENOTFOUND') return ['network', 'the host name was not found'];
  if (e.name === 'TruncatedResponse') {
    return ['truncated', `the response ended before all of it arrived: ${text}`];
  }
  if (/JSON|parse|modelTopology|weight/i.test(text)) {
    return ['invalid', `the response is not a TF.js layers model (${text})`];
  }
  return ['network', text];
}
