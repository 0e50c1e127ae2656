/** Thrown by {@link withinBound} when the work did not finish in time. */
export class NoAnswer extends Error {
  override name = 'NoAnswer';
}

/**
 * Resolves or rejects as `work` does, or rejects with a {@link NoAnswer} that names `what`
 * once `ms` have passed. Internal.
 */
export function withinBound<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NoAnswer(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, bound]).finally(() => clearTimeout(timer));
}
