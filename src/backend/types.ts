/**
 * The tfjs backends denselab knows how to start.
 *
 * @category Backend
 */
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/**
 * What a WebGPU adapter says about itself (`GPUAdapterInfo`), plus whether it is software.
 *
 * @category Backend
 */
export interface AdapterSummary {
  /** The GPU's vendor, e.g. `nvidia` or `google`. */
  readonly vendor: string;
  /** The architecture, e.g. `swiftshader` for Chromium's software renderer. */
  readonly architecture: string;
  /** The device, when the implementation tells it. */
  readonly device: string;
  /** A description, when the implementation tells it. */
  readonly description: string;
  /** True for a software (CPU) implementation such as SwiftShader or lavapipe. */
  readonly software: boolean;
}

/**
 * One backend {@link selectBackend} tried, and what came of it.
 *
 * @category Backend
 */
export interface BackendAttempt {
  /** The backend. */
  readonly backend: BackendName;
  /** True for the one that was chosen. */
  readonly chosen: boolean;
  /** Why it was chosen or skipped, in words. */
  readonly reason: string;
  /** The WebGPU adapter, when one was found. */
  readonly adapter?: AdapterSummary;
}

/**
 * What {@link selectBackend} returns.
 *
 * @category Backend
 */
export interface BackendSelection {
  /** The backend now active in tfjs. */
  readonly backend: BackendName;
  /** Where this runs. */
  readonly platform: 'node' | 'browser';
  /** Every backend tried, in order, with its reason. */
  readonly attempts: readonly BackendAttempt[];
  /** The WebGPU adapter in use, when the backend is webgpu. */
  readonly adapter?: AdapterSummary;
  /** Set when an environment variable forced the choice: `DENSELAB_BACKEND=wasm`. */
  readonly forcedBy?: string;
  /** The backends whose kernels denselab replaced with faster ones (see `useFastKernels`). */
  readonly fastKernels: readonly string[];
  /** One line per attempt, e.g. `webgpu: skipped, no adapter ...`, for printing. */
  readonly summary: string;
}
