/**
 * Minimum-norm least squares for a tall, thin float64 matrix, as numpy's `lstsq` solves it:
 * Householder QR reduces A (n x k, given by columns) to a k x k triangle, then a one-sided
 * Jacobi SVD of that triangle gives the singular values (for the rank) and the solution.
 * Singular values at or below `rcond * max` count as zero, as in numpy.
 */
export interface LeastSquaresResult {
  /** The minimum-norm solution. */
  solution: Float64Array;
  /** Singular values of A, largest first. */
  singularValues: Float64Array;
  /** How many singular values are above the cut-off. */
  rank: number;
}

export function leastSquares(
  columns: Float64Array[],
  rhs: Float64Array,
  rcond: number,
): LeastSquaresResult {
  const k = columns.length;
  const n = rhs.length;
  const a = columns.map((c) => new Float64Array(c));
  const qty = new Float64Array(rhs);

  // Householder QR: after step j, column j is zero below row j.
  for (let j = 0; j < Math.min(n, k); j++) {
    const cj = a[j] as Float64Array;
    const norm = norm2(cj, j);
    if (norm === 0) continue;
    const head = cj[j] as number;
    const alpha = head > 0 ? -norm : norm;
    // v = cj[j..] - alpha * e1, stored in place of cj[j..] for the reflection.
    const v = cj.slice(j);
    v[0] = head - alpha;
    let vv = 0;
    for (const t of v) vv += t * t;
    if (vv === 0) continue;
    const reflect = (target: Float64Array): void => {
      let s = 0;
      for (let i = 0; i < v.length; i++) s += (v[i] as number) * (target[j + i] as number);
      const f = (2 * s) / vv;
      for (let i = 0; i < v.length; i++)
        target[j + i] = (target[j + i] as number) - f * (v[i] as number);
    };
    for (let c = j; c < k; c++) reflect(a[c] as Float64Array);
    reflect(qty);
  }

  // W = R (k x k, column-major, zero rows where n < k); V = identity.
  const w = a.map((c) => {
    const col = new Float64Array(k);
    for (let i = 0; i < Math.min(k, n); i++) col[i] = c[i] as number;
    return col;
  });
  const rhsTop = new Float64Array(k);
  for (let i = 0; i < Math.min(k, n); i++) rhsTop[i] = qty[i] as number;
  const v = Array.from({ length: k }, (_, i) => {
    const col = new Float64Array(k);
    col[i] = 1;
    return col;
  });

  // One-sided Jacobi: rotate column pairs until all are orthogonal.
  const eps = Number.EPSILON;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < k - 1; p++) {
      for (let q = p + 1; q < k; q++) {
        const wp = w[p] as Float64Array;
        const wq = w[q] as Float64Array;
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < k; i++) {
          const x = wp[i] as number;
          const y = wq[i] as number;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= eps * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (const m of [w, v]) {
          const mp = m[p] as Float64Array;
          const mq = m[q] as Float64Array;
          for (let i = 0; i < k; i++) {
            const x = mp[i] as number;
            const y = mq[i] as number;
            mp[i] = c * x - s * y;
            mq[i] = s * x + c * y;
          }
        }
      }
    }
    if (!rotated) break;
  }

  const sigma = w.map((col) => norm2(col, 0));
  const largest = Math.max(0, ...sigma);
  const cutoff = rcond * largest;
  const solution = new Float64Array(k);
  let rank = 0;
  sigma.forEach((sj, j) => {
    if (!(sj > cutoff) || sj === 0) return;
    rank++;
    const wj = w[j] as Float64Array;
    const vj = v[j] as Float64Array;
    let dot = 0;
    for (let i = 0; i < k; i++) dot += (wj[i] as number) * (rhsTop[i] as number);
    const f = dot / (sj * sj);
    for (let i = 0; i < k; i++) solution[i] = (solution[i] as number) + f * (vj[i] as number);
  });
  const singularValues = Float64Array.from(sigma).sort().reverse();
  return { solution, singularValues, rank };
}

/** The Euclidean norm of v[from..], scaled to avoid overflow and underflow. */
function norm2(v: Float64Array, from: number): number {
  let scale = 0;
  for (let i = from; i < v.length; i++) scale = Math.max(scale, Math.abs(v[i] as number));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let sum = 0;
  for (let i = from; i < v.length; i++) {
    const t = (v[i] as number) / scale;
    sum += t * t;
  }
  return scale * Math.sqrt(sum);
}
