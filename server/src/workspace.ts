// The document store: open documents (with a PieceCache each, so an edit re-parses
// only the pieces it touched) and descriptor files on disk in the workspace folders.
// It keeps one ParsedFile per file and re-runs `analyze` over all of them when
// something changed: on demand (a request flushes synchronously, so answers are
// never stale) or after a short debounce (for pushed diagnostics and refreshes).
// A newer change restarts the debounce, so a superseded analysis is never run.

import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { type Analysis, AnalysisSession, fileOf } from './core/analyze';
import { isComposeFileName, looksLikeManifestFile, parseManifestFile, type SiblingReader } from './core/manifests/read';
import { type Config, defaultConfig } from './core/config';
import { PieceCache, parseFile, tooLargeFile } from './core/parse';
import { SourceText } from './core/sourceText';
import type { Diagnostic, ParsedFile } from './core/types';
import { ignoreMatcher } from './core/configFile';
import { fileLocalDiagnostics } from './core/local';
import { MAX_DESCRIPTOR_BYTES, readRegularFile, readRegularFileSync } from './files';
import { DESCRIPTOR_RE, inScanScope, isManifestCandidate, scanFolderAsync, YAML_RE } from './scan';

export { DESCRIPTOR_RE, YAML_RE };
/** Debounce between a change and the background analysis. */
export const ANALYSIS_DELAY_MS = 40;

export interface FileState {
  uri: string;
  /** The text; an open document's is the editor's, which knows what each edit changed. */
  source: SourceText;
  /** The whole text (built on first read after an edit: see SourceText). */
  readonly text: string;
  /** The editor's version while open; null for a file known only from disk. */
  version: number | null;
  open: boolean;
  onDisk: boolean;
  /** Only open documents keep one: disk files change rarely and whole. */
  cache?: PieceCache;
  /** Undefined until parsed (and after every change). */
  parsed?: ParsedFile;
  ignored: boolean;
  /** Bumped whenever this file's diagnostics or their positions change. */
  diagStamp: number;
  /** True when the text changed since the last analysis. */
  textChanged: boolean;
  lastDiagnostics: readonly Diagnostic[];
  /** Set for a disk file refused unread (its size in bytes): parsed as that refusal. */
  tooLarge?: number;
  /** A Kubernetes manifest or a Compose file (read whole on every change), not a descriptor. */
  manifest?: boolean;
  /** A Compose file by its language id (`dockercompose`) rather than its name. */
  compose?: boolean;
}

export interface AnalysisEvent {
  analysis: Analysis;
  generation: number;
  /** Files whose diagnostics (or positions) changed. */
  changed: Set<string>;
  /** Files whose text changed since the previous analysis. */
  textChanged: Set<string>;
  /** Files that left the workspace (deleted, closed and gone, now ignored). */
  removed: Set<string>;
}

export interface Timings {
  parseMs: number;
  analyzeMs: number;
  parsedFiles: number;
}

export class Workspace {
  private files = new Map<string, FileState>();
  private folders: string[] = [];
  private config: Config = defaultConfig();
  private ignored: (relPath: string) => boolean = () => false;
  /** Owns the analyses: each flush replaces (consumes) the latest. */
  private readonly session = new AnalysisSession();
  private dirty = true;
  private timer: NodeJS.Timeout | undefined;
  private removed = new Set<string>();
  private listeners: ((e: AnalysisEvent) => void)[] = [];
  private scanId = 0;
  /** Compose files known (so that a change next to one re-reads it). */
  private composeFiles = new Set<string>();
  /** What Compose files read from disk next to them (undefined: missing), until a watched file changes. */
  private siblingTexts = new Map<string, string | undefined>();
  generation = 0;
  lastTimings: Timings = { parseMs: 0, analyzeMs: 0, parsedFiles: 0 };
  private resolveReady!: () => void;
  /** Resolves once the first configuration and disk scan are in. */
  readonly ready: Promise<void> = new Promise((r) => (this.resolveReady = r));
  private isReady = false;
  /** Set by the first analysis after the scan: until then diagnostics are file-local ones. */
  private analysed = false;
  private resolveLongScan!: (long: boolean) => void;
  /**
   * Whether the first scan has more files to read than one batch: only then are file-local
   * diagnostics answered before it ends (a small workspace is analysed before anyone
   * would see them). Settles when the scan has listed the files, or when it is in.
   */
  readonly longScan: Promise<boolean> = new Promise((r) => (this.resolveLongScan = r));
  private resolveConfigured!: () => void;
  /** Resolves once the first configuration is in (before the scan). */
  readonly configured: Promise<void> = new Promise((r) => (this.resolveConfigured = r));
  /** File-local diagnostics answered before the first analysis, per parse (an unchanged file is not analysed twice). */
  private early = new WeakMap<ParsedFile, Diagnostic[]>();

  constructor(private readonly log: (message: string) => void = () => {}) {}

  markReady(): void {
    this.isReady = true;
    this.resolveLongScan(false);
    this.resolveReady();
  }

  markConfigured(): void {
    this.resolveConfigured();
  }

  /** True until the first analysis after the first scan: diagnostics then are file-local ones (see `earlyDiagnostics`). */
  get scanning(): boolean {
    return !this.analysed;
  }

  /**
   * While the first scan reads the workspace: an open descriptor's file-local diagnostics
   * (syntax, schema, per-workload advice: core/local.ts), from its parse, which the
   * analysis after the scan then reuses. Undefined once the scan is in, or for a file
   * that is not an open descriptor.
   */
  earlyDiagnostics(uri: string): { file: FileState; parsed: ParsedFile; diagnostics: Diagnostic[] } | undefined {
    const f = this.files.get(uri);
    if (this.analysed || !f?.open || f.ignored || f.manifest) return undefined;
    f.parsed ??= parseFile(f.uri, f.source, f.cache);
    let diagnostics = this.early.get(f.parsed);
    if (!diagnostics) this.early.set(f.parsed, (diagnostics = fileLocalDiagnostics(f.parsed, this.config)));
    return { file: f, parsed: f.parsed, diagnostics };
  }

  onDidAnalyze(listener: (e: AnalysisEvent) => void): void {
    this.listeners.push(listener);
  }

  getConfig(): Config {
    return this.config;
  }

  /** Folder URIs; descriptor files below them are scanned. */
  setFolders(folderUris: string[]): void {
    this.folders = [...new Set(folderUris)];
  }

  getFolders(): readonly string[] {
    return this.folders;
  }

  setConfig(config: Config): void {
    this.config = config;
    this.ignored = ignoreMatcher(config.ignore);
    for (const f of this.files.values()) {
      const ignored = this.isIgnored(f.uri);
      if (ignored !== f.ignored) {
        f.ignored = ignored;
        if (ignored) this.removed.add(f.uri);
      }
    }
    this.invalidate();
  }

  isDescriptor(uri: string, languageId?: string): boolean {
    return languageId === 'workload-descriptor' || DESCRIPTOR_RE.test(uri.split(/[?#]/)[0]);
  }

  /** A YAML document that is not a descriptor: a manifest when its text names a workload kind. */
  isManifestCandidate(uri: string, languageId?: string): boolean {
    return !this.isDescriptor(uri, languageId) && (languageId === 'yaml' || languageId === 'dockercompose' || isManifestCandidate(uri.split(/[?#]/)[0]));
  }

  /**
   * What a Compose file reads besides itself (`.env`, the override, `extends` files): an
   * open document's text, else the file on disk (regular, within the size limit).
   */
  private siblings(uri: string, compose?: boolean): SiblingReader | undefined {
    if (!compose && !isComposeFileName(uri)) return undefined;
    const file = fsPath(uri);
    if (!file) return undefined;
    const dir = path.dirname(file);
    return (rel) => {
      const abs = path.resolve(dir, rel);
      const open = this.files.get(URI.file(abs).toString());
      if (open?.open) return open.text;
      // Disk reads are kept until a watched file changes: an edit reads no file.
      if (this.siblingTexts.has(abs)) return this.siblingTexts.get(abs);
      const r = readRegularFileSync(abs, MAX_DESCRIPTOR_BYTES);
      const text = r.ok ? r.bytes.toString('utf8').replace(/^\uFEFF/, '') : undefined;
      this.siblingTexts.set(abs, text);
      return text;
    };
  }

  /**
   * A file changed next to Compose files: they read it (`.env`, an override, an `extends`
   * file), so they are parsed again. Only the same folder counts: `extends: {file: ../x}`
   * is re-read with the Compose file's next change.
   */
  private siblingChanged(uri: string): void {
    const dir = uri.slice(0, uri.lastIndexOf('/') + 1);
    for (const other of this.composeFiles) {
      if (other === uri || other.slice(0, other.lastIndexOf('/') + 1) !== dir) continue;
      const f = this.files.get(other);
      if (!f) {
        this.composeFiles.delete(other);
        continue;
      }
      f.parsed = undefined;
      f.textChanged = true;
    }
  }

  /**
   * An open YAML document that is not a descriptor: tracked while its text looks like a
   * manifest (read whole: a manifest is parsed whole on each edit), forgotten otherwise.
   */
  setOpenManifest(uri: string, text: SourceText, version: number, languageId?: string): void {
    // The editor's `dockercompose` language makes any name a Compose file.
    const compose = languageId === 'dockercompose' || undefined;
    if (looksLikeManifestFile(uri, text.text, compose)) {
      this.setOpenText(uri, text, version);
      const f = this.files.get(uri)!;
      f.manifest = true;
      f.compose = compose;
      f.cache = undefined;
      return;
    }
    const f = this.files.get(uri);
    if (!f) return;
    this.files.delete(uri);
    this.removed.add(uri);
    this.invalidate();
  }

  /** True when a workspace-relative path of the file matches an `ignore` pattern. */
  isIgnored(uri: string): boolean {
    if (!this.config.ignore.length) return false;
    const file = fsPath(uri);
    return file ? this.isIgnoredPath(file) : false;
  }

  private isIgnoredPath(file: string): boolean {
    if (!this.config.ignore.length) return false;
    for (const folder of this.folders) {
      const root = fsPath(folder);
      if (!root) continue;
      const rel = path.relative(root, file);
      if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
      if (this.ignored(rel.split(path.sep).join('/'))) return true;
    }
    return false;
  }

  // Open documents.

  setOpenText(uri: string, text: string | SourceText, version: number): void {
    const source = typeof text === 'string' ? SourceText.of(text) : text;
    let f = this.files.get(uri);
    if (!f) {
      f = this.newState(uri, source);
      this.files.set(uri, f);
    } else if (!f.open) {
      f.cache = new PieceCache();
      // The disk parse has no cache behind it: parse again to warm this one.
      f.parsed = undefined;
    }
    f.open = true;
    f.version = version;
    if (!f.manifest) f.cache ??= new PieceCache();
    // An edit of the text we have is a change (no need to compare the whole texts); any
    // other text is compared, as when a file on disk is opened.
    if (!f.parsed || (f.source !== source && (source.changeSince(f.source) !== undefined || f.source.text !== source.text))) {
      f.parsed = undefined;
      f.textChanged = true;
    }
    f.source = source;
    f.tooLarge = undefined;
    this.removed.delete(uri);
    if (this.composeFiles.size) this.siblingChanged(uri);
    this.invalidate();
  }

  /** The editor closed the document: fall back to the disk copy, if any. */
  async close(uri: string): Promise<void> {
    const f = this.files.get(uri);
    if (!f) return;
    f.open = false;
    f.version = null;
    f.cache = undefined;
    let disk = await readText(uri);
    if (f.open) return; // Reopened meanwhile.
    this.siblingTexts.clear();
    if (this.composeFiles.size) this.siblingChanged(uri);
    if (f.manifest && (disk?.text === undefined || !looksLikeManifestFile(uri, disk.text, f.compose))) disk = undefined;
    if (disk === undefined) {
      this.files.delete(uri);
      this.removed.add(uri);
    } else {
      f.onDisk = true;
      takeDisk(f, disk);
    }
    this.invalidate();
  }

  // Files on disk.

  /** Lists (with the scanner the CLI uses: server/src/scan.ts) and reads every descriptor below the workspace folders. */
  async scan(onProgress?: (read: number, total: number) => void): Promise<number> {
    const id = ++this.scanId;
    this.siblingTexts.clear();
    const found = new Set<string>();
    const candidates = new Set<string>();
    for (const folder of this.folders) {
      const root = fsPath(folder);
      if (!root) continue;
      const r = await scanFolderAsync(root, (abs) => this.isIgnoredPath(abs), () => id !== this.scanId);
      if (!r) return found.size;
      for (const f of r.files) found.add(URI.file(f).toString());
      for (const f of r.manifests) candidates.add(URI.file(f).toString());
      for (const p of r.problems) this.log(`Scanning ${root}: ${p}`);
    }
    if (id !== this.scanId) return found.size;
    const uris = [...found];
    const BATCH = 16;
    this.resolveLongScan(uris.length > BATCH);
    for (let i = 0; i < uris.length; i += BATCH) {
      onProgress?.(i, uris.length);
      await Promise.all(uris.slice(i, i + BATCH).map((u) => this.readDisk(u)));
    }
    // Other YAML counts only when its text names a workload kind.
    const maybe = [...candidates];
    for (let i = 0; i < maybe.length; i += BATCH) {
      await Promise.all(maybe.slice(i, i + BATCH).map((u) => this.readDisk(u, true)));
    }
    for (const u of maybe) if (this.files.has(u)) found.add(u);
    // Files that vanished while we were not watching.
    for (const f of [...this.files.values()]) {
      if (f.onDisk && !f.open && !found.has(f.uri) && !this.isIgnored(f.uri)) {
        this.files.delete(f.uri);
        this.removed.add(f.uri);
      }
    }
    this.invalidate();
    return found.size;
  }

  /** A watched file was created, changed or deleted on disk. */
  async diskChanged(uri: string, deleted: boolean): Promise<void> {
    this.siblingTexts.clear();
    if (this.composeFiles.size) this.siblingChanged(uri);
    // A `.env` file is read by the Compose files next to it, never on its own.
    if (uri.endsWith('/.env')) {
      this.invalidate();
      return;
    }
    if (!YAML_RE.test(uri)) return;
    const f = this.files.get(uri);
    if (deleted) {
      if (!f) return;
      f.onDisk = false;
      if (!f.open) {
        this.files.delete(uri);
        this.removed.add(uri);
      }
      this.invalidate();
      return;
    }
    if (f?.open) {
      f.onDisk = true;
      return; // The editor's copy wins while open.
    }
    if (this.isIgnored(uri)) return;
    // What the scan would skip (a link leaving the folder, a FIFO, node_modules) stays out.
    const file = fsPath(uri);
    const roots = this.folders.map(fsPath).filter((r): r is string => r !== undefined);
    const scope = file ? inScanScope(file, roots) : false;
    if (!scope) {
      if (f && !f.open) {
        this.files.delete(uri);
        this.removed.add(uri);
        this.invalidate();
      }
      return;
    }
    // A link to a file: whether it counts, and under which path, is the scan's to say.
    if (scope === 'linked' && !f) {
      await this.scan();
      return;
    }
    await this.readDisk(uri, isManifestCandidate(uri));
    this.invalidate();
  }

  /** Reads a file from disk; a manifest candidate is kept only when its text looks like a manifest. */
  private async readDisk(uri: string, candidate = false): Promise<void> {
    let disk = await readText(uri);
    const f = this.files.get(uri);
    if (f?.open) return;
    // A candidate over the size limit, or not a manifest, is not ours: no diagnostics.
    if (candidate && (disk?.text === undefined || !looksLikeManifestFile(uri, disk.text))) disk = undefined;
    if (disk === undefined) {
      if (f) {
        this.files.delete(uri);
        this.removed.add(uri);
      }
      return;
    }
    if (f) {
      f.onDisk = true;
      f.manifest = candidate;
      takeDisk(f, disk);
      return;
    }
    const s = this.newState(uri, SourceText.of(disk.text ?? ''));
    s.tooLarge = disk.tooLarge;
    s.onDisk = true;
    s.manifest = candidate;
    this.files.set(uri, s);
    this.removed.delete(uri);
  }

  private newState(uri: string, source: SourceText): FileState {
    return {
      uri,
      source,
      get text() {
        return this.source.text;
      },
      version: null,
      open: false,
      onDisk: false,
      ignored: this.isIgnored(uri),
      diagStamp: 0,
      textChanged: true,
      lastDiagnostics: [],
    };
  }

  // Analysis.

  /** Something changed: analyse soon, unless a request asks first. */
  invalidate(): void {
    this.dirty = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Not over a workspace half read: the analysis after the scan comes next.
      if (!this.isReady) return;
      try {
        this.flush();
      } catch (err) {
        this.log(`Background analysis failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
    }, ANALYSIS_DELAY_MS);
  }

  /** The latest analysis, brought up to date first (synchronous). */
  flush(): Analysis {
    const current = this.session.current;
    if (!this.dirty && current) return current;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const t0 = performance.now();
    let parsedFiles = 0;
    const parsed: ParsedFile[] = [];
    const textChanged = new Set<string>();
    for (const f of this.files.values()) {
      if (!f.parsed) {
        if (f.manifest && (f.compose || isComposeFileName(f.uri))) this.composeFiles.add(f.uri);
        f.parsed = f.tooLarge !== undefined ? tooLargeFile(f.uri, f.tooLarge) : f.manifest ? parseManifestFile(f.uri, f.source, this.siblings(f.uri, f.compose), f.compose) : parseFile(f.uri, f.source, f.cache);
        parsedFiles++;
      }
      if (f.textChanged) {
        textChanged.add(f.uri);
        f.textChanged = false;
      }
      if (!f.ignored) parsed.push(f.parsed);
    }
    const t1 = performance.now();
    // The session reuses what did not change since its latest analysis, which it consumes.
    const analysis = this.session.update(parsed, this.config);
    const t2 = performance.now();
    this.lastTimings = { parseMs: t1 - t0, analyzeMs: t2 - t1, parsedFiles };
    if (t2 - t0 > 500) this.log(`Analysis took ${Math.round(t2 - t0)} ms (parse ${Math.round(t1 - t0)} ms over ${parsedFiles} files).`);

    const changed = new Set<string>();
    for (const f of this.files.values()) {
      const next = f.ignored ? [] : (analysis.diagnostics.get(f.uri) ?? []);
      if (textChanged.has(f.uri) || !sameDiagnostics(f.lastDiagnostics, next)) {
        f.diagStamp++;
        changed.add(f.uri);
      }
      f.lastDiagnostics = next;
    }
    const removed = this.removed;
    this.removed = new Set();
    this.dirty = false;
    if (this.isReady && !this.analysed) {
      this.analysed = true;
      this.early = new WeakMap();
    }
    this.generation++;
    const event: AnalysisEvent = { analysis, generation: this.generation, changed, textChanged, removed };
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.log(`Analysis listener failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
    }
    return analysis;
  }

  /** The file's state after a flush; undefined when unknown or ignored. */
  file(uri: string): FileState | undefined {
    const f = this.files.get(uri);
    return f && !f.ignored ? f : undefined;
  }

  /** The parsed file, up to date (flushes). */
  parsed(uri: string): { file: FileState; parsed: ParsedFile; analysis: Analysis } | undefined {
    const analysis = this.flush();
    const f = this.file(uri);
    if (!f?.parsed) return undefined;
    // A manifest's workloads may have been joined with other files' (HPAs): the analysed copy.
    const parsed = f.manifest ? (fileOf(analysis, f.parsed.file) ?? f.parsed) : f.parsed;
    return { file: f, parsed, analysis };
  }

  allFiles(): FileState[] {
    return [...this.files.values()].filter((f) => !f.ignored);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.scanId++;
  }
}

/** Takes the disk's copy of a file that is not open, if it changed. */
function takeDisk(f: FileState, disk: DiskText): void {
  if (disk.tooLarge !== undefined ? f.tooLarge === disk.tooLarge : f.tooLarge === undefined && f.text === disk.text) return;
  f.source = SourceText.of(disk.text ?? '');
  f.tooLarge = disk.tooLarge;
  f.parsed = undefined;
  f.textChanged = true;
}

function sameDiagnostics(a: readonly Diagnostic[], b: readonly Diagnostic[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.span.start !== y.span.start || x.span.end !== y.span.end || x.ruleId !== y.ruleId || x.severity !== y.severity || x.message !== y.message) return false;
  }
  return true;
}

export function fsPath(uri: string): string | undefined {
  try {
    const u = URI.parse(uri);
    return u.scheme === 'file' ? u.fsPath : undefined;
  } catch {
    return undefined;
  }
}

/** What reading a descriptor from disk gave: its text, or a size that refuses it unread. */
export type DiskText = { text: string; tooLarge?: undefined } | { text?: undefined; tooLarge: number };

/**
 * Reads a descriptor from disk: only a regular file, only up to the size limit (a FIFO
 * or a link to a device is never read). Undefined when there is nothing to read.
 */
async function readText(uri: string): Promise<DiskText | undefined> {
  const p = fsPath(uri);
  if (!p) return undefined;
  const r = await readRegularFile(p, MAX_DESCRIPTOR_BYTES);
  if (r.ok) return { text: r.bytes.toString('utf8') };
  if (r.reason === 'too-large') return { tooLarge: r.size ?? MAX_DESCRIPTOR_BYTES + 1 };
  return undefined;
}
