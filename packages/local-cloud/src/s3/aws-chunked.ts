/**
 * Decodes an `aws-chunked` body (what the SDKs and the CLI send when they stream a checksum as a
 * trailer): `<hex size>[;chunk-signature=...]\r\n<bytes>\r\n` chunks, a zero-size chunk, then
 * `name:value` trailer lines and an empty line. Undefined when the body is not in that shape.
 */
export const decodeAwsChunked = (
  encoded: Buffer,
): { body: Buffer; trailers: Record<string, string> } | undefined => {
  const chunks: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = encoded.indexOf('\r\n', offset);
    if (lineEnd === -1) return undefined;
    const sizeText = encoded.subarray(offset, lineEnd).toString('latin1').split(';')[0] ?? '';
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) return undefined;
    const size = Number.parseInt(sizeText, 16);
    offset = lineEnd + 2;
    if (size === 0) break;
    if (offset + size + 2 > encoded.length) return undefined;
    chunks.push(encoded.subarray(offset, offset + size));
    if (encoded.subarray(offset + size, offset + size + 2).toString('latin1') !== '\r\n') return undefined;
    offset += size + 2;
  }
  const trailers: Record<string, string> = {};
  for (const line of encoded.subarray(offset).toString('latin1').split('\r\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon === -1) return undefined;
    const name = line.slice(0, colon).trim().toLowerCase();
    // The trailer's own signature is not checked: header-signed requests are accepted as they are.
    if (name !== 'x-amz-trailer-signature') trailers[name] = line.slice(colon + 1).trim();
  }
  return { body: Buffer.concat(chunks), trailers };
};
