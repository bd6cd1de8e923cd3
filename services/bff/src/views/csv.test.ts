import { describe, expect, it } from 'vitest';
import { csvRows, neutraliseCell } from './csv.js';

/** RFC 4180 fields of one CSV text, enough to read back what csvRows wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted && ch === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (!quoted && (ch === ',' || ch === '\n')) {
      row.push(cell);
      cell = '';
      if (ch === '\n') {
        rows.push(row);
        row = [];
      }
    } else {
      cell += ch;
    }
  }
  return rows;
}

// Every way a cell could start a formula: OWASP's list, the same after leading blanks, controls
// and invisible characters, and the full-width / small / super- and subscript lookalikes.
const HOSTILE = [
  '=1+2',
  '+1+2',
  '-1+2',
  '@SUM(A1)',
  '\t=1',
  '\tplain',
  '\r=1',
  '\rplain',
  '\n=1',
  '\0=1',
  ' =1',
  '   =HYPERLINK("http://x","y")',
  '\n\n=1',
  '\r\n+1',
  '\u00a0=1', // no-break space
  '\u3000=1', // ideographic space
  '\u2003=1', // em space
  '\u200b=1', // zero-width space
  '\u200e=1', // left-to-right mark
  '\u202e=1', // right-to-left override
  '\ufeff=1', // byte order mark
  '\u00ad=1', // soft hyphen
  '\u3164=1', // Hangul filler
  '\u0085=1', // next line (C1)
  '\uff1d1+2', // ＝
  '\uff0b1+2', // ＋
  '\uff0d1+2', // －
  '\uff20SUM(A1)', // ＠
  '\ufe66 1', // ﹦ small equals
  '\ufe62 1', // ﹢ small plus
  '\ufe63 1', // ﹣ small hyphen-minus
  '\ufe6b x', // ﹫ small at
  '\u207c1', // ⁼ superscript equals
  '\u208a1', // ₊ subscript plus
  '\u22121', // − minus sign
  " \t \uff1dcmd|' /C calc'!A0",
];

const ORDINARY = [
  'plain',
  'José Ñúñez',
  'a,b',
  'say "hi"\nbye',
  ' leading space',
  '\u00a0leading no-break space',
  'x=1',
  'ends with =',
  "'already quoted",
  '(0151) 1234',
  '',
];

describe('CSV injection guard', () => {
  it.each(HOSTILE)('prefixes %j with a quote', (value) => {
    expect(neutraliseCell(value)).toBe(`'${value}`);
  });

  it.each(ORDINARY)('leaves %j as it is', (value) => {
    expect(neutraliseCell(value)).toBe(value);
  });

  it('prefixes text that merely looks numeric: phones, signed amounts, notes', () => {
    expect(neutraliseCell('+4915112345678')).toBe("'+4915112345678");
    expect(neutraliseCell('-5 items')).toBe("'-5 items");
    expect(neutraliseCell('-5')).toBe("'-5");
  });

  it('writes its own values plainly: numbers (negative too), booleans, dates, nothing', () => {
    expect(neutraliseCell(-5)).toBe('-5');
    expect(neutraliseCell(3.25)).toBe('3.25');
    expect(neutraliseCell(Number.NaN)).toBe('');
    expect(neutraliseCell(true)).toBe('true');
    expect(neutraliseCell(new Date('2026-01-01T00:00:00Z'))).toBe('2026-01-01T00:00:00.000Z');
    expect(neutraliseCell(undefined)).toBe('');
    expect(neutraliseCell(null)).toBe('');
  });

  it('quotes with csv-stringify, so separators and line breaks cannot open a new cell', () => {
    expect(csvRows([['a,b', 'say "hi"\nbye', '=cmd']])).toBe('"a,b","say ""hi""\nbye",\'=cmd\n');
    expect(csvRows([['x,=1', 'y\n=2']])).toBe('"x,=1","y\n=2"\n');
  });

  it('round-trips: every cell reads back as written, hostile ones behind one quote', () => {
    const row = [...HOSTILE, ...ORDINARY, -5, '+49 151 1234 5678'];
    const [back] = parseCsv(csvRows([row]));
    expect(back).toEqual([...HOSTILE.map((v) => `'${v}`), ...ORDINARY, '-5', "'+49 151 1234 5678"]);
  });
});
