/**
 * A minimal ZIP writer: stored (uncompressed) entries, which is right for JPEG and PNG payloads that are
 * compressed already. Used by `--format zip` (JPEG colour + PNG alpha, remove.bg's bandwidth-saving format).
 *
 * Layout (APPNOTE.TXT 6.3.10, §4.3): for each entry a local file header and the data; then the central
 * directory (one header per entry); then the end-of-central-directory record. CRC-32 comes from node:zlib.
 * Names are UTF-8 (general-purpose flag bit 11). No ZIP64: the writer refuses archives past 4 GiB or 65535
 * entries rather than write a broken one.
 */
import { crc32 } from 'node:zlib';

export interface ZipEntry {
  name: string;
  data: Uint8Array;
  /** Modification time stored in the entry. Default 1980-01-01 00:00, so equal inputs give equal bytes. */
  modified?: Date;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const VERSION = 20; // 2.0: the lowest version that knows folders and stored entries
const UTF8_NAMES = 1 << 11;

export function createZip(entries: readonly ZipEntry[]): Uint8Array {
  if (entries.length > 0xffff) throw new RangeError(`zip: ${entries.length} entries need ZIP64`);
  const encoder = new TextEncoder();
  const prepared = entries.map((entry) => {
    if (entry.name === '' || entry.name.startsWith('/') || entry.name.includes('\\')) {
      throw new RangeError(`zip: invalid entry name '${entry.name}'`);
    }
    const name = encoder.encode(entry.name);
    const { time, date } = dosDateTime(entry.modified);
    return { name, data: entry.data, crc: crc32(entry.data) >>> 0, time, date };
  });
  let size = 22;
  for (const e of prepared) size += 30 + e.name.length + e.data.length + 46 + e.name.length;
  if (size > 0xffffffff) throw new RangeError('zip: archive larger than 4 GiB needs ZIP64');

  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  const offsets: number[] = [];
  for (const e of prepared) {
    offsets.push(at);
    view.setUint32(at, LOCAL_HEADER, true);
    view.setUint16(at + 4, VERSION, true);
    view.setUint16(at + 6, UTF8_NAMES, true);
    view.setUint16(at + 8, 0, true); // stored
    view.setUint16(at + 10, e.time, true);
    view.setUint16(at + 12, e.date, true);
    view.setUint32(at + 14, e.crc, true);
    view.setUint32(at + 18, e.data.length, true);
    view.setUint32(at + 22, e.data.length, true);
    view.setUint16(at + 26, e.name.length, true);
    view.setUint16(at + 28, 0, true);
    out.set(e.name, at + 30);
    out.set(e.data, at + 30 + e.name.length);
    at += 30 + e.name.length + e.data.length;
  }
  const centralStart = at;
  prepared.forEach((e, i) => {
    view.setUint32(at, CENTRAL_HEADER, true);
    view.setUint16(at + 4, VERSION, true); // made by: MS-DOS attributes, version 2.0
    view.setUint16(at + 6, VERSION, true);
    view.setUint16(at + 8, UTF8_NAMES, true);
    view.setUint16(at + 10, 0, true);
    view.setUint16(at + 12, e.time, true);
    view.setUint16(at + 14, e.date, true);
    view.setUint32(at + 16, e.crc, true);
    view.setUint32(at + 20, e.data.length, true);
    view.setUint32(at + 24, e.data.length, true);
    view.setUint16(at + 28, e.name.length, true);
    view.setUint16(at + 30, 0, true); // extra
    view.setUint16(at + 32, 0, true); // comment
    view.setUint16(at + 34, 0, true); // disk
    view.setUint16(at + 36, 0, true); // internal attributes
    view.setUint32(at + 38, 0, true); // external attributes
    view.setUint32(at + 42, offsets[i], true);
    out.set(e.name, at + 46);
    at += 46 + e.name.length;
  });
  const centralSize = at - centralStart;
  view.setUint32(at, END_OF_CENTRAL_DIRECTORY, true);
  view.setUint16(at + 4, 0, true);
  view.setUint16(at + 6, 0, true);
  view.setUint16(at + 8, prepared.length, true);
  view.setUint16(at + 10, prepared.length, true);
  view.setUint32(at + 12, centralSize, true);
  view.setUint32(at + 16, centralStart, true);
  view.setUint16(at + 20, 0, true);
  return out;
}

/** MS-DOS date and time (2-second resolution, local fields as given, years 1980–2107). */
function dosDateTime(date: Date | undefined): { time: number; date: number } {
  if (!date) return { time: 0, date: (0 << 9) | (1 << 5) | 1 };
  const year = Math.min(Math.max(date.getFullYear(), 1980), 2107);
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}
