/**
 * The event loop of a benchmark's server child, seen from inside: how late a 10 ms timer fires
 * (every late tick is a time the server could answer nobody), and the longest stalls with when
 * they began. Each SIGUSR2 prints the figures since the last one as one JSON line on stdout
 * ({"loop": …}) and starts a new window: the parent sends one when its timed run starts and
 * one when it ends.
 */
import { constants, monitorEventLoopDelay, PerformanceObserver, type NodeGCPerformanceDetail } from 'node:perf_hooks';

export interface LoopFigures {
  p50: number;
  p99: number;
  max: number;
  /** stalls of 20 ms or more in the window: ms since the window began, and how long */
  stalls: Array<{ at: number; ms: number }>;
  /** garbage collections in the window: all, the major ones (mark-compact), and the longest pause */
  gc: { count: number; totalMs: number; major: number; majorMs: number; longestMs: number; heapMB: number };
}

const TICK_MS = 10;
const STALL_MS = 20;

export function probeLoop(): void {
  const histogram = monitorEventLoopDelay({ resolution: TICK_MS });
  histogram.enable();
  let start = performance.now();
  let last = start;
  let stalls: LoopFigures['stalls'] = [];
  const timer = setInterval(() => {
    const now = performance.now();
    if (now - last - TICK_MS >= STALL_MS) stalls.push({ at: Math.round(last - start), ms: Math.round(now - last - TICK_MS) });
    last = now;
  }, TICK_MS);
  timer.unref();
  let gc = { count: 0, totalMs: 0, major: 0, majorMs: 0, longestMs: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.count++;
      gc.totalMs += e.duration;
      gc.longestMs = Math.max(gc.longestMs, e.duration);
      if (((e as unknown as { detail?: NodeGCPerformanceDetail }).detail)?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        gc.major++;
        gc.majorMs += e.duration;
      }
    }
  }).observe({ entryTypes: ['gc'] });
  const ms = (ns: number) => Math.round(ns / 1e5) / 10;
  const r1 = (x: number) => Math.round(x * 10) / 10;
  process.on('SIGUSR2', () => {
    const figures: LoopFigures = {
      p50: ms(histogram.percentile(50)),
      p99: ms(histogram.percentile(99)),
      max: ms(histogram.max),
      stalls: [...stalls].sort((a, b) => b.ms - a.ms).slice(0, 20),
      gc: { count: gc.count, totalMs: r1(gc.totalMs), major: gc.major, majorMs: r1(gc.majorMs), longestMs: r1(gc.longestMs), heapMB: Math.round(process.memoryUsage().heapUsed / 2 ** 20) },
    };
    gc = { count: 0, totalMs: 0, major: 0, majorMs: 0, longestMs: 0 };
    process.stdout.write(`${JSON.stringify({ loop: figures })}\n`);
    histogram.reset();
    start = last = performance.now();
    stalls = [];
  });
}
