// Reading an RVTools export into sheets: an .xlsx workbook (exceljs) or a folder of the
// .csv files RVTools writes (`RVTools_tabvInfo.csv`, csv-parse). Only vInfo and vHost are
// read. Every failure is a ReadError with a message naming the file, never a stack trace.
//
// exceljs and csv-parse come from ./importLibs, required when first used: a bundle of its
// own beside dist/cli.js, so `check` does not load them and the editor's bundles never
// carry them.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Cell, Sheet } from './rvtools';

export class ReadError extends Error {}

/** Required on first use (see the top of this file). */
function libs(): typeof import('./importLibs') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./importLibs') as typeof import('./importLibs');
}

/** The sheets the import reads, by their RVTools names. */
export const SHEETS = ['vInfo', 'vHost'] as const;
export type SheetName = (typeof SHEETS)[number];

/** Larger exports are refused rather than read into memory. */
export const MAX_EXPORT_BYTES = 1024 * 1024 * 1024;

export interface ReadExport {
  /** Which form it was. */
  kind: 'xlsx' | 'csv';
  sheets: Partial<Record<SheetName, Sheet>>;
  /** The files read (for csv: one per sheet). */
  files: string[];
}

/** An .xlsx file, or a folder holding `*vInfo.csv` and `*vHost.csv`. */
export async function readExport(input: string, display: string, onStep?: (message: string) => void): Promise<ReadExport> {
  let st: fs.Stats;
  try {
    st = fs.statSync(input);
  } catch (e) {
    throw new ReadError(`Cannot read ${display}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (e as Error).message}.`);
  }
  if (st.isDirectory()) return readCsvFolder(input, display, onStep);
  if (!st.isFile()) throw new ReadError(`${display} is neither a regular file nor a folder.`);
  if (/\.csv$/i.test(input)) {
    throw new ReadError(`${display} is one .csv file; give the folder that holds the RVTools csv files (vInfo and vHost).`);
  }
  return readXlsx(input, display, st.size, onStep);
}

async function readXlsx(file: string, display: string, size: number, onStep?: (message: string) => void): Promise<ReadExport> {
  if (size > MAX_EXPORT_BYTES) throw new ReadError(`${display} is larger than ${MAX_EXPORT_BYTES / 1024 / 1024} MB.`);
  onStep?.(`Reading ${path.basename(file)}…`);
  const { ExcelJS } = libs();
  const fail = (e: unknown) => {
    const why = String((e as Error)?.message ?? e).split('\n')[0].slice(0, 200);
    return new ReadError(`Cannot read ${display} as an .xlsx workbook (${why}). Give an RVTools .xlsx export or a folder of its .csv files.`);
  };
  // A real export has two dozen sheets (vDisk, vNetwork, vPartition… as long as vInfo):
  // the streaming reader parses only the two wanted and skips the rest unparsed.
  const sheets: ReadExport['sheets'] = {};
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', entries: 'ignore' });
    for await (const ws of reader) {
      const want = SHEETS.find((s) => s.toLowerCase() === String((ws as { name?: string }).name ?? '').trim().toLowerCase());
      if (!want || sheets[want]) continue;
      onStep?.(`Reading sheet ${want}…`);
      const rows: Cell[][] = [];
      for await (const row of ws) rows[row.number - 1] = rowCells(row.values);
      sheets[want] = toSheet(want, rows);
    }
  } catch (e) {
    throw fail(e);
  }
  if (sheets.vInfo && sheets.vHost) return { kind: 'xlsx', sheets, files: [file] };
  // Sheet names come from xl/workbook.xml; a workbook that stores it after the sheets
  // leaves the streaming reader without them: read it whole before saying a sheet is missing.
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(file);
  } catch (e) {
    throw fail(e);
  }
  for (const want of SHEETS) {
    const ws = workbook.worksheets.find((w) => w.name.trim().toLowerCase() === want.toLowerCase());
    if (!ws) continue;
    const rows: Cell[][] = [];
    ws.eachRow({ includeEmpty: true }, (row, n) => {
      rows[n - 1] = rowCells(row.values);
    });
    sheets[want] = toSheet(want, rows);
  }
  return { kind: 'xlsx', sheets, files: [file] };
}

/** exceljs row values (1-based: values[0] is always empty) → cells. */
function rowCells(values: unknown): Cell[] {
  const v = Array.isArray(values) ? values : [];
  const cells: Cell[] = [];
  for (let i = 1; i < v.length; i++) cells.push(cellOf(v[i]));
  return cells;
}

function toSheet(name: string, rows: Cell[][]): Sheet {
  for (let i = 0; i < rows.length; i++) if (!rows[i]) rows[i] = [];
  const [header = [], ...data] = rows;
  return { name, headers: header.map((h) => (h === null || h === undefined ? '' : String(h))), rows: data };
}

/** An exceljs cell value → a plain cell: rich text joined, formulas by their result, hyperlinks by their text, errors empty. */
export function cellOf(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (typeof v === 'object') {
    const o = v as { richText?: { text?: unknown }[]; result?: unknown; text?: unknown; error?: unknown; formula?: unknown };
    if (Array.isArray(o.richText)) return o.richText.map((r) => String(r?.text ?? '')).join('');
    if ('error' in o) return null;
    if ('formula' in o || 'sharedFormula' in o) return cellOf(o.result);
    if ('text' in o) return cellOf(o.text);
  }
  return null;
}

async function readCsvFolder(dir: string, display: string, onStep?: (message: string) => void): Promise<ReadExport> {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    throw new ReadError(`Cannot list ${display}: ${(e as Error).message}.`);
  }
  const sheets: ReadExport['sheets'] = {};
  const files: string[] = [];
  for (const want of SHEETS) {
    const suffix = `${want.toLowerCase()}.csv`;
    const hits = names.filter((n) => n.toLowerCase().endsWith(suffix)).sort();
    if (hits.length > 1) throw new ReadError(`${display} holds several ${want} csv files (${hits.join(', ')}); keep one export per folder.`);
    if (!hits.length) continue;
    const file = path.join(dir, hits[0]);
    onStep?.(`Reading ${hits[0]}…`);
    sheets[want] = readCsv(file, `${display}/${hits[0]}`, want);
    files.push(file);
  }
  if (!sheets.vInfo) {
    throw new ReadError(`${display} holds no vInfo csv file (a name ending in vInfo.csv, as RVTools writes RVTools_tabvInfo.csv). Give a folder of RVTools csv files, or an .xlsx export.`);
  }
  return { kind: 'csv', sheets, files };
}

export function readCsv(file: string, display: string, name: string): Sheet {
  let buf: Buffer;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) throw new ReadError(`${display} is not a regular file.`);
    if (st.size > MAX_EXPORT_BYTES) throw new ReadError(`${display} is larger than ${MAX_EXPORT_BYTES / 1024 / 1024} MB.`);
    buf = fs.readFileSync(file);
  } catch (e) {
    if (e instanceof ReadError) throw e;
    throw new ReadError(`Cannot read ${display}: ${(e as Error).message}.`);
  }
  return parseCsvSheet(decode(buf), name, display);
}

/** UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark, else Windows-1252/Latin-1 as older exports write. */
export function decode(buf: Buffer): string {
  if (buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf.subarray(2));
  if (buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf.subarray(2));
  const start = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(start));
  } catch {
    return new TextDecoder('windows-1252').decode(buf);
  }
}

/** The delimiter of the header line: `,`, `;` (locales with a decimal comma) or a tab, outside quotes. */
export function sniffDelimiter(text: string): string {
  const end = text.search(/\r?\n|$/);
  const line = text.slice(0, end);
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in counts) counts[ch]++;
  }
  const [best, n] = Object.entries(counts).sort((a, b) => b[1] - a[1])[0];
  return n > 0 ? best : ',';
}

export function parseCsvSheet(text: string, name: string, display: string): Sheet {
  const parse = libs().parseCsv;
  let records: string[][];
  try {
    records = parse(text, { delimiter: sniffDelimiter(text), relax_column_count: true, relax_quotes: true, skip_empty_lines: true, bom: true });
  } catch (e) {
    throw new ReadError(`Cannot read ${display} as CSV (${String((e as Error)?.message ?? e).split('\n')[0].slice(0, 200)}).`);
  }
  const [header = [], ...rows] = records;
  return { name, headers: header, rows };
}
