// Chart.js options shared by every line chart of long series (episode joints, training loss).

/**
 * Draw at once and from data already in `{x, y}` form, sorted by x: no animation, no parsing, no per-point
 * normalisation, and a tooltip of the nearest x, which keeps 100k-point charts responsive.
 */
export const FAST_LINE_OPTIONS = {
  animation: false,
  parsing: false,
  normalized: true,
  responsive: true,
  maintainAspectRatio: false,
  interaction: { mode: 'nearest', axis: 'x', intersect: false },
} as const;
