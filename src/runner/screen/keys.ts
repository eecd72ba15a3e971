/**
 * What a key means on the full screen: a scroll (by lines, pages, to either end) or an action.
 * Arrows and PgUp/PgDn as everywhere, j/k/g/G/b/space as in less, p/n for steps.
 */
import type { Key } from './terminal.js';

export type Action = 'prev' | 'next' | 'quit' | 'interrupt' | 'redraw' | 'help' | 'goto' | 'hint' | 'check' | 'solution' | 'reset' | 'reset-lab' | 'dismiss';

/** Lines to scroll (±Infinity: to an end), or undefined when the key does not scroll. */
export function scrollDelta(k: Key, page: number): number | undefined {
  if (k.ctrl) return undefined;
  switch (k.name) {
    case 'up':
      return -1;
    case 'down':
      return 1;
    case 'pageup':
      return -page;
    case 'pagedown':
    case 'space':
      return page;
    case 'home':
      return -Infinity;
    case 'end':
      return Infinity;
  }
  const bySequence: Record<string, number> = { k: -1, j: 1, b: -page, ' ': page, g: -Infinity, G: Infinity };
  return Object.hasOwn(bySequence, k.sequence) ? bySequence[k.sequence] : undefined;
}

const BY_SEQUENCE: Record<string, Action> = {
  p: 'prev',
  n: 'next',
  q: 'quit',
  '?': 'help',
  ':': 'goto',
  h: 'hint',
  c: 'check',
  s: 'solution',
  r: 'reset',
  R: 'reset-lab',
};

export function actionOf(k: Key): Action | undefined {
  if (k.ctrl) return k.name === 'c' ? 'interrupt' : k.name === 'l' ? 'redraw' : undefined;
  if (k.name === 'left') return 'prev';
  if (k.name === 'right') return 'next';
  if (k.name === 'escape') return 'dismiss';
  return Object.hasOwn(BY_SEQUENCE, k.sequence) ? BY_SEQUENCE[k.sequence] : undefined;
}

/** Actions that change the lab or its progress: not on a read-only screen. */
export const WRITES: ReadonlySet<Action> = new Set(['hint', 'check', 'solution', 'reset', 'reset-lab']);
