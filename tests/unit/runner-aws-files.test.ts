/** The lab's own AWS files, read with `ini` and written in the plain form the AWS CLI reads. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { labPaths } from '../../src/core/paths.js';
import { formatIni, LabAwsFiles, parseIni } from '../../src/runner/aws-files.js';

describe('lab AWS files', () => {
  it('reads what the AWS CLI writes, dotted profile names included', () => {
    const ini = parseIni('[default]\naws_access_key_id = test\n# a comment\n\n[profile dev.john]\nregion = us-east-1\noutput = json\n');
    expect([...ini.keys()].sort()).toEqual(['default', 'profile dev.john']);
    expect(Object.fromEntries(ini.get('profile dev.john')!)).toEqual({ region: 'us-east-1', output: 'json' });
  });

  it('writes session tokens and dotted names as the AWS CLI reads them (no quotes, no escapes)', () => {
    const token = 'IQoJb3JpZ2luX2VjEE/abc+def==';
    const text = formatIni(new Map([['profile dev.john', new Map([['aws_session_token', token]])]]));
    expect(text).toBe(`[profile dev.john]\naws_session_token = ${token}\n`);
    expect(parseIni(text).get('profile dev.john')?.get('aws_session_token')).toBe(token);
  });

  it('keeps profiles across set and remove, each pointed at the lab endpoint', () => {
    const paths = labPaths(fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-aws-files-')), '01-users');
    const files = new LabAwsFiles(paths, 'http://127.0.0.1:4566', 'us-east-1');
    files.init({ accessKeyId: 'test', secretAccessKey: 'test' });
    files.set('dev.john', { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 's/e+cret', sessionToken: 'tok+/en==' });
    expect(files.get('dev.john')).toEqual({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 's/e+cret', sessionToken: 'tok+/en==' });
    expect(fs.readFileSync(paths.awsConfig, 'utf8')).toContain('[profile dev.john]\nregion = us-east-1\noutput = json\ncli_timestamp_format = iso8601\nendpoint_url = http://127.0.0.1:4566\n');
    files.remove('dev.john');
    expect(files.names()).toEqual(['default']);
  });
});
