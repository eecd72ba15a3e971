/**
 * `iam-labs stop`: stop the backend every open lab shares (emulator, moto_server or container) and
 * forget it. Progress is kept, and so are the labs' accounts where the backend keeps them (the
 * embedded emulator's state file): `start` continues each lab where it was left.
 */
import { stopBackend } from '../backend-lifecycle.js';
import { defaultIO, writeln, type CommandIO } from '../io.js';
import { currentLabId } from '../session.js';

export async function stopCommand(opts: { plain?: boolean }, io: CommandIO = defaultIO(opts)): Promise<number> {
  const stopped = await stopBackend(io);
  if (!stopped) {
    writeln(io, 'No lab is running; nothing to stop.');
    return 0;
  }
  const { record, handle } = stopped;
  const again = `iam-labs start ${currentLabId(io.home, io.env)?.slice(0, 2) ?? '01'}`;
  if (record.state === 'starting') {
    writeln(io, `${io.c.green('✔')} stopped the ${record.backend} backend that was still starting (pid ${record.pid ?? '?'}).`);
  } else if (!handle.extras.stopsServer) {
    // Someone else's server (a workshop, an endpoint): leaving must not stop it or change the account.
    const { readWorkshopLink, writeWorkshopLink } = await import('../workshop-link.js');
    const link = readWorkshopLink(io.home);
    let rejoin = '';
    if (link && link.base === record.endpoint) {
      // Left means left: labs started after this run elsewhere (the embedded emulator), and their
      // checks are not the class's business until the learner joins again (same token, same learner).
      writeWorkshopLink(io.home, { ...link, leftAt: new Date().toISOString() });
      rejoin = `\n  Your checks are no longer reported to the class. To come back: iam-labs workshop join ${link.base} --name "${link.name}" --code <code>`;
    }
    writeln(io, `${io.c.green('✔')} left the ${handle.describe()}: it keeps running, and account ${record.accountId} keeps what you did there.${rejoin}`);
  } else if (handle.extras.keepsState) {
    writeln(io, `${io.c.green('✔')} stopped the ${handle.describe()}. Your labs are kept, each in its account: \`${again}\` continues where you left off.`);
  } else {
    writeln(io, `${io.c.green('✔')} stopped the ${handle.describe()}. Finished steps stay recorded; \`${again}\` sets the lab up again where you were.`);
  }
  return 0;
}
