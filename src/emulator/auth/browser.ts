/**
 * Requests a web browser sends on a page's behalf are refused. The emulator listens on loopback,
 * and any page the learner opens can send requests there: a `fetch(…, {mode: 'no-cors'})`, a form,
 * an `<img src>` with a presigned query string. The AWS CLI and the SDKs never send the headers
 * browsers add, so the rule can be strict:
 *   - `Origin` (any value, even `null`): browsers send it on every cross-origin request and on
 *     every POST/PUT/DELETE; no AWS client does.
 *   - `Sec-Fetch-Site` other than `none`: `cross-site`, `same-site` and `same-origin` all mean a
 *     page made the request (`same-origin`: an HTML object served by the emulator itself, or a
 *     DNS-rebound name). `none` is the learner opening a URL themselves, such as a presigned URL
 *     pasted into the address bar, which stays possible.
 */
type Headers = Record<string, string | string[] | undefined>;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** Why this request looks like it came from a web page, or undefined when it does not. */
export function browserRequestReason(headers: Headers): string | undefined {
  const origin = first(headers.origin);
  if (origin !== undefined) return `it carries an Origin header (${origin.slice(0, 100)})`;
  const site = first(headers['sec-fetch-site']);
  if (site !== undefined && site.trim().toLowerCase() !== 'none') return `it carries Sec-Fetch-Site: ${site.slice(0, 40)}`;
  return undefined;
}

export function browserRefusalMessage(reason: string): string {
  return (
    `iam-labs refuses requests made by a web page (${reason}): a page you open in a browser must not reach your lab. ` +
    'Use the AWS CLI or an AWS SDK; to open a presigned URL, paste it into the address bar.'
  );
}
