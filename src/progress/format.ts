/** Keras 2's progress bar text, as `keras.utils.Progbar` writes it. */

const BAR_WIDTH = 30;

/** `[=====>........................]` for `current` of `target` steps. */
export function progressBar(current: number, target: number): string {
  const filled = target > 0 ? Math.floor((BAR_WIDTH * Math.min(current, target)) / target) : 0;
  let bar = '[';
  if (filled > 0) {
    bar += '='.repeat(filled - 1);
    bar += current < target ? '>' : '=';
  }
  bar += '.'.repeat(BAR_WIDTH - filled);
  return `${bar}]`;
}

/** `  32/1875`: the step count right-aligned to the width of the target. */
export function stepCount(current: number, target: number): string {
  const width = String(target).length;
  return `${String(current).padStart(width)}/${target}`;
}

/** Keras' `ETA: 1:02`, `ETA: 1:02:03` or `ETA: 5s`. */
export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s > 3600) {
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return `${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  }
  if (s > 60) return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  return `${s}s`;
}

/**
 * Keras' time per unit (Progbar._format_time): `2ms/step`, `1s/step`, `850us/step`,
 * `535ms/epoch` - seconds from 1 up (and for 0), else milliseconds, else microseconds.
 */
export function formatTimePer(seconds: number, unit: 'step' | 'epoch'): string {
  if (seconds >= 1 || seconds === 0) return `${Math.round(seconds)}s/${unit}`;
  if (seconds >= 1e-3) return `${Math.round(seconds * 1e3)}ms/${unit}`;
  return `${Math.round(seconds * 1e6)}us/${unit}`;
}

/** ` - loss: 0.1933 - accuracy: 0.9426`; values of 1e-3 or less as `1.2345e-04`, as Keras. */
export function formatMetrics(values: Readonly<Record<string, number>>): string {
  return Object.entries(values)
    .map(([name, v]) => ` - ${name}: ${formatValue(v)}`)
    .join('');
}

function formatValue(v: number): string {
  if (Math.abs(v) > 1e-3) return v.toFixed(4);
  // Python's '%.4e' writes at least two exponent digits.
  return v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
}
