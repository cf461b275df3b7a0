// One line style per dimension for the episode charts, told apart by colour and, past the theme's clearly distinct
// colours, by dash pattern: yellow and orange look alike in several themes, so they never both come undashed.

const PALETTE = [
  '--vscode-charts-blue',
  '--vscode-charts-red',
  '--vscode-charts-green',
  '--vscode-charts-orange',
  '--vscode-charts-purple',
  '--vscode-charts-foreground',
];
const DASHES: number[][] = [[], [6, 3], [2, 2]];

export interface SeriesStyle {
  /** A CSS variable of the theme's chart colours. */
  readonly colorVariable: string;
  readonly dash: number[];
}

/** Dimension d: six solid colours, then the same colours dashed, then dotted. */
export function seriesStyle(dimension: number): SeriesStyle {
  return {
    colorVariable: PALETTE[dimension % PALETTE.length]!,
    dash: DASHES[Math.floor(dimension / PALETTE.length) % DASHES.length]!,
  };
}
