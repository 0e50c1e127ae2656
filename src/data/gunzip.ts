/**
 * Bounded, checked gunzip for readIdx. fflate inflates; this adds what a reader of untrusted
 * files needs: the output never grows past a limit known from the data's own header (a
 * 31-byte file cannot reserve gigabytes, as trusting the trailer's size would), each member's
 * CRC32 and length are verified (a flipped byte is an error, not different data), and
 * concatenated members are read as one stream, as RFC 1952 and `gzip -d` read them; anything
 * after the last member is an error. Internal.
 */
import { Gunzip, Inflate, inflateSync } from 'fflate';

/**
 * Compressed bytes the multi-member reader pushes at a time: each inflates to at most about
 * 1,000 times that (64 MB), the most it can overshoot the limit by.
 */
const SLICE = 64 * 1024;

/** Why the data could not be inflated, for IdxFormatError. */
export class GunzipError extends Error {
  constructor(
    readonly kind: 'bad-gzip' | 'oversized',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Inflates `bytes` (one or more gzip members); `limit(head)` gives the most output allowed once
 * the output's first bytes are known.
 */
export function gunzip(bytes: Uint8Array, limit: (head: Uint8Array) => number): Uint8Array {
  const start = memberStart(bytes, 0);
  const max = limit(prefix(bytes.subarray(start)));
  // One member, the common case: inflate into a buffer one byte longer than allowed (fflate
  // fills a given buffer and never grows it), then check the trailer.
  let out: Uint8Array | undefined;
  try {
    out = inflateSync(bytes.subarray(start, Math.max(start, bytes.length - 8)), {
      out: new Uint8Array(max + 1),
    });
  } catch {
    // damaged, or not one member: the streaming reader below says which
  }
  if (out !== undefined && out.length > max) {
    throw new GunzipError(
      'oversized',
      `the gzip data inflates to more than the ${max} bytes its header describes`,
    );
  }
  if (out !== undefined && trailerMatches(bytes, [out], bytes.length)) return out;
  // Several members, or damaged data: the streaming reader finds the members and says which.
  return gunzipMembers(bytes, limit);
}

/** Where member data starts after the gzip header at `at` (RFC 1952), checking the header. */
function memberStart(bytes: Uint8Array, at: number): number {
  const bad = (why: string): GunzipError => new GunzipError('bad-gzip', `the gzip header ${why}`);
  if (bytes.length < at + 10) throw bad('is truncated');
  if (bytes[at + 2] !== 8)
    throw bad(`names compression method ${bytes[at + 2]}; only deflate (8) exists`);
  const flags = bytes[at + 3] as number;
  if ((flags & 0xe0) !== 0) throw bad('has reserved flags set');
  let pos = at + 10;
  if (flags & 4) pos += 2 + ((bytes[pos] ?? 0) | ((bytes[pos + 1] ?? 0) << 8)); // FEXTRA
  for (const flag of [8, 16]) {
    if (flags & flag) {
      while (pos < bytes.length && bytes[pos] !== 0) pos++; // FNAME, FCOMMENT: zero-ended
      pos++;
    }
  }
  if (flags & 2) pos += 2; // FHCRC
  if (pos > bytes.length) throw bad('is truncated');
  return pos;
}

/** The first bytes of the inflated data (at most 64), from the first 4 kB of deflate data. */
function prefix(deflated: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let length = 0;
  const stream = new Inflate((chunk) => {
    if (length < 64) parts.push(chunk.subarray(0, 64 - length));
    length += chunk.length;
  });
  try {
    stream.push(deflated.subarray(0, 4096), false);
  } catch {
    // damaged: the full inflation below reports it
  }
  return concat(parts.length === 0 ? [new Uint8Array(0)] : parts);
}

/** Any number of members, streamed in slices so that output stays bounded. */
function gunzipMembers(bytes: Uint8Array, limit: (head: Uint8Array) => number): Uint8Array {
  const members: Uint8Array[][] = [[]];
  const starts: number[] = [0];
  let total = 0;
  let head: Uint8Array = new Uint8Array(0);
  const stream = new Gunzip((chunk) => {
    (members.at(-1) as Uint8Array[]).push(chunk);
    total += chunk.length;
    if (head.length < 64) head = concat([head, chunk.subarray(0, 64)]);
  });
  stream.onmember = (offset) => {
    starts.push(offset);
    members.push([]);
  };
  for (let i = 0; i < bytes.length; i += SLICE) {
    try {
      stream.push(bytes.subarray(i, i + SLICE), i + SLICE >= bytes.length);
    } catch (err) {
      throw new GunzipError(
        'bad-gzip',
        `the gzip data does not inflate (${(err as Error).message})`,
      );
    }
    const max = limit(head);
    if (total > max) {
      throw new GunzipError(
        'oversized',
        `the gzip data inflates to more than the ${max} bytes its header describes`,
      );
    }
  }
  starts.push(bytes.length);
  members.forEach((chunks, m) => {
    if (!trailerMatches(bytes, chunks, starts[m + 1] as number)) {
      throw new GunzipError(
        'bad-gzip',
        `gzip member ${m + 1}: its CRC32 and length do not match its data (a damaged or truncated file, or data after its end)`,
      );
    }
  });
  return concat(members.flat());
}

/** Whether the member's CRC32 and length match the 8 bytes before `end`. */
function trailerMatches(bytes: Uint8Array, chunks: Uint8Array[], end: number): boolean {
  if (end < 8) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset + end - 8, 8);
  let crc = 0;
  let length = 0;
  for (const c of chunks) {
    crc = crc32(c, crc);
    length += c.length;
  }
  return view.getUint32(0, true) === crc >>> 0 && view.getUint32(4, true) === length % 2 ** 32;
}

/** The bytes of `parts`, one after another (the one part itself when there is one). */
export function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

let table: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, as gzip uses it), continuing from `crc`. */
export function crc32(data: Uint8Array, crc = 0): number {
  table ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) {
    c = (table[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  }
  return ~c >>> 0;
}
