/**
 * Suggested commands as the learner types them: `npx iam-labs …` when npx started the CLI (the
 * README's way in, with nothing on PATH), `iam-labs …` otherwise.
 */
import { describe, expect, it } from 'vitest';
import { asTyped, COMMAND_NAMES } from '../../src/runner/invocation.js';

const NPX = { npm_lifecycle_event: 'npx' };

describe('asTyped', () => {
  it('writes every suggested command as npx iam-labs … under npx', () => {
    expect(asTyped('Open a second terminal and run `iam-labs shell`.', NPX)).toBe('Open a second terminal and run `npx iam-labs shell`.');
    expect(asTyped('iam-labs start 01', NPX)).toBe('npx iam-labs start 01');
    expect(asTyped('eval "$(iam-labs env 01)"', NPX)).toBe('eval "$(npx iam-labs env 01)"');
    expect(asTyped('(iam-labs stop)\niam-labs instance-shell i-1', NPX)).toBe('(npx iam-labs stop)\nnpx iam-labs instance-shell i-1');
    expect(asTyped('Next: iam-labs start 01   (iam-labs --help for everything else)', NPX)).toBe('Next: npx iam-labs start 01   (npx iam-labs --help for everything else)');
    // a code span the terminal colors
    expect(asTyped('\x1b[36miam-labs why\x1b[39m', NPX)).toBe('\x1b[36mnpx iam-labs why\x1b[39m');
    for (const name of COMMAND_NAMES) expect(asTyped(`iam-labs ${name}`, NPX)).toBe(`npx iam-labs ${name}`);
  });

  it('leaves what is not a command to type alone, and is idempotent', () => {
    for (const text of ['iam-labs: no lab is running', 'iam-labs never falls back', '/opt/x/bin/iam-labs start 01', 'my-iam-labs check', 'iam-labs starter', 'iam-labs shellfish', 'npx iam-labs check 01']) {
      expect(asTyped(text, NPX), text).toBe(text);
    }
    const once = asTyped('run `iam-labs shell`, then iam-labs check', NPX);
    expect(asTyped(once, NPX)).toBe(once);
  });

  it('keeps iam-labs … when npx did not start the CLI (installed, or in a lab shell)', () => {
    for (const env of [{}, { npm_lifecycle_event: 'test' }, { npm_lifecycle_event: '' }]) {
      expect(asTyped('run `iam-labs shell`', env)).toBe('run `iam-labs shell`');
    }
  });
});
