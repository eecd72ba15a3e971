/**
 * `*` / `?` wildcard matching for the services' own patterns (EC2 filter values, Access
 * Analyzer's policy checks): the project's one linear-time matcher (policy/wildcard.ts), since a
 * pattern comes from the caller and a regular expression built from `*a*a*a…` could backtrack
 * for seconds on a long value.
 */
import { wildcardMatch } from '../policy/index.js';

export function globMatch(pattern: string, text: string, ignoreCase = false): boolean {
  return wildcardMatch(pattern, text, { ignoreCase });
}
