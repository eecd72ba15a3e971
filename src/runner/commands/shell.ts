/** `iam-labs shell`: a subshell in the lab environment (and the aws shim first on PATH). */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { awsCliInfo, labEnvVars, UNSET_VARS, writeAwsShim } from '../aws-cli.js';
import { defaultIO, writeln, type CommandIO } from '../io.js';
import { statePaths } from '../../core/paths.js';
import { requireSession } from '../session.js';

export async function shellCommand(opts: { plain?: boolean; command?: string }, io: CommandIO = defaultIO(opts)): Promise<number> {
  const session = requireSession(io.home);
  const paths = statePaths(io.home);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(io.env)) if (v !== undefined && !UNSET_VARS.includes(k)) env[k] = v;
  Object.assign(env, labEnvVars(paths, session), { IAM_LABS_SHELL: '1' });
  const cli = await awsCliInfo(io.env, paths.shimDir);
  // The shim always goes first: harmless for new CLIs (it passes the same endpoint), needed for old ones.
  if (cli) {
    writeAwsShim(paths, cli.path);
    env.PATH = `${paths.shimDir}${path.delimiter}${env.PATH ?? ''}`;
  }
  const sh = io.env.SHELL || '/bin/sh';
  if (!opts.command) {
    writeln(io, `Lab shell for ${session.lab ?? 'the running lab'} (${session.backend}, ${session.endpoint}). Your ~/.aws is not used here.`);
    writeln(io, cli ? `aws-cli ${cli.version} — try: aws sts get-caller-identity` : 'No AWS CLI found on PATH: install it to do the labs.');
    writeln(io, 'Type exit to leave.');
  }
  const args = opts.command ? ['-c', opts.command] : ['-i'];
  const child = spawn(sh, args, { env, stdio: 'inherit' });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 0)));
}
