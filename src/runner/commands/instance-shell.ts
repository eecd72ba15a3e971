/**
 * `iam-labs instance-shell <instance>`: a shell "on" an emulated EC2 instance. No access keys
 * exist there: no AWS_* keys or profiles, no lab credentials file, a private HOME (so no ~/.aws or
 * ~/.boto either). The AWS CLI and the SDKs find credentials the way they do on EC2, through the
 * instance's metadata service (AWS_EC2_METADATA_SERVICE_ENDPOINT: its loopback listener, asked
 * of the running emulator each time, since the port changes when the emulator restarts; on a
 * workshop backend, a loopback listener of this process that forwards to the workshop server,
 * open for as long as the shell). An
 * instance without an instance profile therefore gets "Unable to locate credentials", as on AWS.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { EC2Client, Instance } from '@aws-sdk/client-ec2';
import { NoInstanceMetadataError, openInstanceMetadata, type InstanceMetadataAddress } from '../../backends/instance-metadata.js';
import { instanceShellExecEnv } from '../../core/aws-types.js';
import { UsageError } from '../../core/errors.js';
import { sdkClientConfig } from '../../core/sdk-clients.js';
import { endpointEnvVars } from '../aws-cli.js';
import { defaultIO, writeln, type CommandIO } from '../io.js';
import { ensurePresent, openSession } from '../runtime.js';
import type { Session } from '../session.js';
import { ENV_KEY_MARK, runShell, shellEnvironment } from './shell.js';
import { waitForStartElsewhere } from '../start-in-progress.js';

export interface InstanceShellOptions {
  command?: string;
  /** the shell to run instead of the learner's own (runShell chooses otherwise) */
  shell?: string;
  plain?: boolean;
}

const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

const nameOf = (i: Instance) => i.Tags?.find((t) => t.Key === 'Name')?.Value;
// the Name tag as the prompt shows it: what the banner and errors print goes to the terminal too
const label = (i: Instance) => `${i.InstanceId}${nameOf(i) ? ` (${promptSafe(nameOf(i)!)})` : ''}`;
const gone = (i: Instance) => i.State?.Name === 'terminated' || i.State?.Name === 'shutting-down';

/** The instances the learner means: by id, or by their Name tag (i-legacy, app-server). */
async function findInstances(ec2: EC2Client, wanted: string): Promise<Instance[]> {
  const { DescribeInstancesCommand, paginateDescribeInstances } = await import('@aws-sdk/client-ec2');
  if (INSTANCE_ID.test(wanted)) {
    try {
      const r = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [wanted] }));
      return (r.Reservations ?? []).flatMap((x) => x.Instances ?? []);
    } catch (e) {
      if ((e as { name?: string }).name === 'InvalidInstanceID.NotFound') return [];
      throw e;
    }
  }
  const out: Instance[] = [];
  for await (const page of paginateDescribeInstances({ client: ec2 }, { Filters: [{ Name: 'tag:Name', Values: [wanted] }] })) {
    out.push(...(page.Reservations ?? []).flatMap((x) => x.Instances ?? []));
  }
  return out;
}

/** The one running instance `wanted` names, or a UsageError that says what is there instead. */
async function resolveInstance(session: Session, wanted: string): Promise<Instance> {
  const { EC2Client } = await import('@aws-sdk/client-ec2');
  const ec2 = new EC2Client(sdkClientConfig(session.endpoint, session.credentials, session.region));
  let found: Instance[];
  try {
    found = await findInstances(ec2, wanted);
  } finally {
    ec2.destroy();
  }
  const live = found.filter((i) => !gone(i));
  if (live.length === 1) return live[0];
  if (live.length > 1) {
    throw new UsageError(`${live.length} running instances are named ${wanted}: ${live.map(label).join(', ')}.`, 2, 'Name the one you mean by its instance id.');
  }
  if (found.length) {
    throw new UsageError(
      `instance ${label(found[0])} is ${found[0].State?.Name}: a terminated instance runs nothing, so there is no shell to open on it.`,
      2,
      'List the running ones: aws ec2 describe-instances --filters Name=instance-state-name,Values=running',
    );
  }
  throw new UsageError(
    `the lab's account has no instance ${INSTANCE_ID.test(wanted) ? wanted : `named ${wanted}`}.`,
    2,
    "Give an instance id (i-…) or Name tag from: aws ec2 describe-instances --query 'Reservations[].Instances[].[InstanceId,State.Name,Tags]'",
  );
}

/**
 * An instance's Name tag as the prompt shows it. Anyone who can tag the instance chooses it, and
 * a prompt is code to the shell (bash runs `$(…)` in PS1 at every prompt, zsh reads `%` escapes, a
 * quote ends the rc file's string): only letters, digits and a few marks pass, the rest shows as ?.
 */
export function promptSafe(name: string): string {
  const shown = name.replace(/[^\p{L}\p{N} ._:/=+@-]/gu, '?');
  return shown.length > 40 ? `${shown.slice(0, 39)}…` : shown;
}

/** The instance's own folder: a HOME with no AWS files, and a config that names a region but no credentials. */
function instanceFolders(instancesDir: string, instanceId: string, region: string, prompt: string) {
  const dir = path.join(instancesDir, instanceId);
  const home = path.join(dir, 'home');
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  const config = path.join(dir, 'config');
  const credentials = path.join(dir, 'credentials');
  fs.writeFileSync(config, `[default]\nregion = ${region}\noutput = json\ncli_timestamp_format = iso8601\n`, { mode: 0o600 });
  fs.writeFileSync(credentials, '', { mode: 0o600 });
  // bash, zsh and fish read these from the (private) HOME; sh takes PS1 from the environment
  fs.writeFileSync(path.join(home, '.bashrc'), `PS1='${prompt} \\W \\$ '\n`, { mode: 0o600 });
  // zsh expands the mark only with PROMPT_SUBST; interactive zsh needs interactive_comments for the chapters' `# …`
  fs.writeFileSync(path.join(home, '.zshrc'), `setopt PROMPT_SUBST interactive_comments\nPROMPT='${prompt} %1~ %# '\n`, { mode: 0o600 });
  fs.mkdirSync(path.join(home, '.config', 'fish'), { recursive: true, mode: 0o700 });
  // fish draws its prompt with a function: the mark becomes a test of the variable there
  const [lead, tail] = prompt.split(ENV_KEY_MARK);
  const fishPrompt = ['function fish_prompt', `    echo -n '${lead}'`, "    set -q AWS_ACCESS_KEY_ID; and echo -n ': AWS_ACCESS_KEY_ID set'", `    echo -n '${tail ?? ''} '(prompt_pwd)' # '`, 'end', ''];
  fs.writeFileSync(path.join(home, '.config', 'fish', 'config.fish'), fishPrompt.join('\n'), { mode: 0o600 });
  return { home, config, credentials };
}

function banner(io: CommandIO, instance: Instance, imds: InstanceMetadataAddress, cliVersion: string | undefined, workshop: string | undefined): void {
  const { c } = io;
  writeln(io, c.bold(`Shell on instance ${label(instance)}`) + ': no access keys here, and your ~/.aws is not used.');
  if (imds.roleName) {
    const profile = imds.instanceProfileArn?.split('/').pop();
    writeln(io, `Role ${imds.roleName} (instance profile ${profile}): the AWS CLI and SDKs get its temporary credentials`);
    writeln(io, `from the instance metadata service at ${imds.endpoint} ($IMDS).`);
  } else {
    writeln(io, `${c.yellow('This instance has no instance profile')} (or its profile holds no role): nothing here can find`);
    writeln(io, `AWS credentials. Its instance metadata service is at ${imds.endpoint} ($IMDS).`);
  }
  if (workshop) writeln(io, c.dim(`(The instance runs on the workshop server ${workshop}: this shell's address forwards to its metadata service there.)`));
  writeln(io, c.dim('(On a real EC2 instance, the metadata service is at http://169.254.169.254.)'));
  writeln(io, 'Try:');
  writeln(io, `  curl ${imds.endpoint}/latest/meta-data/iam/security-credentials/`);
  if (imds.roleName) writeln(io, `  curl ${imds.endpoint}/latest/meta-data/iam/security-credentials/${imds.roleName}`);
  writeln(io, '  aws sts get-caller-identity');
  if (imds.httpTokens === 'required') {
    writeln(io, 'This instance requires IMDSv2: get a token first and send it with each request:');
    writeln(io, `  TOKEN=$(curl -s -X PUT $IMDS/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')`);
    writeln(io, '  curl -H "X-aws-ec2-metadata-token: $TOKEN" $IMDS/latest/meta-data/iam/security-credentials/');
  }
  if (!cliVersion) writeln(io, 'No AWS CLI found on PATH: install it to do the labs.');
  writeln(io, 'Type exit to leave.');
}

export async function instanceShellCommand(wanted: string, opts: InstanceShellOptions, io: CommandIO = defaultIO(opts)): Promise<number> {
  await waitForStartElsewhere(io);
  const open = openSession(io, undefined, 'shell');
  const { session, paths } = open;
  if (!session.capabilities.instanceMetadata && session.backend === 'workshop') {
    throw new NoInstanceMetadataError(
      'this machine joined the workshop before iam-labs could open instance shells there.',
      2,
      'Join again (same name and code): iam-labs workshop join <url> --name "Your Name" --code <code>.',
    );
  }
  if (!session.capabilities.instanceMetadata) {
    throw new NoInstanceMetadataError(
      `instance-shell is not available on this backend (${session.backend}): it runs no metadata service for EC2 instances, so nothing on an instance could get role credentials.`,
      2,
      'Lab 06 needs the embedded emulator: iam-labs stop, then iam-labs start 06 --backend embedded.',
    );
  }
  // never ask whatever else answers on the recorded port
  await ensurePresent(open);
  const instance = await resolveInstance(session, wanted);
  const instanceId = instance.InstanceId ?? wanted;
  // a workshop server's refusal, said in the shell: the AWS CLI there would only say "Unable to locate credentials"
  const opened = await openInstanceMetadata(session, instanceId, (line) => io.err.write(`\n${io.c.yellow('iam-labs:')} ${line}\n`));
  try {
    const imds = opened.address;
    // "as AppServerRole" stops being true once the learner exports a key (lab 06's classic mistake):
    // the prompt says so at once, as the lab shell's does (expanded by each shell at each prompt)
    const prompt = `[${promptSafe(nameOf(instance) ?? instanceId)}${imds.roleName ? ` as ${imds.roleName}` : ''}${ENV_KEY_MARK}]`;
    const folders = instanceFolders(paths.instancesDir, instanceId, imds.region, prompt);
    const { env, cli } = await shellEnvironment(io, paths, {
      ...endpointEnvVars({ endpoint: session.endpoint, region: imds.region }),
      AWS_CONFIG_FILE: folders.config,
      AWS_SHARED_CREDENTIALS_FILE: folders.credentials,
      // the trailing slash matters: AWS CLI v2 before 2.13 appends "latest/api/token" to it as is
      AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.metadataServiceEndpoint,
      // botocore waits 1 s, once, for the metadata service: too little when the emulator is busy
      // grading (its listener shares the emulator's process), and the learner would read "Unable to
      // locate credentials" on an instance that has a role
      AWS_METADATA_SERVICE_TIMEOUT: '5',
      AWS_METADATA_SERVICE_NUM_ATTEMPTS: '3',
      AWS_EXECUTION_ENV: instanceShellExecEnv(instanceId),
      HOME: folders.home,
      IMDS: imds.endpoint,
      IAM_LABS_SHELL: '1',
      IAM_LABS_INSTANCE: instanceId,
      PS1: `${prompt} $ `,
    });
    if (!opts.command) banner(io, instance, imds, cli?.version, session.backend === 'workshop' ? session.endpoint : undefined);
    return await runShell(io, env, { command: opts.command, cwd: folders.home, shell: opts.shell });
  } finally {
    await opened.close();
  }
}
