// Where each host and workload of a layout is declared (`Layout.hostRefs`,
// `Layout.workloadRefs`): three numbers per item, flat — the index of its file in
// `Layout.files` (-1: none, the item has no name), then the start and end offset of its
// name. Kept apart from the items because an edit moves the offsets of everything after
// it: then only these numbers change. Everything that reads or writes them goes through
// here; nothing else knows the layout of the three numbers.

/** A declaration's place inside a layout: the file is an index into `Layout.files`. */
export interface LayoutRef {
  file: number;
  start: number;
  end: number;
}

/** Numbers per item. */
const WIDTH = 3;

/** How many items `refs` has refs for. */
export function refCount(refs: readonly number[]): number {
  return refs.length / WIDTH;
}

/** Item `i`'s ref, if it has one. */
export function refAt(refs: readonly number[], i: number): LayoutRef | undefined {
  const file = refs[WIDTH * i];
  return typeof file === 'number' && file >= 0 ? { file, start: refs[WIDTH * i + 1], end: refs[WIDTH * i + 2] } : undefined;
}

/** Item `i`'s file index (-1: no ref). */
export function refFile(refs: readonly number[], i: number): number {
  return refs[WIDTH * i];
}

/** Item `i`'s name start, and end. */
export function refStart(refs: readonly number[], i: number): number {
  return refs[WIDTH * i + 1];
}

export function refEnd(refs: readonly number[], i: number): number {
  return refs[WIDTH * i + 2];
}

/** Appends a ref (file -1: none). */
export function pushRef(refs: number[], file: number, start: number, end: number): void {
  if (file < 0) refs.push(-1, 0, 0);
  else refs.push(file, start, end);
}

/** Sets item `i`'s ref (undefined or a file of -1: none). */
export function setRef(refs: number[], i: number, ref: LayoutRef | undefined | null): void {
  const ok = ref && ref.file >= 0;
  refs[WIDTH * i] = ok ? ref.file : -1;
  refs[WIDTH * i + 1] = ok ? ref.start : 0;
  refs[WIDTH * i + 2] = ok ? ref.end : 0;
}

/** Moves item `i`'s name by `delta` (an item without a ref stays without). Returns false when it had none. */
export function shiftRef(refs: number[], i: number, delta: number): boolean {
  if (refs[WIDTH * i] < 0) return false;
  refs[WIDTH * i + 1] += delta;
  refs[WIDTH * i + 2] += delta;
  return true;
}

/** The refs of the first `count` items, items beyond `refs`' own getting none. */
export function resizeRefs(refs: readonly number[], count: number): number[] {
  const out = refs.slice(0, WIDTH * count);
  while (out.length < WIDTH * count) out.push(-1, 0, 0);
  return out;
}

// Moves of refs come as runs, also three numbers each, flat: the first item, how many
// items, and by how much their offsets moved (`DeclMoves`, `LayoutRefMoves.shifts`).

/** Appends a run. */
export function pushRun(runs: number[], first: number, count: number, delta: number): void {
  runs.push(first, count, delta);
}

/** Calls `fn` for each run, in order. */
export function forEachRun(runs: readonly number[], fn: (first: number, count: number, delta: number) => void): void {
  for (let k = 0; k < runs.length; k += 3) fn(runs[k], runs[k + 1], runs[k + 2]);
}

/** Whether `runs` is a whole number of runs. */
export function wholeRuns(runs: readonly number[]): boolean {
  return runs.length % 3 === 0;
}
