/**
 * Which build of iam-labs this process runs: a hash of the version and the sources, set by the
 * bundle (scripts/bundle.mjs); undefined when the sources run unbundled (the tests' own imports).
 * A detached emulator outlives an update of iam-labs: its grading service compares builds so an
 * older one never grades with graders the CLI does not ship any more.
 */
declare const __IAM_LABS_BUILD__: string | undefined;

export const BUILD_ID: string | undefined = typeof __IAM_LABS_BUILD__ === 'string' ? __IAM_LABS_BUILD__ : undefined;

/** How buildMismatch's reason begins, in every build so far (the CLI recognises older services by it). */
export const OTHER_BUILD_REASON = 'it runs another build of iam-labs';

/** Why a grading service of build `host` must not serve a CLI of build `cli`, or undefined when it may. */
export function buildMismatch(cli: string | undefined, host: string | undefined = BUILD_ID): string | undefined {
  if (!cli || !host || cli === host) return undefined;
  return `${OTHER_BUILD_REASON} (${host.slice(0, 8)}, started before iam-labs was updated or rebuilt; this one is ${cli.slice(0, 8)}). Run iam-labs stop, then start the lab again, to use this one`;
}
