/** `iam-labs shell`: a subshell in the lab environment (and the aws shim first on PATH). */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { awsCliInfo, labEnvVars, UNSET_VARS, writeAwsShim, type AwsCliInfo } from '../aws-cli.js';
import { defaultIO, writeln, type CommandIO } from '../io.js';
import { statePaths, type StatePaths } from '../../core/paths.js';
import { withoutAwsSettings } from '../../core/sdk-env.js';
import { requireSession } from '../session.js';

/**
 * The environment of a shell whose `aws` talks to the lab (`shell`, `instance-shell`): the
 * learner's variables without any AWS setting that could point a client elsewhere (keys,
 * profiles, config files, endpoints, metadata service settings), then `vars`, and the aws shim
 * first on PATH. The shim always goes first: harmless for new CLIs (it passes the same
 * endpoint), needed for old ones that ignore AWS_ENDPOINT_URL.
 */
export async function shellEnvironment(io: CommandIO, paths: StatePaths, vars: Record<string, string>): Promise<{ env: Record<string, string>; cli?: AwsCliInfo }> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(withoutAwsSettings(io.env))) if (v !== undefined && !UNSET_VARS.includes(k)) env[k] = v;
  Object.assign(env, vars);
  const cli = await awsCliInfo(io.env, paths.shimDir);
  if (cli) {
    writeAwsShim(paths, cli.path);
    env.PATH = `${paths.shimDir}${path.delimiter}${env.PATH ?? ''}`;
  }
  return { env, cli };
}

/** Run the learner's shell (interactive, or `-c command`) in `env`; resolves with its exit code. */
export function runShell(io: CommandIO, env: Record<string, string>, opts: { command?: string; cwd?: string }): Promise<number> {
  const sh = io.env.SHELL || '/bin/sh';
  const args = opts.command ? ['-c', opts.command] : ['-i'];
  const child = spawn(sh, args, { env, stdio: 'inherit', ...(opts.cwd ? { cwd: opts.cwd } : {}) });
  return new Promise((resolve) => {
    child.on('error', (e) => {
      io.err.write(`iam-labs: could not start ${sh}: ${e.message}\n`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 0)));
  });
}

export async function shellCommand(opts: { plain?: boolean; command?: string }, io: CommandIO = defaultIO(opts)): Promise<number> {
  const session = requireSession(io.home);
  const paths = statePaths(io.home);
  const { env, cli } = await shellEnvironment(io, paths, { ...labEnvVars(paths, session), IAM_LABS_SHELL: '1' });
  if (!opts.command) {
    writeln(io, `Lab shell for ${session.lab ?? 'the running lab'} (${session.backend}, ${session.endpoint}). Your ~/.aws is not used here.`);
    writeln(io, cli ? `aws-cli ${cli.version} — try: aws sts get-caller-identity` : 'No AWS CLI found on PATH: install it to do the labs.');
    writeln(io, 'Type exit to leave.');
  }
  return runShell(io, env, { command: opts.command });
}
