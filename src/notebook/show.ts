import { inDenoJupyter } from '../core/env';
import { plainObject } from '../core/validate';

/** The part of Deno's global that a notebook cell displays through (`deno jupyter`). */
interface DenoJupyter {
  jupyter: { display(bundle: Record<string, unknown>, options: { raw: true }): Promise<void> };
}

/**
 * A MIME bundle: the same output in several forms (`text/plain`, `text/html`, `image/png`,
 * `text/markdown`, a Vega-Lite spec...), of which the notebook's front end shows the richest it
 * can.
 *
 * @category Notebook
 */
export type MimeBundle = Readonly<Record<string, unknown>>;

/**
 * Waits until Deno's Jupyter kernel has sent what the cell printed and displayed. The kernel
 * forwards console output from a queue and reports a cell done without waiting for it, so
 * output still queued when a cell ends can be dropped by the front end; end a cell that prints
 * with `await flush()`. The `show` functions flush before and after what they display.
 *
 * @category Notebook
 * @example
 * ```ts
 * import { flush } from 'denselab/notebook';
 *
 * console.log('epoch 1 done'); // epoch 1 done
 * await flush();
 * console.log('next'); // next
 * ```
 */
export function flush(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, inDenoJupyter() ? 100 : 0));
}

/**
 * Shows a MIME bundle as the cell's output, in order with the console output around it. Outside
 * a notebook (a script, a terminal, the tests) it prints the bundle's `text/plain`.
 *
 * @param bundle - the output, with at least `text/plain`
 *
 * @category Notebook
 * @example
 * ```ts
 * import { show } from 'denselab/notebook';
 *
 * await show({ 'text/html': '<b>done</b>', 'text/plain': 'done' }); // done
 * ```
 */
export async function show(bundle: MimeBundle): Promise<void> {
  plainObject('show', 'bundle', bundle);
  if (!inDenoJupyter()) {
    const text = bundle['text/plain'];
    console.log(typeof text === 'string' ? text : '');
    return;
  }
  const deno = (globalThis as unknown as { Deno: DenoJupyter }).Deno;
  await flush();
  await deno.jupyter.display(bundle, { raw: true });
  await flush();
}
