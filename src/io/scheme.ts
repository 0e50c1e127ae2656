/** True for `indexeddb://x`, `http://host/...` and other TF.js IO URLs, false for paths. */
export function hasScheme(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(target);
}
