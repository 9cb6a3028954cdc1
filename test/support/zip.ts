/**
 * Minimal zip writer for tests and benchmarks (PKWARE APPNOTE 6.3.10 §4.3: local headers, deflated data,
 * central directory, end record). Streams entries to disk; only the central directory is kept in memory.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { crc32, deflateRawSync } from 'node:zlib';

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const END_SIG = 0x06054b50;
const DEFLATE = 8;
const VERSION = 20;

export function writeZip(path: string, entries: Iterable<{ name: string; data: Buffer | string }>): number {
  const fd = openSync(path, 'w');
  const central: Buffer[] = [];
  let offset = 0;
  let count = 0;
  try {
    for (const e of entries) {
      const data = typeof e.data === 'string' ? Buffer.from(e.data) : e.data;
      const name = Buffer.from(e.name);
      const packed = deflateRawSync(data);
      const crc = crc32(data);
      const local = Buffer.alloc(30);
      local.writeUInt32LE(LOCAL_SIG, 0);
      local.writeUInt16LE(VERSION, 4);
      local.writeUInt16LE(0x0800, 6); // UTF-8 names
      local.writeUInt16LE(DEFLATE, 8);
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(packed.length, 18);
      local.writeUInt32LE(data.length, 22);
      local.writeUInt16LE(name.length, 26);
      writeSync(fd, local);
      writeSync(fd, name);
      writeSync(fd, packed);
      const c = Buffer.alloc(46);
      c.writeUInt32LE(CENTRAL_SIG, 0);
      c.writeUInt16LE(VERSION, 4);
      c.writeUInt16LE(VERSION, 6);
      c.writeUInt16LE(0x0800, 8);
      c.writeUInt16LE(DEFLATE, 10);
      c.writeUInt32LE(crc, 16);
      c.writeUInt32LE(packed.length, 20);
      c.writeUInt32LE(data.length, 24);
      c.writeUInt16LE(name.length, 28);
      c.writeUInt32LE(offset, 42);
      central.push(c, name);
      offset += 30 + name.length + packed.length;
      count++;
    }
    const dir = Buffer.concat(central);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(END_SIG, 0);
    end.writeUInt16LE(count, 8);
    end.writeUInt16LE(count, 10);
    end.writeUInt32LE(dir.length, 12);
    end.writeUInt32LE(offset, 16);
    writeSync(fd, dir);
    writeSync(fd, end);
  } finally {
    closeSync(fd);
  }
  return count;
}
