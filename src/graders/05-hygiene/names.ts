/** Lab 05's names (COURSE.md fixes them) and the few values the steps share. */
export const ADMINS = 'admins';
export const ALAN = 'admin-alan';
export const JOHN = 'dev-john';
export const OLD_CI = 'old-ci';
export const MALLORY = 'mallory';
export const HELPER = 'helper-bot';
export const USERS = [ALAN, JOHN, OLD_CI, MALLORY, HELPER];

export const SHARE_BUCKET = 'acme-public-share';
export const SHARE_OBJECT = 'partner-price-list.csv';
export const SHARE_READER = 'ShareReader';
export const BOUNDARY = 'DevBoundary';
export const ANALYZER = 'org-analyzer';
/** the name the chapter gives the require-MFA policy (any name passes; teardown removes this one) */
export const REQUIRE_MFA = 'RequireMFA';
/** mallory's inline policy: the helpdesk rights she abused */
export const HELPDESK = 'HelpdeskAccess';

/** Keys unused for longer than this are stale (the course's audit rule). */
export const STALE_DAYS = 90;

/** The user agent of the graders' own CloudTrail and Access Analyzer calls, so checks can tell them from the learner's. */
export const GRADER_AGENT = 'iam-labs-grader';

export const DAY_MS = 24 * 3600 * 1000;
export const daysAgo = (n: number, now = Date.now()): Date => new Date(now - n * DAY_MS);
