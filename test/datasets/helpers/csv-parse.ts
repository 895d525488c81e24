/** A small RFC 4180 reader for the tests: quoted fields, doubled quotes, CR/LF inside quotes, CRLF rows. */
export interface CsvCell {
  value: string;
  quoted: boolean;
}

const SEP = /[,\r\n]/g;

export function parseCsv(text: string): CsvCell[][] {
  const rows: CsvCell[][] = [];
  let row: CsvCell[] = [];
  let i = 0;
  while (i < text.length) {
    let value = '';
    let quoted = false;
    if (text[i] === '"') {
      quoted = true;
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quoted field');
        value += text.slice(i, q);
        if (text[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    } else {
      SEP.lastIndex = i;
      const m = SEP.exec(text);
      const end = m ? m.index : text.length;
      value = text.slice(i, end);
      if (value.includes('"')) throw new Error(`bare quote in unquoted field at ${i}`);
      i = end;
    }
    row.push({ value, quoted });
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i) || i >= text.length) {
      rows.push(row);
      row = [];
      i += 2;
    } else throw new Error(`expected a separator at ${i}, found ${JSON.stringify(text[i])}`);
  }
  return rows;
}
