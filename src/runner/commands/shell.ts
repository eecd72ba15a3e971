/**
 * `iam-labs shell [lab]`: a subshell whose `aws` talks to the lab and nothing else. Each lab has
 * its own (its AWS files, its account), so two labs can be worked on at once in two terminals.
 * The interactive shell keeps the learner's HOME (their prompt, aliases, PATH), with every AWS_*
 * variable removed; after their startup files run, the lab's settings and the aws wrapper are put
 * back first (a ~/.bashrc that puts another aws first on PATH would otherwise win). `-c` runs
 * one command with a private HOME instead, as every other process the runner spawns does.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { awsCliInfo, labEnvVars, noProxyFor, UNSET_VARS, writeLabShims, type AwsCliInfo } from '../aws-cli.js';
import { defaultIO, writeln, type CommandIO } from '../io.js';
import { outputWidth } from '../output.js';
import { wrapText } from '../screen/wrap.js';
import { accountFilePaths, labPaths, statePaths, type StatePaths } from '../../core/paths.js';
import { withoutAwsSettings } from '../../core/sdk-env.js';
import { ensurePresent, openCourse, openSession } from '../runtime.js';
import { resolveLab } from '../../core/course.js';
import { waitForStartElsewhere } from '../start-in-progress.js';

/**
 * What npm says about the `npx iam-labs shell` run that opened the shell, not about the learner's
 * setup: a lab shell has `iam-labs` on PATH, so in it commands are suggested as `iam-labs …`
 * (invocation.ts), not `npx iam-labs …`.
 */
const NPX_RUN_VARS = ['npm_lifecycle_event', 'npm_lifecycle_script', 'npm_command'];

/**
 * The environment of a shell whose `aws` talks to the lab (`shell`, `instance-shell`): the
 * learner's variables without any AWS_* setting (keys, profiles, config files, endpoints, CA
 * bundles, metadata settings), then `vars`, and the aws wrapper first on PATH, running the CLI
 * it announces (IAM_LABS_REAL_AWS).
 */
export async function shellEnvironment(io: CommandIO, paths: StatePaths, vars: Record<string, string>): Promise<{ env: Record<string, string>; cli?: AwsCliInfo }> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(withoutAwsSettings(io.env))) if (v !== undefined && !UNSET_VARS.includes(k) && !NPX_RUN_VARS.includes(k)) env[k] = v;
  Object.assign(env, { NO_PROXY: noProxyFor(io.env), no_proxy: noProxyFor(io.env), IAM_LABS_HOME: paths.home }, vars);
  const cli = await awsCliInfo(io.env, paths);
  if (cli) {
    writeLabShims(paths);
    env.IAM_LABS_REAL_AWS = cli.path;
    env.PATH = `${paths.shimDir}${path.delimiter}${env.PATH ?? ''}`;
  }
  return { env, cli };
}

const sq = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/** The prompt's note while AWS_ACCESS_KEY_ID is set in the shell (the CLI then signs with it, not with the lab's profile). */
export const ENV_KEY_MARK = '${AWS_ACCESS_KEY_ID:+: AWS_ACCESS_KEY_ID set}';

/**
 * The learner's shell, started so that the lab's settings are applied after their own startup
 * files: bash --rcfile, zsh's ZDOTDIR, POSIX sh's ENV, fish's --init-command. `shellDir` holds
 * the generated files; `label` prefixes the prompt.
 */
function interactiveShell(sh: string, env: Record<string, string>, shellDir: string, label: string): { args: string[]; env: Record<string, string> } {
  fs.mkdirSync(shellDir, { recursive: true, mode: 0o700 });
  const name = path.basename(sh);
  const labVars = Object.entries(env).filter(([k]) => /^(AWS_|IAM_LABS_)/.test(k) || k === 'NO_PROXY' || k === 'no_proxy');
  const shimDir = env.PATH.split(path.delimiter)[0];
  const restore = [
    "# iam-labs: after your own startup files, the lab's settings win again",
    'for v in $(env | sed -n "s/^\\(AWS_[A-Za-z0-9_]*\\)=.*/\\1/p"); do unset "$v"; done',
    ...labVars.map(([k, v]) => `export ${k}=${sq(v)}`),
    `PATH=${sq(shimDir)}:"$PATH"; export PATH`,
    'unalias aws 2>/dev/null; unset -f aws 2>/dev/null; hash -r 2>/dev/null',
    '',
  ].join('\n');
  // The prompt names the lab and, while AWS_ACCESS_KEY_ID is set, says so: a learner who exported
  // a role's temporary keys (lab 03) sees that this shell no longer signs as the lab's
  // administrator, until they unset them. bash and sh expand PS1 at each prompt.
  const posixPrompt = `PS1=${sq(`(${label}`)}${sq(ENV_KEY_MARK)}') '"\${PS1:-\\$ }"\n`;
  const restoreFile = path.join(shellDir, 'restore.sh');
  fs.writeFileSync(restoreFile, restore, { mode: 0o600 });
  if (name === 'bash') {
    const rc = path.join(shellDir, 'bashrc');
    fs.writeFileSync(rc, `[ -r "$HOME/.bashrc" ] && . "$HOME/.bashrc"\n. ${sq(restoreFile)}\n${posixPrompt}`, { mode: 0o600 });
    return { args: ['--rcfile', rc, '-i'], env };
  }
  if (name === 'zsh') {
    const userDir = env.ZDOTDIR || env.HOME || '';
    for (const f of ['.zshenv', '.zprofile', '.zlogin']) fs.writeFileSync(path.join(shellDir, f), `[ -r ${sq(path.join(userDir, f))} ] && . ${sq(path.join(userDir, f))}\n`, { mode: 0o600 });
    // zsh expands nothing in PROMPT unless PROMPT_SUBST is set (the learner's choice): the mark is
    // set before each prompt instead, last, so a theme that redraws its prompt keeps it
    const zshPrompt = [
      // the chapters' commands end in `# comments`, which interactive zsh otherwise passes on as arguments
      'setopt interactive_comments',
      '_iam_labs_prompt() {',
      '  [[ -n $_iam_labs_mark && $PROMPT == "$_iam_labs_mark"* ]] && PROMPT=${PROMPT#"$_iam_labs_mark"}',
      `  _iam_labs_mark=${sq(`(${label}`)}"${ENV_KEY_MARK}) "`,
      '  PROMPT="$_iam_labs_mark$PROMPT"',
      '}',
      'precmd_functions+=(_iam_labs_prompt)',
      '',
    ].join('\n');
    fs.writeFileSync(path.join(shellDir, '.zshrc'), `[ -r ${sq(path.join(userDir, '.zshrc'))} ] && . ${sq(path.join(userDir, '.zshrc'))}\n. ${sq(restoreFile)}\n${zshPrompt}`, { mode: 0o600 });
    return { args: ['-i'], env: { ...env, ZDOTDIR: shellDir } };
  }
  if (name === 'fish') {
    const fishRestore = path.join(shellDir, 'restore.fish');
    fs.writeFileSync(
      fishRestore,
      [
        'for v in (env | string match -r "^AWS_[A-Za-z0-9_]*" ); set -e $v; end',
        ...labVars.map(([k, v]) => `set -gx ${k} ${sq(v)}`),
        `set -gx PATH ${sq(shimDir)} $PATH`,
        'functions -e aws 2>/dev/null',
        // the learner's prompt (or fish's own), after the lab's mark
        'functions -q fish_prompt; and functions -c fish_prompt _iam_labs_user_prompt',
        'function fish_prompt',
        `    echo -n ${sq(`(${label}`)}`,
        "    set -q AWS_ACCESS_KEY_ID; and echo -n ': AWS_ACCESS_KEY_ID set'",
        "    echo -n ') '",
        '    functions -q _iam_labs_user_prompt; and _iam_labs_user_prompt; or echo -n "> "',
        'end',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    return { args: ['-i', '--init-command', `source ${sq(fishRestore)}`], env };
  }
  // sh, dash, ksh: an interactive POSIX shell reads the file named by ENV (the learner's own first)
  const envFile = path.join(shellDir, 'env.sh');
  fs.writeFileSync(envFile, `${env.ENV ? `[ -r ${sq(env.ENV)} ] && . ${sq(env.ENV)}\n` : ''}. ${sq(restoreFile)}\n${posixPrompt}`, { mode: 0o600 });
  return { args: ['-i'], env: { ...env, ENV: envFile } };
}

/** Shells that read the chapters' commands (heredocs, `$(…)`, `<<<`, for loops) as bash does. */
const READS_BASH = new Set(['bash', 'zsh', 'ksh', 'ksh93']);
const BASH = '/bin/bash';

/**
 * The shell to run: the one asked for (`--shell`), else the learner's own ($SHELL). An interactive
 * shell must run the chapters' commands as printed, so one that reads them differently (fish,
 * csh, dash's sh, which has no `<<<`) gives way to bash, and the learner hears why.
 */
export function chooseShell(env: NodeJS.ProcessEnv, asked: string | undefined, interactive: boolean, exists = fs.existsSync): { sh: string; note?: string } {
  if (asked) return { sh: asked };
  const own = env.SHELL || '/bin/sh';
  const name = path.basename(own);
  if (!interactive || READS_BASH.has(name) || !exists(BASH)) return { sh: own };
  // no SHELL at all: nobody's own shell is replaced, nothing to say
  if (!env.SHELL) return { sh: BASH };
  return {
    sh: BASH,
    note: `The chapters' commands are written for bash, and ${name} reads some of them differently (heredocs, $(…), for loops): this shell is bash. \`--shell ${own}\` opens yours instead.`,
  };
}

/** Run the learner's shell (interactive, or `-c command`) in `env`; resolves with its exit code. */
export function runShell(io: CommandIO, env: Record<string, string>, opts: { command?: string; cwd?: string; shellDir?: string; label?: string; shell?: string }): Promise<number> {
  const { sh, note } = chooseShell(io.env, opts.shell, !opts.command);
  if (note) writeln(io, wrapText(`${io.c.dim('note:')} ${note}`, outputWidth(io)));
  const how = opts.command ? { args: ['-c', opts.command], env } : opts.shellDir ? interactiveShell(sh, env, opts.shellDir, opts.label ?? 'iam-labs') : { args: ['-i'], env };
  const child = spawn(sh, how.args, { env: how.env, stdio: 'inherit', ...(opts.cwd ? { cwd: opts.cwd } : {}) });
  // the shell gets Ctrl-C; this process only waits for it
  const ignore = () => {};
  process.on('SIGINT', ignore);
  return new Promise((resolve) => {
    const done = (code: number) => {
      process.off('SIGINT', ignore);
      resolve(code);
    };
    child.on('error', (e) => {
      io.err.write(`iam-labs: could not start ${sh}: ${e.message}\n`);
      done(127);
    });
    child.on('exit', (code, signal) => done(code ?? (signal ? 128 : 0)));
  });
}

export async function shellCommand(labArg: string | undefined, opts: { plain?: boolean; command?: string; shell?: string }, io: CommandIO = defaultIO(opts)): Promise<number> {
  const paths = statePaths(io.home);
  const labId = labArg ? resolveLab(openCourse(io), labArg).id : undefined;
  await waitForStartElsewhere(io);
  const open = openSession(io, labId, 'shell');
  await ensurePresent(open);
  const { session } = open;
  open.files.refresh(session.credentials);
  const files = session.lab ? labPaths(io.home, session.lab) : accountFilePaths(io.home);
  const vars = { ...labEnvVars(files, session, io.home, io.env), IAM_LABS_SHELL: '1' };
  const { env, cli } = await shellEnvironment(io, paths, vars);
  const label = session.lab ? `lab ${session.lab.slice(0, 2)}` : 'iam-labs';
  if (opts.command) {
    // not the learner's interactive shell: a private HOME, like every other process the runner runs
    fs.mkdirSync(paths.toolHome, { recursive: true, mode: 0o700 });
    return runShell(io, { ...env, HOME: paths.toolHome, USERPROFILE: paths.toolHome }, { command: opts.command, shell: opts.shell });
  }
  const what = session.lab ?? `the ${session.backend} account`;
  const say = (line: string) => writeln(io, wrapText(line, outputWidth(io)));
  say(`Lab shell for ${what}: account ${session.accountId} on ${session.backend} (${session.endpoint}). Your ~/.aws and your AWS_* variables are not used here.`);
  say(cli ? `aws-cli ${cli.version} (${cli.path}), through the lab's aws wrapper — try: aws sts get-caller-identity` : 'No AWS CLI found on PATH: install it to do the labs.');
  writeln(io, 'Type exit to leave.');
  return runShell(io, env, { shellDir: session.lab ? labPaths(io.home, session.lab).shellDir : accountFilePaths(io.home).shellDir, label, shell: opts.shell });
}
