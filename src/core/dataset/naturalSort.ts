// Natural order for file names: episode_2 before episode_10, case-insensitive.

/**
 * Creating ICU's collator costs V8 about as much as starting Node (it lists every locale ICU has), in every process
 * that sorts a folder. Names made of printable ASCII, nearly all, are compared here by the collator's own rules
 * (CLDR root order at base strength, digit runs by value); only other names wait for the collator.
 */
let collator: Intl.Collator | undefined;

/** Printable ASCII in the collator's order; `0` stands for every digit run, letters are lower-cased first. */
const ORDER = ' _-,;:!?.\'"()[]{}@*/\\&#%`^+<=>|~$0abcdefghijklmnopqrstuvwxyz';
const WEIGHTS = new Int8Array(128).fill(-1);
for (let i = 0; i < ORDER.length; i++) WEIGHTS[ORDER.charCodeAt(i)] = i;
for (let code = 0x31; code <= 0x39; code++) WEIGHTS[code] = WEIGHTS[0x30]!;
for (let code = 0x41; code <= 0x5a; code++) WEIGHTS[code] = WEIGHTS[code + 0x20]!;
const DIGIT = WEIGHTS[0x30]!;
/** ICU compares a digit run as one number up to 254 digits; longer runs are left to it. */
const MAX_DIGITS = 254;

function weight(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code < 128 ? WEIGHTS[code]! : -1;
}

/** The end of the digit run starting at `start`, or -1 when it is too long to compare here. */
function digitRunEnd(text: string, start: number): number {
  let end = start;
  while (end < text.length && weight(text, end) === DIGIT) end++;
  return end - start > MAX_DIGITS ? -1 : end;
}

/** The collator's sign for two printable-ASCII names, undefined for any other name. */
function compareAscii(a: string, b: string): number | undefined {
  for (const text of [a, b]) for (let i = 0; i < text.length; i++) if (weight(text, i) < 0) return undefined;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const wa = weight(a, i);
    const wb = weight(b, j);
    if (wa === DIGIT && wb === DIGIT) {
      const endA = digitRunEnd(a, i);
      const endB = digitRunEnd(b, j);
      if (endA < 0 || endB < 0) return undefined;
      // Leading zeros do not count: 01 and 1 are the same number.
      while (i < endA - 1 && a[i] === '0') i++;
      while (j < endB - 1 && b[j] === '0') j++;
      if (endA - i !== endB - j) return endA - i - (endB - j);
      for (; i < endA; i++, j++) if (a[i] !== b[j]) return a.charCodeAt(i) - b.charCodeAt(j);
      continue;
    }
    if (wa !== wb) return wa - wb;
    i++;
    j++;
  }
  return a.length - i - (b.length - j);
}

export function compareNatural(a: string, b: string): number {
  const order =
    compareAscii(a, b) ?? (collator ??= new Intl.Collator('en', { numeric: true, sensitivity: 'base' })).compare(a, b);
  return order || (a < b ? -1 : a > b ? 1 : 0);
}
