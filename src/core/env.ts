/** True when running in Node.js (not a browser, not a worker without `process`). */
export function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/**
 * Lets the event loop run (timers, input, rendering) and resumes as soon as it has: a
 * setImmediate in Node, a message to itself in browsers (setTimeout(0) waits 4 ms once nested).
 */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown };
  if (typeof g.setImmediate === 'function') {
    const immediate = g.setImmediate;
    return new Promise((resolve) => void immediate(resolve));
  }
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * True inside Deno's Jupyter kernel (`deno jupyter`), where only `console` output reaches the
 * cell: `process.stdout.write` goes to the terminal that started the notebook server. Outside
 * the kernel, reading `Deno.jupyter` throws.
 */
export function inDenoJupyter(): boolean {
  const deno = (globalThis as { Deno?: { jupyter?: unknown } }).Deno;
  if (deno === undefined) return false;
  try {
    return typeof deno.jupyter === 'object' && deno.jupyter !== null;
  } catch {
    return false;
  }
}
