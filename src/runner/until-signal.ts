/** Foreground servers (`emulator`, `workshop serve`) run until Ctrl-C or SIGTERM, then close cleanly. */
export function runUntilSignal(what: string, close: () => Promise<void>, out: NodeJS.WritableStream): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      out.write(`\nStopping the ${what}…\n`);
      void close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
