// Natural order for file names: episode_2 before episode_10, case-insensitive.
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

export function compareNatural(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}
