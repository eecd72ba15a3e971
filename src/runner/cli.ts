/**
 * Commander declarations only. Each action lazy-imports its command module so `--help` stays fast.
 */
import { Command, Option } from 'commander';
import { UsageError } from '../core/errors.js';

export function buildProgram(): Command {
  const program = new Command('iam-labs')
    .description('Learn AWS IAM by doing: labs graded against an emulated AWS account.')
    .version('0.1.0')
    .exitOverride()
    .enablePositionalOptions() // else the root's --plain swallows `start 04 --plain` (the subcommand never sees it)
    .showHelpAfterError('(run iam-labs --help for usage)')
    // `iam-labs --plain start 04` means what `iam-labs start 04 --plain` means: the root's --plain
    // (positional options keep it at the root) reaches the command that runs
    .hook('preAction', (root, command) => {
      if (root.opts().plain && command !== root) command.setOptionValue('plain', true);
    });

  program
    .command('emulator')
    .description('run the embedded AWS emulator (IAM, STS, S3, EC2, Lambda, ECR, CloudTrail, Access Analyzer) in the foreground')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 = any free port)', '4566')
    .option('--state <file>', 'keep the emulated accounts in this file across restarts')
    .option('--account <id>', 'default 12-digit account id', '000000000000')
    .addOption(new Option('--no-enforce', 'do not enforce IAM policies (LocalStack-like)'))
    .option('--quiet', 'do not log denials')
    // what `start --detach` asks for: the grading service next to the emulator (not for learners)
    .addOption(new Option('--grading-socket <path>', 'also serve the grading service on this Unix socket').hideHelp())
    .action(async (opts) => (await import('./commands/emulator.js')).emulatorCommand(opts));

  program
    .command('docs')
    .description('serve the course site (docs/site) on 127.0.0.1, building it first if needed')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 = any free port)', '4580')
    .option('--rebuild', 'rebuild the site from labs/ before serving')
    .action(async (opts) => (await import('./commands/docs.js')).docsCommand(opts));

  // ── the lab runner (src/runner/commands/*): each returns its exit code ──
  const exit = (code: number) => {
    process.exitCode = code;
  };
  const backendOption = () =>
    new Option('--backend <name>', 'where the lab runs (default: IAM_LABS_BACKEND, else auto)').choices([
      'auto',
      'embedded',
      'moto',
      'localstack',
      'endpoint',
    ]);

  program
    .option('--plain', 'plain text for screen readers: no color, no alternate screen, numbered choices')
    // a word that is no command (`iam-labs chek`) lands here: suggest the command meant
    .argument('[command...]')
    .action(async (words: string[]) => {
      if (words.length) throw unknownCommand(program, words[0]);
      exit(await (await import('./commands/list.js')).listCommand({ plain: program.opts().plain }));
    });

  program
    .command('list')
    .description('the course, with your progress in each lab')
    .option('--json', 'machine-readable output')
    .option('--plain', 'plain text (no color)')
    .action(async (opts) => exit(await (await import('./commands/list.js')).listCommand(opts)));

  program
    .command('start')
    .description('start a lab: its backend, its seeded account, the chapter and a live checklist')
    .argument('<lab>', 'lab number, topic or id: 03, roles, 03-roles')
    .addOption(backendOption())
    .option('--endpoint <url>', 'use this AWS-compatible endpoint (your LocalStack, an instructor’s server)')
    .option('--detach', 'leave the backend running in the background and return')
    .option('--plain', 'linear text for screen readers: numbered choices, no alternate screen, no color')
    .option('--fresh', 'start the lab over from its seed, forgetting its progress (asks first in a terminal)')
    .option('-y, --yes', 'do not ask (--fresh, or giving a one-account backend to another lab)')
    .option('--allow-remote', 'allow plain http to an endpoint on another machine')
    .option('--real-aws <account-id>', 'allow a real AWS endpoint, only for this account (costs money; you clean up)')
    .option('--image <image>', 'LocalStack image (default localstack/localstack:4.14.0, or IAM_LABS_LOCALSTACK_IMAGE)')
    .action(async (lab, opts) => exit(await (await import('./commands/start.js')).startCommand(lab, opts)));

  program
    .command('check')
    .description('grade the lab: exit 0 when every step passes, 1 when some fail, 2 on errors')
    .argument('[lab]', 'lab (default: the running one)')
    .option('--json', 'machine-readable result')
    .option('--plain', 'plain text (no color)')
    .option('--verbose', 'also list the conditions that pass')
    .option('--step <step>', 'only this step: its number in the lab, its name or its id')
    .option('--endpoint <url>', 'grade this endpoint instead of the running session')
    .option('--allow-remote', 'allow plain http to an endpoint on another machine')
    .action(async (lab, opts) => exit(await (await import('./commands/check.js')).checkCommand(lab, opts)));

  program
    .command('hint')
    .description('what the check sees, then the next hint for a step (default: the first one not done)')
    .argument('[step]', 'step id (users/create-user), its number in the running lab (3), or a lab (05: its first step not done)')
    .option('--step <step>', 'a step of that lab (hint 01 --step 3), as check, reset and solve take it')
    .option('--plain', 'plain text (no color)')
    .action(async (step, opts) => exit(await (await import('./commands/hint.js')).hintCommand(step, opts)));

  program
    .command('reset')
    .description('put a lab back to its start, or to the start of one step (says what is lost, asks first)')
    .argument('[lab]', 'lab (default: the current one)')
    .option('--step <step>', 'back to the start of this step (its number, name or id): the earlier steps stay solved')
    .option('-y, --yes', 'do not ask (for scripts)')
    .option('--plain', 'plain text (no color)')
    .action(async (lab, opts) => exit(await (await import('./commands/reset.js')).resetCommand(lab, opts)));

  program
    .command('solve')
    .description('apply the reference solution (asks first in a terminal), then grade')
    .argument('[lab]', 'lab (default: the running one)')
    .option('--step <step>', 'only this step: its number in the lab, its name or its id')
    .option('-y, --yes', 'do not ask')
    .option('--plain', 'plain text (no color)')
    .option('--endpoint <url>', 'solve on this endpoint instead of the running session')
    .option('--allow-remote', 'allow plain http to an endpoint on another machine')
    .action(async (lab, opts) => exit(await (await import('./commands/solve.js')).solveCommand(lab, opts)));

  program
    .command('progress')
    .description('the whole course: every lab and step, which you have done and when')
    .option('--json', 'machine-readable output')
    .option('--plain', 'plain text (no color)')
    .action(async (opts) => exit(await (await import('./commands/progress.js')).progressCommand(opts)));

  program
    .command('stop')
    .description("stop the lab's backend (progress is kept)")
    .action(async (opts) => exit(await (await import('./commands/stop.js')).stopCommand(opts)));

  program
    .command('env')
    .description('print shell exports for a lab (eval "$(iam-labs env)"); your ~/.aws and AWS_* settings are not used')
    .argument('[lab]', 'lab (default: the current one)')
    .action(async (lab, opts) => exit(await (await import('./commands/env.js')).envCommand(lab, opts)));

  program
    .command('shell')
    .description("open a subshell where `aws` talks to a lab's own account")
    .argument('[lab]', 'lab (default: the current one)')
    .option('-c, --command <cmd>', 'run this command in the lab environment instead of an interactive shell')
    .option('--shell <path>', "the shell to run (default: yours, or bash when yours reads the chapters' bash commands differently)")
    .action(async (lab, opts) => exit(await (await import('./commands/shell.js')).shellCommand(lab, opts)));

  program
    .command('certificate')
    .description('once the course is complete: write a signed completion record to keep')
    .option('--out <file>', 'where to write it', 'iam-labs-completion.json')
    .option('--name <name>', 'your name in the record (default: your workshop name, if you joined one)')
    .option('--plain', 'plain text (no color)')
    .action(async (opts) => exit(await (await import('./commands/certificate.js')).certificateCommand(opts)));

  program
    .command('verify')
    .description('check a completion record offline, and say what its signature proves')
    .argument('<file>', 'the record (iam-labs-completion.json)')
    .option('--key <file>', "also check a workshop server's countersignature with its public key (PEM)")
    .option('--json', 'machine-readable result')
    .option('--plain', 'plain text (no color)')
    .action(async (file, opts) => exit(await (await import('./commands/verify.js')).verifyCommand(file, opts)));

  program
    .command('instance-shell')
    .description('open a shell on an emulated EC2 instance: no keys, only its role through the metadata service')
    .argument('<instance>', 'instance id (i-…) or Name tag (i-legacy)')
    .option('-c, --command <cmd>', 'run this command on the instance instead of an interactive shell')
    .option('--shell <path>', "the shell to run (default: yours, or bash when yours reads the chapters' bash commands differently)")
    .option('--plain', 'plain text (no color)')
    .action(async (instance, opts) => exit(await (await import('./commands/instance-shell.js')).instanceShellCommand(instance, opts)));

  program
    .command('doctor')
    .description('check this machine: Node, AWS CLI, Docker, moto, the running lab')
    .option('--json', 'machine-readable output')
    .option('--plain', 'plain text (no color)')
    .action(async (opts) => exit(await (await import('./commands/doctor.js')).doctorCommand(opts)));

  program
    .command('why')
    .description('explain an allow or deny on the lab account: which statement decided, and why')
    .argument('[principal]', 'user name, role/NAME, or a lab profile')
    .argument('[action]', 'e.g. s3:ListBucket')
    .argument('[resource]', 'e.g. arn:aws:s3:::acme-reports')
    .option('--context <key=value...>', 'request context, e.g. aws:SourceIp=10.1.2.3')
    .option('--last', 'explain the last AccessDenied the embedded emulator returned')
    .option('--json', 'machine-readable result')
    .option('--plain', 'plain text (no color)')
    .action(async (principal, action, resource, opts) =>
      exit(await (await import('./commands/why.js')).whyCommand({ principal, action, resource, ...opts })),
    );

  program
    .command('totp')
    .description('the current and the next MFA code of a virtual MFA device, from its Base32 seed file')
    .argument('<seed-file>', 'the file create-virtual-mfa-device --bootstrap-method Base32StringSeed --outfile wrote')
    .option('--json', 'machine-readable output')
    .option('--quiet', 'only the two codes, on one line (for scripts)')
    .option('--plain', 'plain text (no color)')
    .action(async (file, opts) => exit(await (await import('./commands/totp.js')).totpCommand(file, opts)));

  const workshop = program.command('workshop').description('run a class: a shared server with a live dashboard, or join one');
  workshop
    .command('serve')
    .description('serve one emulated account per learner, a join code and the instructor dashboard')
    .option('--host <host>', 'address to bind (0.0.0.0 for a class on your network)', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 = any free port)', '4567')
    .option('--labs <ids>', 'labs on offer, e.g. 01,02,03,04 (default: all)')
    .option('--state <dir>', 'keep accounts and progress here across restarts', 'iam-labs-workshop')
    .option('--stuck-minutes <n>', 'show a learner as stuck after this long on the same step', '10')
    .option('--workers <n>', 'worker processes holding the accounts (default: one per core)')
    .option('--report-only', 'labs run on each learner\'s own machine; only progress comes here (classes of thousands)')
    .option('--max-learners <n>', 'the most learners who may join (default 1000; 10000 with --report-only)')
    .option('--hub <url>', 'report this server\'s learners to a class dashboard (a report-only server) shared by several servers')
    .option('--hub-code <code>', 'the join code of that class dashboard')
    .option('--server-name <name>', 'how this server is named on the class dashboard (e.g. "Room B")')
    .action(async (opts) => (await import('./commands/workshop.js')).workshopServeCommand(opts));
  workshop
    .command('join')
    .description('join an instructor’s workshop: your own account there, your checks on the dashboard')
    .argument('<url>', 'the address your instructor shows, e.g. http://10.0.0.5:4567')
    .option('--name <name>', 'your name, as the instructor will see it')
    .option('--code <code>', 'the join code your instructor shows')
    .option('--report-only', 'run the labs on this machine and only report progress to the workshop')
    .action(async (url, opts) => (await import('./commands/workshop-join.js')).workshopJoinCommand(url, opts));

  workshop
    .command('public-key')
    .description('the public key a workshop server countersigns completion records with (PEM), for `iam-labs verify --key`')
    .argument('[url]', 'a running server to ask (default: read it from --state)')
    .option('--state <dir>', 'the server\'s state folder', 'iam-labs-workshop')
    .option('--out <file>', 'write it to this file instead of printing it')
    .option('--json', 'machine-readable output')
    .option('--plain', 'plain text (no color)')
    .action(async (url, opts) => exit(await (await import('./commands/workshop-public-key.js')).workshopPublicKeyCommand(url, opts)));

  const dev = program.command('dev').description('tools for course authors');
  dev
    .command('check')
    .description('prove every step starts unsolved, its solution passes and each listed mistake fails')
    .argument('[lab]', 'lab (default: all)')
    .addOption(new Option('--backend <name>', 'private backend to run on').choices(['embedded', 'moto']).default('embedded'))
    .option('--json', 'machine-readable output')
    .option('--plain', 'plain text (no color)')
    .action(async (lab, opts) => exit(await (await import('./commands/dev.js')).devCheckCommand(lab, opts)));
  dev
    .command('new')
    .description('start a new step: its Markdown in labs/<lab>/ and a grader template in src/graders/<lab>/')
    .argument('<lab>', 'lab number, topic or id: 01, users, 01-users')
    .argument('<step>', 'step name (tag-user) or id (users/tag-user)')
    .option('--title <title>', 'the step title (default: made from its name)')
    .action(async (lab, step, opts) => {
      await (await import('./commands/dev-new.js')).devNewCommand(lab, step, opts);
      exit(0);
    });

  return program;
}

/** `iam-labs chek`: the command closest to what was typed (edit distance), or the list. */
function unknownCommand(program: Command, word: string): UsageError {
  const names = program.commands.map((c) => c.name());
  const distance = (a: string, b: string) => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    return d[a.length][b.length];
  };
  const best = names.map((n) => ({ n, d: distance(word.toLowerCase(), n) })).sort((a, b) => a.d - b.d)[0];
  const close = best && best.d <= Math.max(2, Math.floor(best.n.length / 3));
  return new UsageError(`'${word}' is not an iam-labs command.${close ? ` Did you mean \`iam-labs ${best.n}\`?` : ''}`, 2, `The commands: ${names.join(', ')} (iam-labs --help says what each does).`);
}
