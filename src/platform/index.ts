import { isNode } from '../core/env';
import type { Platform } from './types';

/**
 * The platform this code runs on: Node's (Node, Bun, Deno) or the browser's. In the browser
 * build '../platform/node' is browser.ts itself, so browser bundles never load Node's. Internal.
 */
export async function currentPlatform(): Promise<Platform> {
  return isNode()
    ? (await import('../platform/node')).runtime
    : (await import('./browser')).runtime;
}
