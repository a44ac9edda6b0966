// The Legendre basis on a fixed grid, the table both the precomputed and unrolled rungs cache:
// row k holds P_k(x_i) for every grid point (a Vandermonde matrix, numpy's legvander transposed).

/** P_0..P_deg at every x, row-major by degree: basis[k*nx + i] = P_k(x[i]). */
export function legendreBasis(x: Float64Array, deg: number): Float64Array {
  const nx = x.length;
  const basis = new Float64Array((deg + 1) * nx);
  basis.fill(1, 0, nx);
  if (deg >= 1) basis.set(x, nx);
  for (let n = 1; n < deg; n++) {
    // (n+1) P_{n+1} = (2n+1) x P_n - n P_{n-1}
    const a = (2 * n + 1) / (n + 1);
    const b = n / (n + 1);
    const current = n * nx;
    const previous = (n - 1) * nx;
    const next = (n + 1) * nx;
    for (let i = 0; i < nx; i++) basis[next + i] = a * x[i] * basis[current + i] - b * basis[previous + i];
  }
  return basis;
}
