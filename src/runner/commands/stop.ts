/** `iam-labs stop`: stop the session's backend (emulator, moto_server or container) and end it. */
import { attachBackend } from '../../backends/index.js';
import { defaultIO, writeln, type CommandIO } from '../io.js';
import { readSession, rememberEmbeddedLab, removeSession } from '../session.js';

export async function stopCommand(opts: { plain?: boolean }, io: CommandIO = defaultIO(opts)): Promise<number> {
  const session = readSession(io.home);
  if (!session) {
    writeln(io, 'No lab is running; nothing to stop.');
    return 0;
  }
  const again = `iam-labs start ${session.lab?.slice(0, 2) ?? '01'}`;
  const handle = attachBackend(session, io.env);
  await handle.stop();
  removeSession(io.home);
  if (!handle.extras.stopsServer) {
    // Someone else's server (a workshop, an endpoint): leaving must not stop it or change the account.
    const { readWorkshopLink } = await import('../workshop-link.js');
    const link = readWorkshopLink(io.home);
    const rejoin = link && link.base === session.endpoint ? `\n  To come back: iam-labs workshop join ${link.base} --name "${link.name}" --code <code>` : '';
    writeln(io, `${io.c.green('✔')} left the ${handle.describe()}: it keeps running, and account ${session.accountId} keeps what you did there.${rejoin}`);
  } else if (handle.extras.keepsState) {
    rememberEmbeddedLab(io.home, session.lab);
    writeln(io, `${io.c.green('✔')} stopped the ${handle.describe()}. Your work is kept: \`${again}\` continues where you left off.`);
  } else {
    writeln(io, `${io.c.green('✔')} stopped the ${handle.describe()}. Finished steps stay recorded; \`${again}\` sets the lab up again.`);
  }
  return 0;
}
