// The two most numerous kinds of tree node, with their spans made on first read. A
// workload of a dozen fields has a dozen entries and a dozen scalars, and most of their
// spans are never asked for (only a finding, a fix or a hover reads them): stored as two
// numbers, they cost no object each. At 100,000 workloads that is 2.4 million objects
// fewer to make and to carry through the garbage collector.
//
// They are `YScalar` and `YEntry` to every reader. Both YAML paths (fastYaml.ts,
// yamlTree.ts) make them, so that their trees stay deep-equal: `start` and `end` are own
// fields and compared; the span object is private. A spread (`{ ...n }`) copies the
// numbers, not `span`: copy them with the functions below, or name `span` / `keySpan`.

import type { Span, YEntry, YNode, YScalar } from './types';

export class ScalarNode implements YScalar {
  readonly kind = 'scalar' as const;
  #span: Span | undefined;

  constructor(
    public start: number,
    public end: number,
    public value: string | number | boolean | null,
    public quoted: boolean,
  ) {}

  /** The same object on every read, so that moving it in place (an edit) moves the node. */
  get span(): Span {
    return (this.#span ??= { start: this.start, end: this.end });
  }

  set span(s: Span) {
    this.#span = s;
    this.start = s.start;
    this.end = s.end;
  }

  /** Moves the node by `delta` (its span object too, once made). */
  move(delta: number): void {
    this.start += delta;
    this.end += delta;
    if (this.#span) {
      this.#span.start = this.start;
      this.#span.end = this.end;
    }
  }
}

export class EntryNode implements YEntry {
  #keySpan: Span | undefined;

  constructor(
    public key: string,
    public keyStart: number,
    public keyEnd: number,
    public value: YNode | null,
    /** Where a value would go when there is none: just after the colon. */
    public colonEnd: number,
  ) {}

  get keySpan(): Span {
    return (this.#keySpan ??= { start: this.keyStart, end: this.keyEnd });
  }

  set keySpan(s: Span) {
    this.#keySpan = s;
    this.keyStart = s.start;
    this.keyEnd = s.end;
  }

  /** Moves the key and the colon by `delta` (not the value). */
  move(delta: number): void {
    this.keyStart += delta;
    this.keyEnd += delta;
    this.colonEnd += delta;
    if (this.#keySpan) {
      this.#keySpan.start = this.keyStart;
      this.#keySpan.end = this.keyEnd;
    }
  }
}

/** A copy of an entry with its own key numbers (the value shared). */
export function copyEntry(e: YEntry): YEntry {
  return new EntryNode(e.key, e.keySpan.start, e.keySpan.end, e.value, e.colonEnd);
}

/** Where a node ends, without making a scalar's span object. */
export function endOf(n: YNode): number {
  return n instanceof ScalarNode ? n.end : n.span.end;
}
