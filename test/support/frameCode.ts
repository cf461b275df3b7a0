// Reads the frame index that test/fixtures/flexiv_episodes.py draws into frames with `frame_code: true`.

/** The side of one square of the code, as the fixture generator computes it. */
export function frameCodeBlock(width: number): number {
  return Math.max(4, Math.floor(width / 40));
}

/** Pixel coordinates of the centre of each of the 12 squares (least significant bit first). */
export function frameCodeSamplePoints(width: number, height: number): Array<[number, number]> {
  const block = frameCodeBlock(width);
  return Array.from({ length: 12 }, (_, bit) => [bit * block + Math.floor(block / 2), height - Math.ceil(block / 2)]);
}

/** The index from the brightness (0–255) at each sample point: JPEG blurs edges, so the centre is thresholded. */
export function decodeFrameCode(brightness: readonly number[]): number {
  return brightness.reduce((index, value, bit) => index | (value > 127 ? 1 << bit : 0), 0);
}

/** The index drawn in a raw RGB frame. */
export function frameCodeOfRgb(rgb: Uint8Array, width: number, height: number): number {
  return decodeFrameCode(
    frameCodeSamplePoints(width, height).map(([x, y]) => {
      const offset = (y * width + x) * 3;
      return (rgb[offset]! + rgb[offset + 1]! + rgb[offset + 2]!) / 3;
    }),
  );
}
