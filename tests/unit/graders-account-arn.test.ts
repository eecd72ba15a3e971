/** The account principal ARN (`arn:<partition>:iam::<account>:root`) has one home: accountRootArn in graders/aws.ts. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accountRootArn } from '../../src/graders/aws.js';

const GRADERS = join(import.meta.dirname, '../../src/graders');

describe('accountRootArn', () => {
  it('names the whole account in its partition', () => {
    expect(accountRootArn('aws', '111122223333')).toBe('arn:aws:iam::111122223333:root');
    expect(accountRootArn('aws-cn', '123456789012')).toBe('arn:aws-cn:iam::123456789012:root');
  });

  it('is the only place under src/graders that builds one', () => {
    // A template literal that ends an IAM ARN with ":root" is the ARN built inline.
    const inline = /:iam::\$\{[^}]+\}:root`/;
    const offenders = (readdirSync(GRADERS, { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts') && f !== 'aws.ts')
      .filter((f) => inline.test(readFileSync(join(GRADERS, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
