/**
 * `iam-labs env [lab]`: exports for the learner's own shell (`eval "$(iam-labs env)"`). First it
 * unsets every setting the AWS CLI and SDKs read (credentials, profiles, config files, endpoints
 * including AWS_ENDPOINT_URL_<SERVICE>, CA bundles, metadata settings…), then sets the lab's own
 * AWS files, endpoint and region, and puts the lab's aws wrapper first on PATH.
 */
import { awsCliInfo, labEnvVars, UNSET_VARS, writeLabShims } from '../aws-cli.js';
import { defaultIO, writeln, type CommandIO } from '../io.js';
import { accountFilePaths, labPaths, statePaths } from '../../core/paths.js';
import { openCourse, openSession } from '../runtime.js';
import { resolveLab } from '../../core/course.js';
import { waitForStartElsewhere } from '../start-in-progress.js';

const q = (v: string) => `'${v.replace(/'/g, "'\\''")}'`;

export async function envCommand(labArg: string | undefined, opts: { plain?: boolean }, io: CommandIO = defaultIO(opts)): Promise<number> {
  const paths = statePaths(io.home);
  const labId = labArg ? resolveLab(openCourse(io), labArg).id : undefined;
  await waitForStartElsewhere(io);
  const open = openSession(io, labId, 'env');
  const { session } = open;
  open.files.refresh(session.credentials);
  const files = session.lab ? labPaths(io.home, session.lab) : accountFilePaths(io.home);
  const vars = labEnvVars(files, session, io.home, io.env);
  writeln(io, `# iam-labs: the environment of ${session.lab ? `lab ${session.lab}` : 'the lab account'} (account ${session.accountId} on ${session.backend}, ${session.endpoint})`);
  writeln(io, '# use it with:  eval "$(iam-labs env)"');
  writeln(io, `unset ${UNSET_VARS.join(' ')}`);
  // the per-service endpoints (AWS_ENDPOINT_URL_S3…) and any other AWS_* setting exported here
  writeln(io, `for v in $(env | sed -n 's/^\\(AWS_[A-Za-z0-9_]*\\)=.*/\\1/p'); do unset "$v"; done`);
  for (const [k, v] of Object.entries(vars)) writeln(io, `export ${k}=${q(v)}`);
  const cli = await awsCliInfo(io.env, paths);
  if (cli) {
    writeLabShims(paths);
    writeln(io, `# aws-cli ${cli.version} (${cli.path}) runs through the lab's aws wrapper, which checks the lab's backend before each call`);
    writeln(io, `export IAM_LABS_REAL_AWS=${q(cli.path)}`);
    writeln(io, `export PATH=${q(paths.shimDir)}:"$PATH"`);
  } else writeln(io, '# no AWS CLI found on PATH: install it to do the labs');
  return 0;
}
