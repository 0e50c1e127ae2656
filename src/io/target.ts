/**
 * Where a model is saved to or loaded from, resolved in one place for saveModel and loadModel:
 * a Node folder (a path or a `file:` URL), a TF.js URL scheme (`indexeddb://`,
 * `localstorage://`, `downloads://`, `http(s)://`) through tfjs' own handlers, a path relative
 * to the page in browsers (loading only), or an IOHandler of the caller's. Internal.
 */
import * as tf from '@tensorflow/tfjs-core';
import { isNode } from '../core/env';
import { rangeError, show, typeError } from '../core/errors';
import { ModelFileError } from './ModelFileError';
import { DEFAULT_TIMEOUT_MS, remoteHandler } from './remote';
import { currentPlatform } from '../platform';

/** A resolved target. */
export type Target =
  { kind: 'folder'; path: string } | { kind: 'handler'; handler: tf.io.IOHandler; name: string };

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Resolves `target` for `use`, naming `fn` and `what` (the argument) in errors. */
export async function resolveTarget(
  fn: string,
  what: string,
  target: unknown,
  use: 'save' | 'load',
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<Target> {
  if (typeof target === 'object' && target !== null && !(target instanceof URL)) {
    if (typeof (target as Record<string, unknown>)[use] !== 'function') {
      throw typeError(fn, `${what} is an IOHandler without ${use}(); expected one with ${use}()`);
    }
    return { kind: 'handler', handler: target, name: 'the IOHandler' };
  }
  if (typeof target !== 'string' && !(target instanceof URL)) {
    throw typeError(
      fn,
      `${what} is ${show(target)}; expected a folder path, a URL or an IOHandler`,
    );
  }
  const href = target instanceof URL ? target.href : target;
  if (href.trim() === '') throw rangeError(fn, `${what} is ""; expected a folder path or a URL`);
  if (href.startsWith('file:')) {
    if (!isNode())
      throw typeError(fn, `${what} ${show(href)} is a file: URL; browsers cannot write files`);
    return { kind: 'folder', path: await filePath(fn, what, href) };
  }
  if (/^https?:\/\//i.test(href)) {
    return { kind: 'handler', handler: remoteHandler(fn, href, timeoutMs), name: href };
  }
  if (SCHEME.test(href))
    return { kind: 'handler', handler: schemeHandler(fn, what, href, use), name: href };
  if (isNode()) return { kind: 'folder', path: href };
  if (use === 'load') {
    const base = (globalThis as { location?: { href: string } }).location?.href;
    const url = base === undefined ? href : new URL(href, base).href;
    return { kind: 'handler', handler: remoteHandler(fn, url, timeoutMs), name: url };
  }
  throw typeError(
    fn,
    `${what} ${show(href)} has no scheme; in a browser use 'indexeddb://', 'localstorage://', 'downloads://' or an http(s) URL`,
  );
}

/** tfjs' handler for a URL scheme, or a clear error when tfjs has none here. */
function schemeHandler(
  fn: string,
  what: string,
  href: string,
  use: 'save' | 'load',
): tf.io.IOHandler {
  const handlers = use === 'save' ? tf.io.getSaveHandlers(href) : tf.io.getLoadHandlers(href);
  const handler = handlers[0];
  if (handler === undefined) {
    const scheme = href.slice(0, href.indexOf('://') + 3);
    throw new ModelFileError(
      fn,
      'unsupported',
      href,
      `TF.js has no way to ${use} ${scheme} here` +
        (isNode()
          ? " (browser storage does not exist in Node; pass a folder path or 'file://./folder')"
          : ''),
    );
  }
  return handler;
}

/**
 * The folder a `file:` URL names. `file:///abs` and `file://localhost/abs` are URLs (percent
 * escapes decoded); `file://./m`, `file://m` and `file:m` are the relative paths tfjs-node's
 * `file://` scheme and its users write, taken as they are.
 */
async function filePath(fn: string, what: string, href: string): Promise<string> {
  if (/^file:\/\/(localhost)?\//i.test(href)) {
    try {
      return (await currentPlatform()).pathOf(href);
    } catch (err) {
      throw typeError(fn, `${what} ${show(href)} is not a file path (${(err as Error).message})`);
    }
  }
  const rest = href.replace(/^file:(\/\/)?/i, '');
  if (rest === '') throw rangeError(fn, `${what} is ${show(href)}; expected a folder after file:`);
  return rest;
}
