// Where in an episode its numeric arrays hold NaN or Inf, as frame ranges the preview marks on its scrubber.
import type { PreviewProblem, PreviewSeries } from '../../protocol/episodePreview';

/**
 * One problem per run of consecutive rows holding NaN or Inf, naming the array, the frames and the dimensions. In a
 * series plotted every n-th frame the ranges are those of the plotted frames.
 */
export function nonFiniteRanges({
  name: array,
  dimensions: width,
  frameStep,
  values,
}: PreviewSeries): PreviewProblem[] {
  const problems: PreviewProblem[] = [];
  let first = -1;
  let dimensions = new Set<number>();
  let kinds = new Set<string>();
  const close = (lastRow: number) => {
    const last = lastRow * frameStep;
    const dims = [...dimensions].sort((a, b) => a - b).join(', ');
    const frames = first === last ? `frame ${first}` : `frames ${first}–${last}`;
    problems.push({
      severity: 'error',
      message: `${array} holds ${[...kinds].sort().join(' and ')} in ${frames} (dimension${dimensions.size > 1 ? 's' : ''} ${dims}).`,
      frames: { first, last },
    });
    first = -1;
    dimensions = new Set();
    kinds = new Set();
  };
  const rows = Math.floor(values.length / Math.max(1, width));
  for (let index = 0; index < rows; index++) {
    let bad = false;
    for (let dimension = 0; dimension < width; dimension++) {
      const value = values[index * width + dimension]!;
      if (Number.isFinite(value)) continue;
      bad = true;
      dimensions.add(dimension);
      kinds.add(Number.isNaN(value) ? 'NaN' : 'Inf');
    }
    if (bad && first < 0) first = index * frameStep;
    if (!bad && first >= 0) close(index - 1);
  }
  if (first >= 0) close(rows - 1);
  return problems;
}
