/**
 * Parquet export of the flat table, streamed: rows are buffered per column up to `rowGroupSize`, each full
 * buffer is encoded as one row group (hyparquet-writer's ParquetWriter, which supports incremental writes),
 * and the encoded bytes go to the file sink before the next group is taken. Memory is bounded by one row
 * group, whatever the size of the day; the footer (row-group offsets and statistics) grows by a few hundred
 * bytes per group.
 */
import { ByteWriter, ParquetWriter, type SchemaElement } from 'hyparquet-writer';
import type { FileSink } from './file-sink.ts';
import { FLAT_COLUMNS, type FlatColumn, type FlatRow } from './flat-row.ts';

export const DEFAULT_ROW_GROUP_SIZE = 10_000;

function schemaElement(c: FlatColumn): SchemaElement {
  const repetition_type = c.nullable ? 'OPTIONAL' : 'REQUIRED';
  switch (c.type) {
    case 'STRING':
      return { name: c.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type };
    case 'TIMESTAMP':
      return { name: c.name, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type };
    default:
      return { name: c.name, type: c.type, repetition_type };
  }
}

export function flatParquetSchema(): SchemaElement[] {
  return [{ name: 'root', num_children: FLAT_COLUMNS.length }, ...FLAT_COLUMNS.map(schemaElement)];
}

/** A ByteWriter whose bytes are handed to the sink after every row group, then reused. */
class SinkWriter extends ByteWriter {
  constructor(private readonly sink: FileSink) {
    super(1 << 20);
  }
  flush(): Promise<void> {
    const bytes = new Uint8Array(this.buffer, 0, this.index);
    const p = this.sink.write(bytes); // copies the bytes before returning
    this.index = 0;
    return p;
  }
  override finish(): Promise<void> {
    return this.flush();
  }
}

export class ParquetRowWriter {
  private readonly pq: ParquetWriter;
  private columns: unknown[][] = FLAT_COLUMNS.map(() => []);
  private buffered = 0;
  rows = 0;

  constructor(
    sink: FileSink,
    private readonly rowGroupSize = DEFAULT_ROW_GROUP_SIZE,
    kvMetadata: { key: string; value: string }[] = [],
  ) {
    this.pq = new ParquetWriter({
      writer: new SinkWriter(sink),
      schema: flatParquetSchema(),
      kvMetadata,
      createdBy: 'raabta collector/datasets (hyparquet-writer)',
    });
  }

  async add(row: FlatRow): Promise<void> {
    for (let i = 0; i < FLAT_COLUMNS.length; i++) this.columns[i].push(row[FLAT_COLUMNS[i].name]);
    this.buffered++;
    this.rows++;
    if (this.buffered >= this.rowGroupSize) await this.flushGroup();
  }

  private async flushGroup(): Promise<void> {
    if (!this.buffered) return;
    const columnData = FLAT_COLUMNS.map((c, i) => ({ name: c.name, data: this.columns[i] }));
    const size = this.buffered;
    this.columns = FLAT_COLUMNS.map(() => []);
    this.buffered = 0;
    await this.pq.write({ columnData, rowGroupSize: size });
  }

  /** Writes the last row group and the footer (the sink itself is closed by the caller). */
  async finish(): Promise<void> {
    await this.flushGroup();
    await this.pq.finish();
  }
}
