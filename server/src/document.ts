// The open documents' text store. It stands in for vscode-languageserver-textdocument's
// TextDocument, which applies a change as `text.substring(0, s) + change +
// text.substring(e)`: on a 2.8 MB file that copies the whole text on every keystroke
// (V8 builds the string lazily, then copies it on the next read of any character). Here
// the text is a SourceText: a change costs the size of the change, and the document
// hands the parse a text that knows where it changed (see core/sourceText.ts).

import type { TextDocumentsConfiguration } from 'vscode-languageserver';
import type { Position, Range, TextDocument, TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { SourceText } from './core/sourceText';
import { computeLineStarts, lineOf, updateLineStarts } from './core/text';

export class EditorDocument implements TextDocument {
  /** Line starts, built on first use and then updated with each change. */
  private lines: number[] | undefined;

  constructor(
    readonly uri: string,
    readonly languageId: string,
    public version: number,
    /** The current text; a new object for each change. */
    public source: SourceText,
  ) {}

  /** A range reads that range; the whole text is built (once per version) only when asked for. */
  getText(range?: Range): string {
    if (!range) return this.source.text;
    return this.source.slice(this.offsetAt(range.start), this.offsetAt(range.end));
  }

  get lineCount(): number {
    return this.lineStarts().length;
  }

  private lineStarts(): number[] {
    this.lines ??= computeLineStarts(this.source.text);
    return this.lines;
  }

  /** Builds the line table now, so that the first edit does not (tens of milliseconds at 10,000 workloads). */
  prepare(): void {
    this.lineStarts();
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.source.length));
    const starts = this.lineStarts();
    const line = lineOf(starts, o);
    return { line, character: this.beforeEol(o, starts[line]) - starts[line] };
  }

  offsetAt(position: Position): number {
    const starts = this.lineStarts();
    if (position.line >= starts.length) return this.source.length;
    if (position.line < 0) return 0;
    const start = starts[position.line];
    if (position.character <= 0) return start;
    const next = position.line + 1 < starts.length ? starts[position.line + 1] : this.source.length;
    return this.beforeEol(Math.min(start + position.character, next), start);
  }

  /** A position inside a line break means the end of the line. */
  private beforeEol(offset: number, lineStart: number): number {
    while (offset > lineStart) {
      const c = this.source.charCodeAt(offset - 1);
      if (c !== 10 && c !== 13) break;
      offset--;
    }
    return offset;
  }

  update(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if ('range' in change) {
        let { start, end } = change.range;
        if (start.line > end.line || (start.line === end.line && start.character > end.character)) [start, end] = [end, start];
        const from = this.offsetAt(start);
        const to = this.offsetAt(end);
        const next = this.source.edit(from, to, change.text);
        const edit = { start: from, oldEnd: to, newEnd: from + change.text.length };
        // The line table reads the new text around the change only (a CR before it may
        // now start a CRLF: one character either side).
        const lo = Math.max(0, from - 1);
        this.lines = updateLineStarts(this.lineStarts(), next.slice(lo, edit.newEnd + 1), lo, edit);
        this.source = next;
      } else {
        this.source = SourceText.of(change.text);
        this.lines = undefined;
      }
    }
    this.version = version;
  }
}

/** For `new TextDocuments(editorDocuments)`. */
export const editorDocuments: TextDocumentsConfiguration<EditorDocument> = {
  create: (uri, languageId, version, content) => new EditorDocument(uri, languageId, version, SourceText.of(content)),
  update: (document, changes, version) => {
    document.update(changes, version);
    return document;
  },
};
