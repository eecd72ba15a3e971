/** docs/emulator-coverage.md's generated tables match the code (operations, known differences). */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOC, renderDoc } from './coverage-table.js';

describe('docs/emulator-coverage.md', () => {
  it('has up-to-date operation and difference tables (regenerate: node --import tsx tests/conformance/coverage-table.ts --write)', () => {
    const doc = fs.readFileSync(DOC, 'utf8');
    expect(renderDoc(doc) === doc, 'docs/emulator-coverage.md is stale: run node --import tsx tests/conformance/coverage-table.ts --write').toBe(true);
  });
});
