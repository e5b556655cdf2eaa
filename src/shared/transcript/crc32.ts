/** CRC-32 (IEEE 802.3, the one zip, PNG and pcapng use), so every reader can check a record alone. */

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * The CRC of `bytes`; with `initial` the CRC of bytes before them, the CRC of the two runs
 * joined (as zlib.crc32's second argument), so a record can be checked across the pieces it
 * arrives in.
 */
export function crc32(bytes: Uint8Array, initial = 0): number {
  let crc = (initial ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export function crc32Hex(value: number): string {
  return value.toString(16).padStart(8, '0');
}
