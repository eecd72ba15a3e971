import pc from 'picocolors';
import { markdownLines } from '../src/runner/screen/markdown.ts';
const md = ['```sh', 'aws s3 cp s3://acme-payroll/salaries.csv - --profile intern    # 403 Forbidden (denied)', 'aws iam create-role --role-name EC2AccessRole --assume-role-policy-document file://trust.json  # creates "the # role"', '# a whole-line comment that is long enough to need wrapping at sixty columns for sure', 'echo "a # not comment" and more words to make it long enough to wrap here', '```'].join('\n');
console.log(markdownLines(md, 60, pc.createColors(false)).join('\n'));
