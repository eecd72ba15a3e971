/**
 * Learner names as the instructor reads them. Two names that look alike on the dashboard
 * ("Learner B" and "Learner В", whose last letter is Cyrillic) would let one learner pass for
 * another, so a name is refused when it mixes alphabets (Unicode's "highly restrictive" rule of
 * UTS #39) or when its confusable skeleton (UTS #39, from Unicode's confusables data in the
 * `unhomoglyph` package) matches a learner already in the workshop.
 */
import unhomoglyph from 'unhomoglyph';
import { WorkshopError } from './errors.js';

export const MAX_NAME_LENGTH = 40;

/** Scripts a name may be written in; anything else is reported as "another script". */
const SCRIPTS = [
  'Latin', 'Greek', 'Cyrillic', 'Armenian', 'Georgian', 'Hebrew', 'Arabic', 'Syriac', 'Thaana', 'Devanagari',
  'Bengali', 'Gurmukhi', 'Gujarati', 'Oriya', 'Tamil', 'Telugu', 'Kannada', 'Malayalam', 'Sinhala', 'Thai', 'Lao',
  'Tibetan', 'Myanmar', 'Khmer', 'Mongolian', 'Ethiopic', 'Cherokee', 'Han', 'Hiragana', 'Katakana', 'Hangul', 'Bopomofo',
] as const;
const SCRIPT_RES = SCRIPTS.map((s) => [s, new RegExp(`^\\p{Script=${s}}$`, 'u')] as const);
const NEUTRAL = /^[\p{Script=Common}\p{Script=Inherited}]$/u;

/** The script combinations UTS #39 allows in one identifier besides a single script (CJK writing). */
const CJK_SETS: ReadonlyArray<ReadonlySet<string>> = [
  new Set(['Latin', 'Han', 'Hiragana', 'Katakana']),
  new Set(['Latin', 'Han', 'Bopomofo']),
  new Set(['Latin', 'Han', 'Hangul']),
];

function scriptOf(ch: string): string | undefined {
  if (NEUTRAL.test(ch)) return undefined;
  for (const [name, re] of SCRIPT_RES) if (re.test(ch)) return name;
  return 'another script';
}

/** The canonical form of a name: NFKC (so "ﬁ" is "fi"), trimmed, inner spaces collapsed. */
export function canonicalName(input: string): string {
  return input.normalize('NFKC').trim().replace(/\s+/gu, ' ');
}

/**
 * Check a name's characters and alphabets; returns it in canonical form. Letters of any
 * script, digits, spaces, dots, dashes, apostrophes and underscores; one alphabet at a time.
 */
export function validateName(input: string): string {
  const name = canonicalName(input);
  if (!name || [...name].length > MAX_NAME_LENGTH || !/^[\p{L}\p{M}\p{N} .'’_-]+$/u.test(name) || !/[\p{L}\p{N}]/u.test(name)) {
    throw new WorkshopError(`A name is 1–${MAX_NAME_LENGTH} letters, digits, spaces, dots, dashes, apostrophes or underscores.`, 400, 'InvalidName');
  }
  const seen = new Map<string, string>();
  for (const ch of name) {
    const s = scriptOf(ch);
    if (s && !seen.has(s)) seen.set(s, ch);
  }
  const scripts = [...seen.keys()];
  const allowed = scripts.length <= 1 || CJK_SETS.some((set) => scripts.every((s) => set.has(s)));
  if (!allowed) {
    const parts = [...seen.entries()].map(([s, ch]) => `${s} (“${ch}”)`).join(' and ');
    throw new WorkshopError(
      `The name "${name}" mixes letters of different alphabets: ${parts}. Type your whole name in one alphabet, so that nobody else's name can look like yours.`,
      400,
      'InvalidName',
    );
  }
  return name;
}

const skeleton = (s: string) => unhomoglyph(s.normalize('NFD')).normalize('NFD');

/**
 * The keys under which a name can be confused with another: its confusable skeleton as typed,
 * in lower case and in upper case ("learner в" and "Learner B" meet in upper case).
 */
export function confusableKeys(name: string): string[] {
  const c = canonicalName(name);
  return [...new Set([skeleton(c), skeleton(c.toLowerCase()), skeleton(c.toUpperCase())])];
}
