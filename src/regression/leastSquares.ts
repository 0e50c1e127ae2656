/**
 * Minimum-norm least squares for polynomial fits, as numpy's `lstsq` solves them: a QR
 * reduction of the column-scaled Vandermonde matrix to a k x k triangle, then a one-sided
 * Jacobi SVD of that triangle gives the singular values (for the rank) and the solution.
 * Singular values at or below `rcond * max` count as zero, as in numpy. Internal.
 */

/** What solveTriangle finds. */
export interface LeastSquaresResult {
  /** The minimum-norm solution. */
  solution: Float64Array;
  /** Singular values of A, largest first. */
  singularValues: Float64Array;
  /** How many singular values are above the cut-off. */
  rank: number;
}

/** Rows reduced at a time: a block's columns stay in the first-level cache. */
const BLOCK = 512;

/** What vandermondeQr finds. */
export interface VandermondeQr {
  /** R of the column-scaled matrix (k x k, row-major, upper triangular). */
  r: Float64Array;
  /** The first k entries of Qᵀy. */
  qty: Float64Array;
  /** The norms of the columns x^degree ... x^0 (numpy scales each to unit norm); 1 for 0. */
  scales: Float64Array;
}

/**
 * The QR reduction of the Vandermonde matrix [x^degree ... x^0] in one streaming pass (a
 * tall-skinny QR): each block of rows is stacked under the triangle so far and reduced by k
 * Householder reflections, which touch only the triangle and the block; the column norms are
 * summed on the way, and R's columns are scaled by them at the end, which is the R of the
 * column-scaled matrix numpy factors (Householder QR is backward stable column by column, so
 * the scaling can come after). No n-sized temporary.
 */
export function vandermondeQr(xs: Float64Array, ys: Float64Array, degree: number): VandermondeQr {
  const k = degree + 1;
  const r = new Float64Array(k * k);
  const qty = new Float64Array(k);
  const sums = new Float64Array(k);
  const cols = Array.from({ length: k }, () => new Float64Array(BLOCK));
  const power = new Float64Array(BLOCK);
  const rhs = new Float64Array(BLOCK);
  for (let i0 = 0; i0 < xs.length; i0 += BLOCK) {
    const m = Math.min(BLOCK, xs.length - i0);
    power.fill(1, 0, m);
    for (let j = k - 1; j >= 0; j--) {
      const col = cols[j] as Float64Array;
      let sum = 0;
      for (let b = 0; b < m; b++) {
        const p = power[b] as number;
        col[b] = p;
        sum += p * p;
        power[b] = p * (xs[i0 + b] as number);
      }
      sums[j] = (sums[j] as number) + sum;
    }
    for (let b = 0; b < m; b++) rhs[b] = ys[i0 + b] as number;
    for (let j = 0; j < k; j++) reflectBlock(r, qty, cols, rhs, j, m);
  }
  const scales = sums.map((s) => (s === 0 ? 1 : Math.sqrt(s)));
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) r[i * k + j] = (r[i * k + j] as number) / (scales[j] as number);
  }
  return { r, qty, scales };
}

/**
 * Zeroes column j of the block with one Householder reflection of [R; block], whose vector is
 * (R[j][j] - alpha) e_j on the triangle's side and the block's column j below it; applies it
 * to the later columns and the right-hand side.
 */
function reflectBlock(
  r: Float64Array,
  qty: Float64Array,
  cols: Float64Array[],
  rhs: Float64Array,
  j: number,
  m: number,
): void {
  const k = cols.length;
  const cj = cols[j] as Float64Array;
  let below = 0;
  for (let b = 0; b < m; b++) below += (cj[b] as number) * (cj[b] as number);
  if (below === 0) return;
  const rjj = r[j * k + j] as number;
  const alpha = (rjj > 0 ? -1 : 1) * Math.sqrt(rjj * rjj + below);
  const v0 = rjj - alpha;
  const scale = 2 / (v0 * v0 + below);
  for (let l = j + 1; l <= k; l++) {
    const other = l === k ? rhs : (cols[l] as Float64Array);
    const top = l === k ? (qty[j] as number) : (r[j * k + l] as number);
    let dot = v0 * top;
    for (let b = 0; b < m; b++) dot += (cj[b] as number) * (other[b] as number);
    const f = scale * dot;
    for (let b = 0; b < m; b++) other[b] = (other[b] as number) - f * (cj[b] as number);
    if (l === k) qty[j] = top - f * v0;
    else r[j * k + l] = top - f * v0;
  }
  r[j * k + j] = alpha;
}

/**
 * The minimum-norm solution of R s = Qᵀy for the triangle `r` (k x k, row-major): singular
 * values by a one-sided Jacobi SVD, those at or below `rcond * max` counted as zero (numpy's
 * rule).
 */
export function solveTriangle(
  r: Float64Array,
  rhsTop: Float64Array,
  rcond: number,
): LeastSquaresResult {
  const k = rhsTop.length;
  // W = R by columns; V = identity.
  const w = Array.from({ length: k }, (_, j) =>
    Float64Array.from({ length: k }, (_, i) => r[i * k + j] as number),
  );
  const v = Array.from({ length: k }, (_, i) => {
    const col = new Float64Array(k);
    col[i] = 1;
    return col;
  });

  orthogonalize(w, v);

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

/** One-sided Jacobi: rotates column pairs of w (and v alike) until all are orthogonal. */
function orthogonalize(w: Float64Array[], v: Float64Array[]): void {
  const k = w.length;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < k - 1; p++) {
      for (let q = p + 1; q < k; q++) rotated = rotatePair(w, v, p, q) || rotated;
    }
    if (!rotated) break;
  }
}

/** Rotates columns p and q of w and v so that w's two are orthogonal; false if they were. */
function rotatePair(w: Float64Array[], v: Float64Array[], p: number, q: number): boolean {
  const wp = w[p] as Float64Array;
  const wq = w[q] as Float64Array;
  let alpha = 0;
  let beta = 0;
  let gamma = 0;
  for (let i = 0; i < wp.length; i++) {
    const x = wp[i] as number;
    const y = wq[i] as number;
    alpha += x * x;
    beta += y * y;
    gamma += x * y;
  }
  if (gamma === 0 || Math.abs(gamma) <= Number.EPSILON * Math.sqrt(alpha * beta)) return false;
  const zeta = (beta - alpha) / (2 * gamma);
  const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
  const c = 1 / Math.sqrt(1 + t * t);
  const s = c * t;
  for (const m of [w, v]) {
    const mp = m[p] as Float64Array;
    const mq = m[q] as Float64Array;
    for (let i = 0; i < mp.length; i++) {
      const x = mp[i] as number;
      const y = mq[i] as number;
      mp[i] = c * x - s * y;
      mq[i] = s * x + c * y;
    }
  }
  return true;
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
