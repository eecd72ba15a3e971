/**
 * Commander declarations only. Each action lazy-imports its command module so `--help` stays fast.
 */
import { Command, Option } from 'commander';

export function buildProgram(): Command {
  const program = new Command('iam-labs')
    .description('Learn AWS IAM by doing: labs graded against an emulated AWS account.')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(run iam-labs --help for usage)');

  program
    .command('emulator')
    .description('run the embedded AWS emulator (IAM, STS, S3) in the foreground')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 = any free port)', '4566')
    .option('--state <file>', 'keep the emulated accounts in this file across restarts')
    .option('--account <id>', 'default 12-digit account id', '000000000000')
    .addOption(new Option('--no-enforce', 'do not enforce IAM policies (LocalStack-like)'))
    .option('--quiet', 'do not log denials')
    .action(async (opts) => (await import('./commands/emulator.js')).emulatorCommand(opts));

  return program;
}
