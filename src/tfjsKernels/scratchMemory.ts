/**
 * The scratch WebAssembly memory denselab's cpu kernels run their SIMD code in (the cpu backend
 * keeps its data in JavaScript typed arrays). Internal.
 */
let scratch: WebAssembly.Memory | undefined;

/** One scratch memory for every cpu kernel, grown to at least `bytes`. */
export function scratchMemory(bytes: number): WebAssembly.Memory {
  scratch ??= new WebAssembly.Memory({ initial: 1 });
  const missing = Math.ceil(bytes / 65536) - scratch.buffer.byteLength / 65536;
  if (missing > 0) scratch.grow(missing);
  return scratch;
}
