/**
 * A tiny terminal for unit tests of the full screen: it keeps the rows a program wrote with cursor
 * positioning (CSI row;col H), clears (CSI 2J) and erases (CSI K), drops colors and modes, and
 * reads back the screen as text. Enough for what src/runner/screen/terminal.ts writes; tmux tests
 * check the real thing.
 */
export class ScreenBuffer {
  rows: string[] = [];
  private row = 0;
  private col = 0;
  /** every write, to check how drawing happens (one write per frame, synchronized) */
  readonly writes: string[] = [];

  constructor(
    public cols: number,
    public height: number,
  ) {
    this.clear();
  }

  private clear(): void {
    this.rows = Array.from({ length: this.height }, () => '');
  }

  feed(data: string): void {
    this.writes.push(data);
    let i = 0;
    while (i < data.length) {
      const esc = /^\x1b\[([0-9;?]*)([A-Za-z])/.exec(data.slice(i));
      if (esc) {
        i += esc[0].length;
        const [, params, cmd] = esc;
        if (cmd === 'H') {
          const [r, c] = params ? params.split(';').map(Number) : [1, 1];
          this.row = (r || 1) - 1;
          this.col = (c || 1) - 1;
        } else if (cmd === 'J' && params === '2') this.clear();
        else if (cmd === 'K') this.rows[this.row] = (this.rows[this.row] ?? '').slice(0, this.col);
        continue;
      }
      const ch = String.fromCodePoint(data.codePointAt(i)!);
      i += ch.length;
      if (ch === '\n') {
        this.row++;
        this.col = 0;
        continue;
      }
      if (ch === '\r') {
        this.col = 0;
        continue;
      }
      const line = [...(this.rows[this.row] ?? '').padEnd(this.col, ' ')];
      line[this.col] = ch;
      this.rows[this.row] = line.join('');
      this.col++;
    }
  }

  text(): string {
    return this.rows.map((r) => r.trimEnd()).join('\n');
  }
}
