/**
 * The full screen: keys move between steps and scroll the page, ask for hints, checks, solutions
 * and resets (asking y/N first); gradings show up by themselves. The reader keeps their place
 * when the page changes above them or re-flows after a resize, and each step remembers where it
 * was read.
 */
import type { LiveScreenOptions } from './types.js';
import { firstProblem, openingNotes, type Note, type ScreenModel } from './model.js';
import { completeText, farewell, noteText, resetQuestion, revealQuestion, takeOverNote, type Controls, type LiveUi } from './notes.js';
import { renderFrame, type Frame, type Starts, type Tone, type UiState } from './render.js';
import { actionOf, scrollDelta, WRITES } from './keys.js';
import { Terminal, type Key } from './terminal.js';
import { asTyped } from '../invocation.js';

interface Anchor {
  /** the reader was at the end of the page: keep them there */
  atEnd?: boolean;
  section: string;
  offset: number;
  length: number;
  cols: number;
}

/** How long a message stays (ms); a question or an error stays until the next key. */
const SHORT = 4000;
const CELEBRATION = 8000;
/** the second digit of a step number (10 and up) must follow the first within this time */
const DIGIT_MS = 1000;
/** a grading shorter than this shows no "checking…" (it would only blink) */
const BUSY_MS = 400;

export class FullScreen implements LiveUi {
  private readonly term: Terminal;
  private readonly ui: UiState = { scroll: 0, help: false, helpScroll: 0, busy: false };
  private frame?: Frame;
  private anchor?: Anchor;
  /** where each step was read, to come back to it */
  private readonly places = new Map<number, Anchor | undefined>();
  private confirm?: () => Promise<void>;
  private digits = '';
  private digitTimer?: NodeJS.Timeout;
  private messageTimer?: NodeJS.Timeout;
  private busyTimer?: NodeJS.Timeout;
  private controls?: Controls;
  private closed = false;
  /** the step the last frame showed (a grading may move on to the next) */
  private shownStep: number;

  constructor(
    private readonly o: LiveScreenOptions,
    private readonly m: ScreenModel,
  ) {
    this.term = new Terminal(o.io.input, o.io.out);
    this.shownStep = m.current;
  }

  start(controls: Controls): void {
    this.controls = controls;
    this.term.start(
      (k) => void this.key(k).catch((e: Error) => this.say(e.message, 'error')),
      () => this.draw(),
    );
    if (this.o.readOnly) this.say('Read-only: this lab is open in another terminal. This screen reads and moves between steps only.', 'warn');
    else if (openingNotes(this.m.view).length) this.say(openingNotes(this.m.view).map((n) => noteText(this.o.course, this.o.lab, n)).join(' '), 'warn', SHORT * 3);
    this.draw();
  }

  // ── drawing ────────────────────────────────────────────────────────────────

  private draw(): void {
    if (this.closed) return;
    if (this.m.current !== this.shownStep) {
      // another step: remember where this one was read, and come back to where the other was
      this.places.set(this.shownStep, this.anchor);
      this.anchor = this.places.get(this.m.current);
      this.ui.scroll = 0;
      this.shownStep = this.m.current;
    }
    const cols = this.term.cols;
    const place = (starts: Starts) => {
      const a = this.anchor;
      const at = a && starts.get(a.section);
      if (a?.atEnd) return Infinity;
      if (!a || !at) return this.ui.scroll;
      // re-flowed (another width): the same fraction of the section
      const offset = a.cols === cols ? a.offset : Math.round((a.offset * at.length) / Math.max(1, a.length));
      return at.start + Math.min(offset, Math.max(0, at.length - 1));
    };
    this.frame = renderFrame({ io: this.o.io, course: this.o.course, readOnly: this.o.readOnly }, this.m, this.ui, cols, this.term.rows, place);
    this.ui.scroll = this.frame.scroll;
    const atEnd = this.frame.scroll > 0 && this.frame.scroll >= this.frame.bodyLength - this.frame.bodyRows;
    this.anchor = atEnd ? { atEnd, section: '', offset: 0, length: 0, cols } : this.anchorAt(this.frame.scroll, this.frame.starts, cols);
    this.term.draw(this.frame.lines);
  }

  private anchorAt(scroll: number, starts: Starts, cols: number): Anchor | undefined {
    if (scroll === 0) return undefined; // at the top: stay at the top, see what appears there
    let best: Anchor | undefined;
    for (const [section, s] of starts) if (s.start <= scroll) best = { section, offset: scroll - s.start, length: s.length, cols };
    return best;
  }

  /** Scroll by lines (negative: up); the place follows. */
  private scrollBy(delta: number): void {
    if (!this.frame) return;
    this.ui.scroll = Math.max(0, this.frame.scroll + delta);
    this.anchor = undefined;
    this.draw();
  }

  private scrollTo(section: string): void {
    const at = this.frame?.starts.get(section);
    this.ui.scroll = at?.start ?? 0;
    this.anchor = undefined;
    this.draw();
    // a section asked for is kept in place when the page changes
    if (at && this.frame) this.anchor = { section, offset: 0, length: at.length, cols: this.term.cols };
  }

  private go(n: number): void {
    if (this.m.goTo(n) && this.ui.message?.tone !== 'ok') this.ui.message = undefined;
    this.draw();
  }

  /** A read-only screen whose lab was left by the other screen takes it over (and says so). */
  private tookOver(): boolean {
    if (!this.o.takeOver?.()) return false;
    this.o.readOnly = false;
    this.say(takeOverNote(this.o.lab.number), 'ok', SHORT * 2);
    return true;
  }

  private say(text: string, tone: Tone, ms?: number): void {
    clearTimeout(this.messageTimer);
    this.ui.message = { text, tone };
    if (ms) {
      const shown = this.ui.message;
      this.messageTimer = setTimeout(() => {
        if (this.ui.message !== shown) return;
        this.ui.message = undefined;
        this.draw();
      }, ms);
      this.messageTimer.unref?.();
    }
    this.draw();
  }

  // ── gradings ───────────────────────────────────────────────────────────────

  /** "checking…" in the header, for a grading that takes long enough to be noticed. */
  busy(busy: boolean): void {
    clearTimeout(this.busyTimer);
    if (!busy) {
      if (this.ui.busy) {
        this.ui.busy = false;
        this.draw();
      }
      return;
    }
    this.busyTimer = setTimeout(() => {
      this.ui.busy = true;
      this.draw();
    }, BUSY_MS);
    this.busyTimer.unref?.();
  }

  failed(error: Error): void {
    this.say(`The check could not run: ${error.message}`, 'error');
  }

  graded(notes: Note[]): void {
    const { course, lab } = this.o;
    const passed = notes.filter((n) => n.kind === 'passed');
    if (notes.some((n) => n.kind === 'complete')) {
      this.say(`✔ ${completeText(course, lab)}`, 'ok');
      return;
    }
    if (passed.length) {
      const text = passed.map((n) => `✔ ${noteText(course, lab, n)}`).join(' ');
      // the screen moved on from the step that passed: say where its solution is
      const left = passed.find((n) => n.kind === 'passed' && n.step === this.shownStep && n.step !== this.m.current);
      const back = left?.kind === 'passed' ? ` Its reference solution is on its page (← or ${left.step}).` : '';
      this.say(`${text}${back}`, 'ok', CELEBRATION);
      return;
    }
    const changed = notes.filter((n) => n.kind === 'changed');
    if (changed.length > 1) {
      const which = changed.map((n) => (n.kind === 'changed' ? n.step : 0));
      const list = `${which.slice(0, -1).join(', ')} and ${which[which.length - 1]}`;
      return this.say(`Steps ${list} changed since they passed; they stay done. Their pages say what the check sees now.`, 'warn', SHORT * 2);
    }
    const other = changed.length ? changed[0] : notes.find((n) => n.kind !== 'passed' && n.kind !== 'complete');
    if (other) return this.say(noteText(course, lab, other), other.kind === 'again' || other.kind === 'reports-again' ? 'ok' : 'warn', SHORT * 2);
    // new failures of the shown step, while its top is scrolled away
    const s = this.m.step;
    const status = this.frame?.starts.get('status');
    if (s && this.m.showsFailures(s) && status && this.ui.scroll > status.start + status.length - 1) {
      // (it stays until something else is said: the page's top says the same)
      return this.say(`✘ Not yet: ${firstProblem(s.conditions)} (Home shows what the check sees).`, 'info');
    }
    this.draw();
  }

  // ── keys ───────────────────────────────────────────────────────────────────

  private async key(k: Key): Promise<void> {
    const action = actionOf(k);
    if (action === 'interrupt') return this.controls?.quit();
    if (action === 'redraw') {
      this.term.invalidate();
      return this.draw();
    }
    const page = Math.max(1, (this.frame?.bodyRows ?? 10) - 1);
    const delta = scrollDelta(k, page);
    if (this.ui.help) {
      // the help scrolls; any other key closes it
      if (delta !== undefined) this.ui.helpScroll = Math.max(0, Math.min(this.ui.helpScroll + delta, (this.frame?.bodyLength ?? 0) - (this.frame?.bodyRows ?? 0)));
      else this.ui.help = false;
      return this.draw();
    }
    if (this.ui.question !== undefined) return this.answer(k);
    if (this.ui.prompt !== undefined) return this.typeStep(k);
    if (delta !== undefined) return this.scrollBy(delta);
    if (/^[0-9]$/.test(k.sequence)) return this.digit(k.sequence);
    if (!action) return;
    if (WRITES.has(action) && this.o.readOnly && !this.tookOver()) {
      return this.say('This screen is read-only (the lab is open in another terminal): it moves between steps and scrolls, nothing else.', 'warn', SHORT);
    }
    const n = this.m.current;
    switch (action) {
      case 'prev':
        return this.go(n - 1);
      case 'next':
        return this.go(n + 1);
      case 'quit':
        return this.controls?.quit();
      case 'dismiss':
        this.ui.message = undefined;
        return this.draw();
      case 'help':
        this.ui.help = true;
        this.ui.helpScroll = 0;
        return this.draw();
      case 'goto':
        this.ui.prompt = '';
        return this.draw();
      case 'check':
        return this.check();
      case 'reset-lab':
        return this.ask(resetQuestion(this.o, this.m, undefined), () => this.reset(undefined));
      case 'reset':
        return this.ask(resetQuestion(this.o, this.m, n || undefined), () => this.reset(n || undefined));
      case 'hint':
      case 'solution':
        if (n === 0) return this.say('The introduction has no hint or solution: → goes to step 1.', 'info', SHORT);
        return action === 'hint' ? this.hint() : this.solution();
    }
  }

  private digit(d: string): void {
    clearTimeout(this.digitTimer);
    const two = this.digits ? Number(this.digits + d) : NaN;
    if (two <= this.m.count) {
      this.digits = '';
      return this.go(two);
    }
    const n = Number(d);
    if (n > this.m.count) {
      this.digits = '';
      return this.say(`There is no step ${n}: this lab has ${this.m.count} steps (0 is the introduction).`, 'warn', SHORT);
    }
    this.go(n);
    // a lab with 10 steps or more: this digit may be the first of two
    if (this.m.count >= 10 && n * 10 <= this.m.count) {
      this.digits = d;
      this.digitTimer = setTimeout(() => (this.digits = ''), DIGIT_MS);
      this.digitTimer.unref?.();
    } else this.digits = '';
  }

  private typeStep(k: Key): void {
    if (k.name === 'escape') this.ui.prompt = undefined;
    else if (k.name === 'return' || k.name === 'enter') {
      const typed = this.ui.prompt ?? '';
      this.ui.prompt = undefined;
      const n = Number(typed);
      if (!typed || n > this.m.count) return this.say(`Type a step number from 0 to ${this.m.count}.`, 'warn', SHORT);
      return this.go(n);
    } else if (k.name === 'backspace') this.ui.prompt = (this.ui.prompt ?? '').slice(0, -1);
    else if (/^[0-9]$/.test(k.sequence) && (this.ui.prompt ?? '').length < 3) this.ui.prompt += k.sequence;
    this.draw();
  }

  private ask(question: string, then: () => Promise<void>): void {
    this.ui.question = question;
    this.confirm = then;
    this.draw();
  }

  private async answer(k: Key): Promise<void> {
    const then = this.confirm;
    this.ui.question = undefined;
    this.confirm = undefined;
    if (k.sequence === 'y' || k.sequence === 'Y') await then?.();
    else this.say('Nothing changed.', 'info', SHORT);
  }

  // ── actions ────────────────────────────────────────────────────────────────

  private async check(): Promise<void> {
    await this.controls?.check();
    // a failure already said why; otherwise the page shows what the check sees
    if (this.ui.message?.tone !== 'error') {
      const s = this.m.step;
      if (s && s.status === 'failing') this.m.watched.add(s.id);
      if (!this.ui.message || this.ui.message.tone === 'info') this.say('Checked just now.', 'info', SHORT);
      else this.draw();
    }
  }

  private async hint(): Promise<void> {
    const s = this.m.step!;
    const text = await this.o.actions.hint(s.id);
    const fresh = this.m.addHint(s.id, text);
    this.draw();
    this.scrollTo('hints');
    this.say(fresh ? 'A hint, above the chapter (h again for a stronger one).' : 'That is the last hint for this step: it is shown above.', 'info', SHORT);
  }

  private async solution(): Promise<void> {
    const n = this.m.current;
    const step = this.m.lab.steps[n - 1];
    if (!step.solution && !this.m.revealed.has(step.id)) return this.say('This step has no reference solution.', 'info', SHORT);
    if (this.m.solutionFor(n)) return this.scrollTo('solution');
    this.ask(revealQuestion(this.m, n), async () => {
      const text = await this.o.actions.revealSolution(step.id);
      if (!text) return this.say('This step has no reference solution.', 'info', SHORT);
      this.m.revealed.set(step.id, text);
      this.draw();
      this.scrollTo('solution');
    });
  }

  private async reset(stepIndex: number | undefined): Promise<void> {
    const stepId = stepIndex ? this.m.view.steps[stepIndex - 1].id : undefined;
    this.say(stepIndex ? `Resetting step ${stepIndex}…` : `Resetting lab ${this.m.lab.number}…`, 'info');
    await this.o.actions.reset(stepId);
    if (stepId) this.m.watched.delete(stepId);
    else this.m.watched.clear();
    await this.controls?.check();
    if (!stepIndex) this.go(0);
    this.say(stepIndex ? `Step ${stepIndex} is back to its starting state.` : `Lab ${this.m.lab.number} is back to its starting state.`, 'ok', SHORT);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.messageTimer);
    clearTimeout(this.digitTimer);
    clearTimeout(this.busyTimer);
    this.term.stop();
    this.o.io.out.write(`${asTyped(farewell(this.o.course, this.m), this.o.io.env)}\n`);
  }
}
