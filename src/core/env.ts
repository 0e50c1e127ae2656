/** True when running in Node.js (not a browser, not a worker without `process`). */
export function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}
