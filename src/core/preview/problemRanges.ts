// Where in an episode its numeric arrays hold NaN or Inf, as frame ranges the preview marks on its scrubber.
import type { PreviewProblem } from '../../protocol/episodePreview';

/** One problem per run of consecutive rows holding NaN or Inf, naming the array, the frames and the dimensions. */
export function nonFiniteRanges(array: string, rows: readonly (readonly number[])[]): PreviewProblem[] {
  const problems: PreviewProblem[] = [];
  let first = -1;
  let dimensions = new Set<number>();
  let kinds = new Set<string>();
  const close = (last: number) => {
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
  rows.forEach((row, index) => {
    let bad = false;
    row.forEach((value, dimension) => {
      if (Number.isFinite(value)) return;
      bad = true;
      dimensions.add(dimension);
      kinds.add(Number.isNaN(value) ? 'NaN' : 'Inf');
    });
    if (bad && first < 0) first = index;
    if (!bad && first >= 0) close(index - 1);
  });
  if (first >= 0) close(rows.length - 1);
  return problems;
}
