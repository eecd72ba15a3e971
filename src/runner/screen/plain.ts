/**
 * The live screen as linear text (--plain, or input or output is no terminal): what a screen
 * reader reads in order. No alternate screen, no cursor movement, no color: each step's state in
 * words with its details directly under it, then the page of the current step, then numbered
 * choices. Gradings print what changed: a step that passes (and its reference solution), a done
 * step that changed since, and the current step's failures when they differ from the last ones
 * printed.
 */
import readline from 'node:readline';
import pc from 'picocolors';
import { conditionLines, outputWidth, PROSE_WIDTH } from '../output.js';
import type { CommandIO } from '../io.js';
import { checklistLines, pageSections, type ContentOptions } from './content.js';
import { markdownLines } from './markdown.js';
import { collapseHints, openingNotes, STATUS, type Note, type ScreenModel } from './model.js';
import { farewell, noteText, resetQuestion, revealQuestion, takeOverNote, type Controls, type LiveUi } from './notes.js';
import type { LiveScreenOptions, StepView } from './types.js';
import { wrapLine } from './wrap.js';

const NO_COLOR: Pick<CommandIO, 'c'> = { c: pc.createColors(false) };

const CHOICES: Array<{ n: string; letter: string; what: string; writes: boolean }> = [
  { n: '1', letter: 'c', what: 'check now', writes: true },
  { n: '2', letter: 'h', what: 'hint', writes: true },
  { n: '3', letter: 'n', what: 'next step', writes: false },
  { n: '4', letter: 'p', what: 'previous step', writes: false },
  { n: '5', letter: 'g', what: 'go to a step', writes: false },
  { n: '6', letter: 's', what: 'solution', writes: true },
  { n: '7', letter: 'r', what: 'reset', writes: true },
  { n: '8', letter: 'l', what: 'list the steps', writes: false },
  { n: '9', letter: 'q', what: 'quit', writes: false },
];

export class PlainScreen implements LiveUi {
  private content: ContentOptions;
  private readonly width: number;
  private rl?: readline.Interface;
  private answer?: (line: string) => void;
  private controls?: Controls;
  /** the failures last printed for a step, so a grading that finds the same says nothing */
  private readonly printed = new Map<string, string>();
  private closed = false;
  /** the step whose page was printed last */
  private shownStep = 0;

  constructor(
    private readonly o: LiveScreenOptions,
    private readonly m: ScreenModel,
  ) {
    this.content = { io: NO_COLOR, course: o.course, readOnly: o.readOnly };
    this.width = outputWidth(o.io);
    // the introduction was printed just before (start prints it): begin with the steps
    if (m.current === 0) m.current = 1;
  }

  private write(text = ''): void {
    this.o.io.out.write(`${text.split('\n').flatMap((l) => wrapLine(l, this.width)).join('\n')}\n`);
  }

  private get choices() {
    return CHOICES.filter((c) => !this.o.readOnly || !c.writes);
  }

  private menu(): void {
    if (this.o.readOnly && this.o.takeOver?.()) {
      this.o.readOnly = false;
      this.content = { ...this.content, readOnly: false };
      this.write(takeOverNote(this.o.lab.number));
    }
    const ro = this.o.readOnly ? ' (read-only: this lab is open in another terminal)' : '';
    this.write(`Choose${ro}: ${this.choices.map((c) => `${c.n} ${c.what}`).join(' · ')}`);
  }

  /** Every step in words, the details of the current and the changed ones directly under them. */
  private steps(): string {
    const list = checklistLines(NO_COLOR, this.m, false);
    const lines = [`Lab ${this.m.lab.number} · ${this.m.lab.title}: ${this.m.doneCount()} of ${this.m.count} steps done.`];
    this.m.view.steps.forEach((s, i) => {
      lines.push(`${list[i]}${this.m.current === i + 1 ? '  (current step)' : ''}`);
      lines.push(...this.details(s, i + 1 === this.m.current, '       '));
    });
    return lines.join('\n');
  }

  private details(s: StepView, current: boolean, indent: string): string[] {
    if (s.status === 'done-changed') return collapseHints(s.conditions).flatMap((c) => conditionLines(NO_COLOR, c, indent, { changed: true }));
    if (s.status === 'failing' && current) return collapseHints(s.conditions).flatMap((c) => conditionLines(NO_COLOR, c, indent));
    return [];
  }

  private failureKey(s: StepView): string {
    return JSON.stringify(s.conditions.filter((c) => c.status !== 'passed').map((c) => [c.name, c.found, c.why]));
  }

  /** The page of a step: title, state, chapter, solution (when it may be read). */
  private page(index: number, withStatus = true): string {
    this.shownStep = index;
    const sections = pageSections(this.content, this.m, index, this.width).filter((s) => withStatus || s.id !== 'status');
    const s = this.m.view.steps[index - 1];
    const title = index === 0 ? `Introduction (step 0 of ${this.m.count})` : `Step ${index} of ${this.m.count}: ${s.title} — ${STATUS[s.status].word}`;
    if (s) this.printed.set(s.id, this.failureKey(s));
    return [title, '', ...sections.flatMap((x, k) => (k ? ['', ...x.lines] : x.lines))].join('\n');
  }

  start(controls: Controls): void {
    this.controls = controls;
    this.write(`${this.steps()}\n`);
    this.write(`${this.page(this.m.current, false)}\n`);
    this.write('Work in another terminal (`iam-labs shell`). This screen prints what changes each time your account changes.');
    for (const n of openingNotes(this.m.view)) this.write(noteText(this.o.course, this.o.lab, n));
    this.menu();
    const rl = (this.rl = readline.createInterface({ input: this.o.io.input, terminal: false }));
    rl.on('line', (line) => {
      if (this.answer) {
        const a = this.answer;
        this.answer = undefined;
        return a(line.trim());
      }
      void this.choose(line.trim().toLowerCase()).catch((e: Error) => {
        this.write(`✘ ${e.message}`);
        this.menu();
      });
    });
    // stdin closed (e.g. started from a script): keep serving the lab until a signal
    rl.on('close', () => {
      if (!this.closed) this.write('Input closed: the lab keeps running until Ctrl-C or `iam-labs stop`.');
    });
  }

  private ask(question: string): Promise<string> {
    this.write(question);
    return new Promise((resolve) => (this.answer = resolve));
  }

  private async choose(choice: string): Promise<void> {
    if (!choice) return;
    const c = this.choices.find((x) => x.n === choice || x.letter === choice);
    if (!c) {
      const all = CHOICES.find((x) => x.n === choice || x.letter === choice);
      this.write(all ? `Not on a read-only screen: ${all.what}.` : `Type one of the numbers: ${this.choices.map((x) => x.n).join(', ')}.`);
      return this.menu();
    }
    const here = this.m.current;
    switch (c.letter) {
      case 'c':
        await this.controls?.check();
        this.m.view.steps.forEach((s) => s.status === 'failing' && this.m.watched.add(s.id));
        this.write(this.steps());
        break;
      case 'h':
        if (here === 0) this.write('The introduction has no hints: choose 3 for step 1.');
        else {
          const s = this.m.view.steps[here - 1];
          const text = await this.o.actions.hint(s.id);
          this.write(this.m.addHint(s.id, text) ? text : `That is the last hint for step ${here}:\n${text}`);
        }
        break;
      case 'n':
      case 'p':
        if (!this.m.goTo(here + (c.letter === 'n' ? 1 : -1))) this.write(c.letter === 'n' ? 'This is the last step.' : 'This is the introduction: there is nothing before it.');
        else this.write(this.page(this.m.current));
        break;
      case 'g': {
        const typed = await this.ask(`Which step? A number from 0 (the introduction) to ${this.m.count}:`);
        const n = Number(typed);
        if (!/^\d+$/.test(typed) || n > this.m.count) this.write(`There is no step ${typed || '(none typed)'}.`);
        else {
          this.m.goTo(n);
          this.write(this.page(n));
        }
        break;
      }
      case 's':
        await this.solution();
        break;
      case 'r':
        await this.reset();
        break;
      case 'l':
        this.write(this.steps());
        break;
      case 'q':
        return this.controls?.quit();
    }
    this.menu();
  }

  private async solution(): Promise<void> {
    const n = this.m.current;
    if (n === 0) return this.write('The introduction has no solution: choose 3 for step 1.');
    const step = this.m.lab.steps[n - 1];
    const known = this.m.solutionFor(n);
    if (known) return this.write(`Reference solution of step ${n}:\n${this.solutionText(known)}`);
    if (!step.solution) return this.write('This step has no reference solution.');
    if (!/^y(es)?$/i.test(await this.ask(`${revealQuestion(this.m, n)} Type y and Enter to show it (anything else: no).`))) return this.write('Nothing changed.');
    const text = await this.o.actions.revealSolution(step.id);
    if (!text) return this.write('This step has no reference solution.');
    this.m.revealed.set(step.id, text);
    this.write(`Reference solution of step ${n}:\n${this.solutionText(text)}`);
  }

  private solutionText(md: string): string {
    return markdownLines(md, Math.min(this.width, PROSE_WIDTH), NO_COLOR.c, this.width).join('\n');
  }

  private async reset(): Promise<void> {
    const n = this.m.current;
    let which: number | undefined;
    if (n > 0) {
      const a = await this.ask(`Reset what? 1 this step (step ${n}) · 2 the whole lab · anything else: nothing.`);
      if (a !== '1' && a !== '2') return this.write('Nothing changed.');
      which = a === '1' ? n : undefined;
    }
    if (!/^y(es)?$/i.test(await this.ask(`${resetQuestion(this.o, this.m, which)} Type y and Enter to reset (anything else: no).`))) return this.write('Nothing changed.');
    const stepId = which ? this.m.view.steps[which - 1].id : undefined;
    await this.o.actions.reset(stepId);
    if (stepId) this.m.watched.delete(stepId);
    else this.m.watched.clear();
    this.write(which ? `Step ${which} is back to its starting state.` : `Lab ${this.m.lab.number} is back to its starting state.`);
    await this.controls?.check();
    this.write(this.steps());
  }

  // ── gradings ───────────────────────────────────────────────────────────────

  busy(): void {}

  failed(error: Error): void {
    this.write(`✘ The check could not run: ${error.message}`);
  }

  graded(notes: Note[]): void {
    const { course, lab } = this.o;
    let said = false;
    for (const n of notes) {
      if (n.kind === 'passed') {
        const solution = this.m.solutionFor(n.step);
        this.write(`✔ ${noteText(course, lab, n)}${solution ? `\nIts reference solution, to compare with yours:\n${this.solutionText(solution)}` : ''}`);
      } else this.write(`${n.kind === 'complete' ? '✔ ' : ''}${noteText(course, lab, n)}`);
      said = true;
    }
    // the model moves on when the current step passes: the learner reads on with the next page
    const moved = this.m.current !== this.shownStep;
    const s = this.m.step;
    if (moved && s) this.write(`\nNow ${this.page(this.m.current)}`);
    else if (s && s.status === 'failing' && this.failureKey(s) !== this.printed.get(s.id)) {
      this.printed.set(s.id, this.failureKey(s));
      this.write([`Step ${this.m.current} of ${this.m.count}, what the check sees now:`, ...this.details(s, true, '  ')].join('\n'));
      said = true;
    }
    if (said || moved) this.menu();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.rl?.close();
    // an open stdin pipe would keep the process alive once the lab is left
    this.o.io.input.pause();
    if (this.o.io.input === process.stdin && !process.stdin.isTTY) process.stdin.destroy();
    this.write(farewell(this.o.course, this.m));
  }
}
