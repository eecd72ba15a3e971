/**
 * The terminal under the full screen: the alternate screen (left as it was found on exit, also
 * on Ctrl-C), single keys in raw mode, the size and its changes (SIGWINCH), and frames drawn
 * without flicker: only the lines that changed, in one write, inside a synchronized update
 * (terminals that know ?2026 show the frame at once; the others ignore it).
 */
import readline from 'node:readline';
import { visibleWidth } from './wrap.js';

export interface Key {
  /** readline's name: 'up', 'pagedown', 'q', '1'… (undefined for punctuation) */
  name?: string;
  /** what was typed ('?', ':', 'G') */
  sequence: string;
  ctrl: boolean;
  shift: boolean;
}

const ENTER = '\x1b[?1049h\x1b[?25l\x1b[?7l\x1b[?1007h';
// alternate scroll (?1007) turns the mouse wheel into arrow keys on the alternate screen, without
// taking the mouse: the learner can still select and copy the chapter's commands
const LEAVE = '\x1b[?1007l\x1b[?7h\x1b[?25h\x1b[?1049l';
const SYNC_START = '\x1b[?2026h';
const SYNC_END = '\x1b[?2026l';

export class Terminal {
  private shown: string[] = [];
  private shownSize = '';
  private active = false;
  private readonly cleanups: Array<() => void> = [];

  constructor(
    private readonly input: NodeJS.ReadableStream,
    private readonly out: NodeJS.WritableStream,
  ) {}

  get cols(): number {
    return Math.max(20, (this.out as NodeJS.WriteStream).columns || 80);
  }

  get rows(): number {
    return Math.max(8, (this.out as NodeJS.WriteStream).rows || 24);
  }

  /** Take the terminal: alternate screen, no cursor, keys one by one, told of resizes. */
  start(onKey: (k: Key) => void, onResize: () => void): void {
    this.active = true;
    this.out.write(ENTER);
    // whatever ends the process (an error included) gives the terminal back as it was
    const onExit = () => this.stop();
    process.once('exit', onExit);
    this.cleanups.push(() => process.off('exit', onExit));
    const input = this.input as NodeJS.ReadStream;
    readline.emitKeypressEvents(input);
    input.setRawMode?.(true);
    input.resume();
    const keypress = (s: string | undefined, k: { name?: string; ctrl?: boolean; shift?: boolean; sequence?: string } | undefined) =>
      onKey({ name: k?.name, sequence: k?.sequence ?? s ?? '', ctrl: !!k?.ctrl, shift: !!k?.shift });
    input.on('keypress', keypress);
    const resize = () => {
      this.shown = []; // everything moves: draw it all again
      onResize();
    };
    (this.out as NodeJS.WriteStream).on?.('resize', resize);
    this.cleanups.push(() => {
      input.off('keypress', keypress);
      (this.out as NodeJS.WriteStream).off?.('resize', resize);
      input.setRawMode?.(false);
      input.pause();
    });
  }

  /** Draw a frame (exactly `rows` lines): only lines that differ from the last frame are written. */
  draw(lines: string[]): void {
    if (!this.active) return;
    const size = `${this.cols}x${this.rows}`;
    let ops = '';
    if (size !== this.shownSize) {
      ops += '\x1b[H\x1b[2J';
      this.shown = [];
      this.shownSize = size;
    }
    lines.forEach((line, i) => {
      if (this.shown[i] === line) return;
      // a line that fills the row needs no erase (and erasing there would take its last character)
      ops += `\x1b[${i + 1};1H\x1b[0m${line}\x1b[0m${visibleWidth(line) < this.cols ? '\x1b[K' : ''}`;
    });
    this.shown = lines.slice();
    if (ops) this.out.write(SYNC_START + ops + SYNC_END);
  }

  /** Forget what is on screen (Ctrl-L): the next frame is drawn in full. */
  invalidate(): void {
    this.shownSize = '';
  }

  /** Give the terminal back as it was. Safe to call twice. */
  stop(): void {
    if (!this.active) return;
    this.active = false;
    for (const c of this.cleanups.splice(0)) c();
    this.out.write(LEAVE);
  }
}
