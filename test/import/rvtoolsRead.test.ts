// Reading exports in process: an .xlsx written by exceljs and the csv folder RVTools
// writes give the same sheets; encodings, delimiters and exceljs cell shapes.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { mapRvtools } from '../../server/src/import/rvtools';
import { cellOf, decode, parseCsvSheet, ReadError, readExport, sniffDelimiter } from '../../server/src/import/rvtoolsRead';
import { estateSheets, writeCsvFolder, writeXlsx } from './estate';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-rvread-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('rvtools: reading', () => {
  it('reads the same model from an .xlsx and from a csv folder, in both variants', async () => {
    for (const variant of ['current', 'older'] as const) {
      const sheets = estateSheets(variant);
      const xlsx = path.join(tmp, `${variant}.xlsx`);
      await writeXlsx(xlsx, sheets);
      const csv = path.join(tmp, `${variant}-csv`);
      writeCsvFolder(csv, sheets, variant === 'older' ? ';' : ',');
      const a = await readExport(xlsx, 'x');
      const b = await readExport(csv, 'c');
      assert.equal(a.kind, 'xlsx');
      assert.equal(b.kind, 'csv');
      const ma = mapRvtools(a.sheets);
      const mb = mapRvtools(b.sheets);
      assert.ok(ma.ok && mb.ok);
      assert.deepEqual(ma.model, mb.model);
      assert.equal(ma.model.vms.length, 36);
    }
  });

  it('refuses a corrupt workbook, a lone csv, a folder without vInfo, and a missing path', async () => {
    const bad = path.join(tmp, 'corrupt.xlsx');
    fs.writeFileSync(bad, 'PK\u0003\u0004 not really a zip');
    await assert.rejects(readExport(bad, 'corrupt.xlsx'), (e: Error) => e instanceof ReadError && /Cannot read corrupt\.xlsx as an \.xlsx workbook/.test(e.message));
    const lone = path.join(tmp, 'RVTools_tabvInfo.csv');
    fs.writeFileSync(lone, 'VM\n');
    await assert.rejects(readExport(lone, 'lone'), (e: Error) => e instanceof ReadError && /give the folder/.test(e.message));
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(empty);
    fs.writeFileSync(path.join(empty, 'RVTools_tabvHost.csv'), 'Host\n');
    await assert.rejects(readExport(empty, 'empty'), (e: Error) => e instanceof ReadError && /holds no vInfo csv file/.test(e.message));
    await assert.rejects(readExport(path.join(tmp, 'nope.xlsx'), 'nope.xlsx'), (e: Error) => e instanceof ReadError && /no such file or folder/.test(e.message));
  });

  it('decodes UTF-8 with and without a BOM, UTF-16 with a BOM, and Windows-1252', () => {
    const text = 'VM,OS\nZählerstand,Linux\n';
    assert.equal(decode(Buffer.from(text)), text);
    assert.equal(decode(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])), text);
    assert.equal(decode(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])), text);
    assert.equal(decode(Buffer.from(text, 'latin1')), text);
  });

  it('finds the delimiter of the header line outside quotes', () => {
    assert.equal(sniffDelimiter('VM,CPUs,Memory\n1;2'), ',');
    assert.equal(sniffDelimiter('"VM,x";CPUs;Memory'), ';');
    assert.equal(sniffDelimiter('VM\tCPUs\tMemory'), '\t');
    assert.equal(sniffDelimiter('VM'), ',');
    const s = parseCsvSheet('\ufeffVM;Memory\n"a;b";"1,5"\n\n', 'vInfo', 'x');
    assert.deepEqual([s.headers, s.rows], [['VM', 'Memory'], [['a;b', '1,5']]]);
  });

  it('turns exceljs cell values into plain cells', () => {
    const table: [unknown, unknown][] = [
      [null, null],
      [3, 3],
      ['x', 'x'],
      [true, true],
      [{ richText: [{ text: 'a' }, { text: 'b' }] }, 'ab'],
      [{ formula: 'A1*2', result: 8192 }, 8192],
      [{ sharedFormula: 'A1', result: 'r' }, 'r'],
      [{ text: 'link', hyperlink: 'http://x' }, 'link'],
      [{ error: '#N/A' }, null],
      [new Date('2024-01-02T03:04:05Z'), '2024-01-02T03:04:05.000Z'],
      [{ odd: 1 }, null],
    ];
    for (const [v, want] of table) assert.deepEqual(cellOf(v), want, JSON.stringify(v));
  });
});
