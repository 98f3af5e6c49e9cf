/** Decodes base64 without `atob` or `Buffer`, so that the kernels load in any JS realm (Node, browsers, workers, vm). */
export function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const table = new Uint8Array(128);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  let len = s.length;
  while (len > 0 && s[len - 1] === "=") len--;
  const out = new Uint8Array((len * 3) >> 2);
  let o = 0;
  for (let i = 0; i < len; i += 4) {
    const a = table[s.charCodeAt(i)];
    const b = table[s.charCodeAt(i + 1)];
    const c = i + 2 < len ? table[s.charCodeAt(i + 2)] : 0;
    const d = i + 3 < len ? table[s.charCodeAt(i + 3)] : 0;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    if (o < out.length) out[o++] = v >> 16;
    if (o < out.length) out[o++] = (v >> 8) & 255;
    if (o < out.length) out[o++] = v & 255;
  }
  return out;
}
