/**
 * `iam-labs env`: exports for the learner's shell (`eval "$(iam-labs env)"`): the lab's own AWS
 * config and credentials files, endpoint, region, no pager; unsets keys from the environment.
 */
import { awsCliInfo, labEnvVars, UNSET_VARS, writeAwsShim } from '../aws-cli.js';
import { defaultIO, writeln, type CommandIO } from '../io.js';
import { statePaths } from '../../core/paths.js';
import { requireSession } from '../session.js';

const q = (v: string) => `'${v.replace(/'/g, "'\\''")}'`;

export async function envCommand(opts: { plain?: boolean }, io: CommandIO = defaultIO(opts)): Promise<number> {
  const session = requireSession(io.home);
  const paths = statePaths(io.home);
  const vars = labEnvVars(paths, session);
  writeln(io, `# iam-labs: lab environment for ${session.lab ?? 'the running lab'} on ${session.backend} (${session.endpoint})`);
  writeln(io, '# use it with:  eval "$(iam-labs env)"');
  for (const [k, v] of Object.entries(vars)) writeln(io, `export ${k}=${q(v)}`);
  writeln(io, `unset ${UNSET_VARS.join(' ')}`);
  const cli = await awsCliInfo(io.env, paths.shimDir);
  if (cli && !cli.honoursEndpointEnv) {
    writeAwsShim(paths, cli.path);
    writeln(io, `# aws-cli ${cli.version} ignores AWS_ENDPOINT_URL: a shim that adds --endpoint-url goes first on PATH`);
    writeln(io, `export PATH=${q(paths.shimDir)}:"$PATH"`);
  }
  return 0;
}
