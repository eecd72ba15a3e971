/**
 * The header that marks a request as the course's grading looking at the account: not recorded in
 * CloudTrail, nor as a key's or role's last use. Sent over HTTP only when the grading cannot run
 * in the emulator's process; the embedded emulator honours it only with its control token, which
 * no web page and no learner's command has. Apart from sdk-clients.ts so the emulator can name it
 * without loading the AWS SDK.
 */
export const OBSERVER_HEADER = 'x-iam-labs-observer';
