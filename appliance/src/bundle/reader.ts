/**
 * Reading a bundle record by record with synchronous reads, so operations can be applied
 * inside one SQLite transaction (better-sqlite3 transactions are synchronous). Memory is
 * one record at a time; callers that are not in a transaction yield between records.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { MAX_PAYLOAD, RECORD_HEAD_BYTES } from './format.js';

/** The file ended inside a record (or before one was expected). */
export class EndOfFile extends Error {
  override readonly name = 'EndOfFile';
}

/** A record head that no writer of this format makes (unknown type, impossible length). */
export class BadRecord extends Error {
  override readonly name = 'BadRecord';
}

export interface RecordHead {
  readonly type: number;
  readonly length: number;
  /** The 5 head bytes, for hashing. */
  readonly raw: Buffer;
}

export class BundleReader {
  readonly size: number;
  pos = 0;
  private readonly fd: number;

  constructor(path: string) {
    this.fd = openSync(path, 'r');
    this.size = fstatSync(this.fd).size;
  }

  close(): void {
    closeSync(this.fd);
  }

  /** Exactly n bytes from the current position, or EndOfFile. */
  bytes(n: number): Buffer {
    if (this.pos + n > this.size) throw new EndOfFile(`wanted ${n} bytes at ${this.pos}, the file has ${this.size}`);
    const b = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n) {
      const r = readSync(this.fd, b, got, n - got, this.pos + got);
      if (r === 0) throw new EndOfFile(`the file ended at ${this.pos + got}`);
      got += r;
    }
    this.pos += n;
    return b;
  }

  /** Bytes at an absolute position, not moving the cursor (fewer if the file is shorter). */
  peek(at: number, n: number): Buffer {
    const len = Math.max(0, Math.min(n, this.size - at));
    const b = Buffer.alloc(len);
    let got = 0;
    while (got < len) {
      const r = readSync(this.fd, b, got, len - got, at + got);
      if (r === 0) break;
      got += r;
    }
    return b.subarray(0, got);
  }

  /** The next record's head; its type is known and its length within that type's bound. */
  head(): RecordHead {
    const raw = this.bytes(RECORD_HEAD_BYTES);
    const type = raw.readUInt8(0);
    const length = raw.readUInt32BE(1);
    const max = MAX_PAYLOAD[type];
    if (max === undefined) throw new BadRecord(`unknown record type 0x${type.toString(16)}`);
    if (length > max) throw new BadRecord(`a record of type ${String.fromCharCode(type)} says ${length} bytes, at most ${max} allowed`);
    return { type, length, raw };
  }

  skip(n: number): void {
    if (this.pos + n > this.size) throw new EndOfFile(`cannot skip ${n} bytes at ${this.pos}`);
    this.pos += n;
  }

  get atEnd(): boolean {
    return this.pos === this.size;
  }
}
