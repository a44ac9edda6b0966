// A slow program to profile: a toy spectral extraction in the shape of the DESI pipeline. For every
// fiber it evaluates the PSF's width along the wavelength grid (a Legendre series, one generic call
// per wavelength, as the original called numpy's legval), extracts the flux with Gaussian weights,
// and summarises the spectrum. Which of these holds the time? `hotbench profile --script` says.
//
//   npx hotbench profile --script examples/profiling/extract.ts -- 500

/**
 * numpy.polynomial.legendre.legval, as generic as numpy's: x a scalar or an array, the coefficients
 * copied on every call, Clenshaw's recurrence.
 */
function legval(x: number | ArrayLike<number>, c: ArrayLike<number>): number | Float64Array {
  const coef = Array.from(c);
  if (typeof x !== 'number') return Float64Array.from(x, (xi) => legval(xi, coef) as number);
  if (coef.length === 1) return coef[0];
  let c0 = coef[coef.length - 2];
  let c1 = coef[coef.length - 1];
  for (let n = coef.length - 1; n >= 2; n--) {
    const previous = c0;
    c0 = coef[n - 2] - (c1 * (n - 1)) / n;
    c1 = previous + (c1 * x * (2 * n - 1)) / n;
  }
  return c0 + c1 * x;
}

/** The PSF's Gaussian width at each wavelength of one fiber. */
function psfWidths(x: Float64Array, coefficients: Float64Array): Float64Array {
  const widths = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) widths[i] = 1 + 0.1 * (legval(x[i], coefficients) as number);
  return widths;
}

/** Flux at each wavelength: the pixels across the fiber, weighted by the PSF's profile. */
function extractFlux(pixels: Float64Array, widths: Float64Array, halfWidth: number): Float64Array {
  const flux = new Float64Array(widths.length);
  for (let i = 0; i < widths.length; i++) {
    let sum = 0;
    let norm = 0;
    for (let dx = -halfWidth; dx <= halfWidth; dx++) {
      const weight = Math.exp((-0.5 * dx * dx) / (widths[i] * widths[i]));
      sum += weight * pixels[i * (2 * halfWidth + 1) + dx + halfWidth];
      norm += weight * weight;
    }
    flux[i] = sum / norm;
  }
  return flux;
}

/** Median and 68% spread of a spectrum. */
function summarise(flux: Float64Array): { median: number; spread: number } {
  const sorted = Float64Array.from(flux).sort();
  const at = (q: number) => sorted[Math.floor(q * (sorted.length - 1))];
  return { median: at(0.5), spread: at(0.84) - at(0.16) };
}

const fibers = Number(process.argv[2] ?? 500);
const nx = 2326; // wavelengths on the r camera
const halfWidth = 3;
const x = Float64Array.from({ length: nx }, (_, i) => -1 + (2 * i) / (nx - 1));
const pixels = Float64Array.from({ length: nx * (2 * halfWidth + 1) }, (_, i) => 1 + 0.5 * Math.sin(i * 0.37));
let total = 0;
for (let fiber = 0; fiber < fibers; fiber++) {
  const coefficients = Float64Array.from({ length: 10 }, (_, k) => Math.sin(fiber + k) / (k + 1));
  const flux = extractFlux(pixels, psfWidths(x, coefficients), halfWidth);
  total += summarise(flux).median;
}
console.log(`${fibers} fibers extracted, mean median flux ${(total / fibers).toFixed(4)}`);
