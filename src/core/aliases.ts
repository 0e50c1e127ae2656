/**
 * Names kept for one minor version after a rename: read-only getters of the new property,
 * not enumerable, so `JSON.stringify`, spreads and `Object.keys` show only the current names.
 * The result's type declares them `@deprecated`, which editors strike through.
 */
export function withAliases<T extends object, A extends Readonly<Record<string, keyof T>>>(
  target: T,
  aliases: A,
): T & { readonly [K in keyof A]: T[A[K]] } {
  for (const [old, current] of Object.entries(aliases)) {
    Object.defineProperty(target, old, {
      get: () => target[current],
      enumerable: false,
      configurable: false,
    });
  }
  return target as T & { readonly [K in keyof A]: T[A[K]] };
}
