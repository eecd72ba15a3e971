/**
 * `iam-labs doctor [--json]`: what this machine has and whether the lab is reachable, one
 * actionable line per finding.
 */
import fs from 'node:fs';
import { probeDocker } from '../../backends/docker-probe.js';
import { motoServerPath } from '../../backends/moto.js';
import { httpRequest, processAlive } from '../../backends/net.js';
import { awsCliInfo, labEnvVars, runAwsInLab, toolEnvironment } from '../aws-cli.js';
import { defaultIO, writeln, type CommandIO } from '../io.js';
import { accountFilePaths, labPaths, statePaths } from '../../core/paths.js';
import { readBackend } from '../session.js';
import { openSession } from '../runtime.js';
import { UserError } from '../../core/errors.js';

export interface Finding {
  name: string;
  status: 'ok' | 'warn' | 'fail' | 'info';
  detail: string;
}

export async function collectFindings(io: CommandIO): Promise<Finding[]> {
  const f: Finding[] = [];
  const major = Number(process.versions.node.split('.')[0]);
  f.push({ name: 'node', status: major >= 20 ? 'ok' : 'fail', detail: major >= 20 ? `Node ${process.versions.node}` : `Node ${process.versions.node}: iam-labs needs Node 20 or newer` });
  const paths = statePaths(io.home);
  const cli = await awsCliInfo(io.env, paths);
  if (!cli) f.push({ name: 'aws-cli', status: 'fail', detail: 'no `aws` on PATH: install the AWS CLI (https://aws.amazon.com/cli/) to do the labs' });
  else
    f.push({
      name: 'aws-cli',
      status: 'ok',
      detail: `aws-cli ${cli.version} at ${cli.path}; ${cli.honoursEndpointEnv ? 'honours AWS_ENDPOINT_URL' : 'ignores AWS_ENDPOINT_URL (too old): `iam-labs shell` adds a shim that passes --endpoint-url'}`,
    });
  const docker = await probeDocker(io.env);
  f.push({
    name: 'docker',
    status: docker.ok ? 'ok' : 'info',
    detail: docker.ok ? `Docker answers at ${docker.where} (--backend localstack is possible)` : `no Docker engine answers (${docker.attempts.map((a) => `${a.where}: ${a.outcome}`).join('; ')}); not needed for the embedded backend`,
  });
  const moto = motoServerPath(io.env);
  f.push({ name: 'moto', status: moto ? 'ok' : 'info', detail: moto ? `moto_server at ${moto} (--backend moto is possible)` : 'moto_server not installed; only needed for --backend moto' });
  f.push({ name: 'state-dir', status: 'info', detail: `state directory ${io.home}${fs.existsSync(io.home) ? '' : ' (not created yet)'}` });

  const backend = readBackend(io.home);
  if (!backend) {
    f.push({ name: 'session', status: 'info', detail: 'no lab running: `iam-labs start 01` starts one' });
    return f;
  }
  const alive = !backend.pid || processAlive(backend.pid);
  let reachable = false;
  if (alive && backend.endpoint) reachable = await httpRequest(backend.endpoint, { timeoutMs: 1500 }).then(() => true, () => false);
  f.push({
    name: 'backend',
    status: reachable ? 'ok' : 'fail',
    detail: reachable
      ? `the ${backend.backend} backend at ${backend.endpoint} answers`
      : `the ${backend.backend} backend recorded at ${backend.endpoint || '(starting)'} does not answer: \`iam-labs stop\`, then \`iam-labs start <lab>\``,
  });
  let session;
  try {
    session = reachable ? openSession(io, undefined, 'shell').session : undefined;
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    f.push({ name: 'session', status: 'info', detail: e.message });
  }
  if (session) f.push({ name: 'session', status: 'ok', detail: `${session.lab ? `lab ${session.lab}` : 'the account'} in account ${session.accountId}` });
  if (session && cli) {
    // the real CLI, as the lab shell runs it, but with a private HOME: ~/.aws is never read
    const files = session.lab ? labPaths(io.home, session.lab) : accountFilePaths(io.home);
    const env: Record<string, string> = { ...toolEnvironment(paths, io.env), ...labEnvVars(files, session, io.home, io.env) };
    const r = runAwsInLab(cli.path, ['--endpoint-url', session.endpoint, 'sts', 'get-caller-identity', '--output', 'json'], env);
    let account = '';
    try {
      account = (JSON.parse(r.stdout) as { Account?: string }).Account ?? '';
    } catch {
      /* reported below */
    }
    const ok = r.code === 0 && account === session.accountId;
    f.push({
      name: 'lab-environment',
      status: ok ? 'ok' : 'fail',
      detail: ok
        ? `\`aws sts get-caller-identity\` in the lab environment reaches the lab (account ${account}), not AWS`
        : `\`aws sts get-caller-identity\` in the lab environment did not reach the lab (exit ${r.code}${account ? `, account ${account}` : ''}): ${(r.stderr || r.stdout).trim().split('\n').pop() ?? ''}`,
    });
  }
  return f;
}

export async function doctorCommand(opts: { json?: boolean; plain?: boolean }, io: CommandIO = defaultIO(opts)): Promise<number> {
  const findings = await collectFindings(io);
  if (opts.json) writeln(io, JSON.stringify({ findings }, null, 2));
  else {
    const sym = { ok: io.c.green('✔ ok  '), warn: io.c.yellow('! warn'), fail: io.c.red('✘ fail'), info: io.c.dim('· info') };
    for (const x of findings) writeln(io, `${sym[x.status]}  ${x.name.padEnd(16)} ${x.detail}`);
  }
  return findings.some((x) => x.status === 'fail') ? 1 : 0;
}
