import { test } from 'node:test';
import assert from 'node:assert/strict';
import { psnr, ssim, type LumaTile } from '../../src/core/quality/metrics';

const W = 64;
const H = 48;
function tile(pixel: (x: number, y: number) => number): LumaTile {
  const data = new Uint8Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) data[y * W + x] = Math.max(0, Math.min(255, Math.round(pixel(x, y))));
  return { data, offset: 0, stride: W, width: W, height: H };
}
const texture = (x: number, y: number) => 128 + 60 * Math.sin(x / 3) * Math.cos(y / 5);

test('identical tiles: PSNR is Infinity and SSIM exactly 1', () => {
  assert.equal(psnr(tile(texture), tile(texture)), Infinity);
  assert.equal(ssim(tile(texture), tile(texture)), 1);
});

test('a known noise level gives the PSNR it must, within 0.1 dB', () => {
  // Every pixel off by exactly 10: MSE 100, PSNR = 10 log10(255^2 / 100) = 28.1308 dB.
  const checker = tile((x, y) => 128 + ((x + y) % 2 === 0 ? 10 : -10));
  assert.ok(
    Math.abs(
      psnr(
        tile(() => 128),
        checker,
      ) - 28.1308,
    ) < 0.1,
  );
  // Seeded uniform noise in [-20, 20]: variance 400/3 (after rounding ~133.4), PSNR ~ 26.88 dB.
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const noisy = tile((x, y) => texture(x, y) + (random() * 40 - 20));
  assert.ok(Math.abs(psnr(tile(texture), noisy) - 10 * Math.log10(255 ** 2 / (400 / 3))) < 0.1);
});

test('SSIM falls as the prediction degrades, and a tile inside a wider frame is read through its stride', () => {
  const clean = tile(texture);
  const scores = [4, 16, 48].map((amount) =>
    ssim(
      clean,
      tile((x, y) => texture(x, y) + amount * Math.sin(x * 7.1 + y * 3.3)),
    ),
  );
  assert.ok(scores[0]! > scores[1]! && scores[1]! > scores[2]!, scores.join(' '));
  const wide = new Uint8Array(2 * W * H);
  for (let y = 0; y < H; y++) wide.set(clean.data.subarray(y * W, (y + 1) * W), y * 2 * W + W);
  assert.equal(ssim({ data: wide, offset: W, stride: 2 * W, width: W, height: H }, clean), 1);
  assert.throws(() => ssim({ ...clean, width: 10 }, clean), /larger than 11 px/);
});
