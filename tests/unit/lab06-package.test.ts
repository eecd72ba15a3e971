/**
 * The report-builder function exists once: the chapter shows the code the package holds, and the
 * package is a .zip Lambda can read (index.mjs at its root), the same bytes every time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { REPORT_BUILDER_SOURCE, reportBuilderZip } from '../../src/graders/06-workloads/report-builder.js';

const chapter = fs.readFileSync(path.resolve(import.meta.dirname, '../../labs/06-workloads/04-lambda-trust.md'), 'utf8');

describe('the report-builder package', () => {
  it('holds index.mjs, the code the chapter shows', () => {
    const shown = /```js\n([\s\S]*?)```/.exec(chapter)?.[1];
    expect(shown).toBe(REPORT_BUILDER_SOURCE);
    const files = unzipSync(reportBuilderZip());
    expect(Object.keys(files)).toEqual(['index.mjs']);
    expect(strFromU8(files['index.mjs'])).toBe(REPORT_BUILDER_SOURCE);
  });

  it('is the same bytes each time (a stable CodeSha256)', () => {
    expect(Buffer.from(reportBuilderZip()).equals(Buffer.from(reportBuilderZip()))).toBe(true);
  });
});
