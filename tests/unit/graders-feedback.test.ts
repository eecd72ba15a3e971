/**
 * The rules dev check applies to every scripted mistake's feedback (src/graders/feedback.ts):
 * the element at fault is named, every failed condition ends with an action, no hint is printed
 * twice in one step (src/runner/output.ts prints a repeated hint as "(as above)").
 */
import { describe, expect, it } from 'vitest';
import { feedbackProblems, isActionable, namesElement, repeatedHints } from '../../src/graders/feedback.js';
import type { Condition } from '../../src/graders/types.js';
import { feedbackText } from '../../src/runner/output.js';

const failed = (name: string, why: string, hint?: string): Condition => ({ name, status: 'failed', expected: 'x', found: 'y', why, ...(hint ? { hint } : {}) });

describe('isActionable', () => {
  it('accepts a command or a sentence that starts with an action verb', () => {
    expect(isActionable('aws iam create-user --user-name Samy')).toBe(true);
    expect(isActionable('Create it: aws iam create-group --group-name developers')).toBe(true);
    expect(isActionable('AmazonS3FullAccess is attached to user Samy: it also lets Samy write. Detach it and attach AmazonS3ReadOnlyAccess instead.')).toBe(true);
    expect(isActionable('Narrow the Resource of ReportsReader, statement 1: it reaches arn:aws:s3:::acme-payroll.')).toBe(true);
    expect(isActionable('Run iam-labs reset to start the lab again.')).toBe(true);
  });

  it('refuses a diagnosis without a next step, and no hint at all', () => {
    expect(isActionable('The trust policy lets lambda.amazonaws.com assume EC2AccessRole; this step wants ec2.amazonaws.com.')).toBe(false);
    expect(isActionable('Samy has no policies yet.')).toBe(false);
    expect(isActionable(undefined)).toBe(false);
    expect(isActionable('  ')).toBe(false);
  });
});

describe('namesElement', () => {
  it('finds the element as a whole word only', () => {
    expect(namesElement('its NotResource excludes only acme-payroll', 'Resource')).toBe(false);
    expect(namesElement('the Resource of statement 1 lists …', 'Resource')).toBe(true);
    expect(namesElement('its Action "s3:*" covers s3:PutObject', 's3:*')).toBe(true);
    expect(namesElement('found profile Samy (different case)', 'profile Samy')).toBe(true);
    expect(namesElement('a user called Sammy', 'Samy')).toBe(false);
  });
});

describe('feedbackProblems', () => {
  it('good feedback: the element named, an action in every hint', () => {
    const conds = [failed('list', 'the Resource of statement 1 names objects, not the bucket', 'Change the Resource of ReportsReader, statement 1 to arn:aws:s3:::acme-reports.')];
    expect(feedbackProblems({ element: 'Resource' }, conds)).toEqual([]);
  });

  it('names each shortfall', () => {
    const conds = [failed('list', 'implicitly denied', 'The policy is wrong.'), failed('read', '')];
    expect(feedbackProblems({ element: 'Resource' }, conds)).toEqual([
      '“list” fails without a hint that says what to do (its hint: The policy is wrong.)',
      '“read” fails without a why',
      '“read” fails without a hint that says what to do',
      'no failed condition names Resource',
    ]);
    expect(feedbackProblems({}, [])).toEqual(['the mistake does not say which element its feedback must name (set `element`)']);
  });
});

describe('one hint per step', () => {
  it('feedbackText prints a hint shared by several conditions once, then points back to it', () => {
    const hint = 'Attach it: aws iam attach-user-policy --user-name Samy --policy-arn arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';
    const text = feedbackText([failed('read', 'nothing allows it', hint), failed('list', 'nothing allows it', hint), failed('put', 'allowed', 'Detach AmazonS3FullAccess.')]);
    expect(text.split('\n').filter((l) => l.includes(hint))).toHaveLength(1);
    expect(text).toContain('hint:     (as above)');
    expect(repeatedHints(text)).toEqual([]);
    // what repeatedHints catches: the same hint line twice
    expect(repeatedHints(`hint:     ${hint}\nhint:     ${hint}`)).toEqual([hint]);
  });
});
