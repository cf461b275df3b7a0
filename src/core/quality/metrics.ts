// Image quality of a predicted tile against its ground truth, on 8-bit luma: PSNR, and SSIM with the standard
// 11x11 Gaussian window (sigma 1.5, K1 0.01, K2 0.03, L 255) averaged over the positions where the window lies wholly
// inside the tile (as scikit-image's structural_similarity with gaussian_weights=True crops its borders).

/** A w x h window of 8-bit luma inside a larger frame (row stride `stride`), starting at `offset`. */
export interface LumaTile {
  readonly data: Uint8Array;
  readonly offset: number;
  readonly stride: number;
  readonly width: number;
  readonly height: number;
}

const PEAK = 255;
const RADIUS = 5;
const SIGMA = 1.5;
const C1 = (0.01 * PEAK) ** 2;
const C2 = (0.03 * PEAK) ** 2;
const KERNEL = gaussianKernel();

function gaussianKernel(): Float64Array {
  const weights = new Float64Array(2 * RADIUS + 1);
  let sum = 0;
  for (let i = -RADIUS; i <= RADIUS; i++) sum += weights[i + RADIUS] = Math.exp(-0.5 * (i / SIGMA) ** 2);
  for (let i = 0; i < weights.length; i++) weights[i] /= sum;
  return weights;
}

/** Peak signal-to-noise ratio in dB; Infinity for identical tiles. */
export function psnr(a: LumaTile, b: LumaTile): number {
  let squared = 0;
  for (let y = 0; y < a.height; y++) {
    const rowA = a.offset + y * a.stride;
    const rowB = b.offset + y * b.stride;
    for (let x = 0; x < a.width; x++) {
      const d = a.data[rowA + x]! - b.data[rowB + x]!;
      squared += d * d;
    }
  }
  const mse = squared / (a.width * a.height);
  return mse === 0 ? Infinity : 10 * Math.log10((PEAK * PEAK) / mse);
}

/** Mean SSIM over the window positions wholly inside the tile; 1 for identical tiles. */
export function ssim(a: LumaTile, b: LumaTile): number {
  const { width, height } = a;
  if (width <= 2 * RADIUS || height <= 2 * RADIUS)
    throw new RangeError(`SSIM needs tiles larger than ${2 * RADIUS + 1} px`);
  // Separable filtering: rows first, only the columns whose horizontal window fits, then columns on those.
  const innerWidth = width - 2 * RADIUS;
  const rows = [0, 1, 2, 3, 4].map(() => new Float64Array(innerWidth * height));
  for (let y = 0; y < height; y++) {
    const rowA = a.offset + y * a.stride;
    const rowB = b.offset + y * b.stride;
    for (let x = 0; x < innerWidth; x++) {
      let mx = 0,
        my = 0,
        xx = 0,
        yy = 0,
        xy = 0;
      for (let k = 0; k <= 2 * RADIUS; k++) {
        const w = KERNEL[k]!;
        const p = a.data[rowA + x + k]!;
        const q = b.data[rowB + x + k]!;
        mx += w * p;
        my += w * q;
        xx += w * p * p;
        yy += w * q * q;
        xy += w * p * q;
      }
      const at = y * innerWidth + x;
      rows[0]![at] = mx;
      rows[1]![at] = my;
      rows[2]![at] = xx;
      rows[3]![at] = yy;
      rows[4]![at] = xy;
    }
  }
  const [rx, ry, rxx, ryy, rxy] = rows as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  let total = 0;
  for (let y = RADIUS; y < height - RADIUS; y++) {
    for (let x = 0; x < innerWidth; x++) {
      let mx = 0,
        my = 0,
        xx = 0,
        yy = 0,
        xy = 0;
      for (let k = 0; k <= 2 * RADIUS; k++) {
        const w = KERNEL[k]!;
        const at = (y - RADIUS + k) * innerWidth + x;
        mx += w * rx[at]!;
        my += w * ry[at]!;
        xx += w * rxx[at]!;
        yy += w * ryy[at]!;
        xy += w * rxy[at]!;
      }
      const vx = xx - mx * mx;
      const vy = yy - my * my;
      const cov = xy - mx * my;
      total += ((2 * mx * my + C1) * (2 * cov + C2)) / ((mx * mx + my * my + C1) * (vx + vy + C2));
    }
  }
  return total / (innerWidth * (height - 2 * RADIUS));
}
