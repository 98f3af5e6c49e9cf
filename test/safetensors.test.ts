import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tg } from "./helpers.ts";

const { encodeSafetensors, decodeSafetensors } = tg.io;

const ascii = (s: string) => [...new TextEncoder().encode(s)];
const u64 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff, 0, 0, 0, 0];

/** A file from a raw header string (padded to 8 bytes) and data bytes. */
function file(header: string, data: number[] | Uint8Array = []): Uint8Array {
  const json = ascii(header);
  while (json.length % 8) json.push(0x20);
  return new Uint8Array([...u64(json.length), ...json, ...data]);
}

function fromHeader(header: Record<string, unknown>, data: number[] | Uint8Array = []): Uint8Array {
  return file(JSON.stringify(header), data);
}

const f32 = (...xs: number[]) => [...new Uint8Array(new Float32Array(xs).buffer)];

/** Asserts decoding throws a ValueError whose message matches `pattern`, within 200 ms. */
function rejects(bytes: Uint8Array, pattern: RegExp): void {
  const start = performance.now();
  assert.throws(
    () => decodeSafetensors(bytes),
    (e: unknown) => {
      assert.ok(e instanceof tg.ValueError, `expected a ValueError, got ${String(e)}`);
      assert.match((e as Error).message, pattern);
      return true;
    },
  );
  assert.ok(performance.now() - start < 200, "decoding a bad file took too long");
}

function sameValues(a: tg.Tensor, b: tg.Tensor): void {
  assert.equal(a.dtype, b.dtype);
  assert.deepEqual(a.shape, b.shape);
  assert.deepEqual(
    [...a.toArray()].map((v) => (Object.is(v, -0) ? "-0" : v)),
    [...b.toArray()].map((v) => (Object.is(v, -0) ? "-0" : v)),
  );
}

describe("safetensors", () => {
  it("decodes the bytes the reference library writes for {a: float32 [1, 2]}", () => {
    // safetensors.torch.save({"a": torch.tensor([1., 2.])}): 54 bytes of JSON padded with 2 spaces to 56.
    const bytes = new Uint8Array([
      56,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      ...ascii('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}  '),
      0,
      0,
      128,
      63,
      0,
      0,
      0,
      64,
    ]);
    const { tensors, metadata } = decodeSafetensors(bytes);
    assert.deepEqual(Object.keys(tensors), ["a"]);
    assert.equal(tensors.a.dtype, "float32");
    assert.deepEqual(tensors.a.tolist(), [1, 2]);
    assert.deepEqual(metadata, {});
    // ...and encoding gives those same bytes.
    assert.deepEqual([...encodeSafetensors({ a: tg.tensor([1, 2]) })], [...bytes]);
  });

  it("decodes a file written by Python's safetensors 0.8 (save_file with F16, I64, U8, BOOL, 0-dim and empty tensors)", () => {
    // safetensors.numpy.save_file({"f16": float16 [1, -2, 65504, 0.333], "bf": float32 [1], "i64": int64 [[-5, 2**31 - 1]],
    //   "u8": uint8 [255, 0], "b": bool [True, False], "scalar": float64 3.5, "empty": float32 zeros((0, 2))}, metadata={"format": "pt"})
    const b64 =
      "uAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJpNjQiOnsiZHR5cGUiOiJJNjQiLCJzaGFwZSI6WzEsMl0sImRhdGFfb2Zmc2V0cyI6WzAsMTZdfSwic2NhbGFyIjp7ImR0eXBlIjoiRjY0Iiwic2hhcGUiOltdLCJkYXRhX29mZnNldHMiOlsxNiwyNF19LCJiZiI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMV0sImRhdGFfb2Zmc2V0cyI6WzI0LDI4XX0sImVtcHR5Ijp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlswLDJdLCJkYXRhX29mZnNldHMiOlsyOCwyOF19LCJmMTYiOnsiZHR5cGUiOiJGMTYiLCJzaGFwZSI6WzRdLCJkYXRhX29mZnNldHMiOlsyOCwzNl19LCJ1OCI6eyJkdHlwZSI6IlU4Iiwic2hhcGUiOlsyXSwiZGF0YV9vZmZzZXRzIjpbMzYsMzhdfSwiYiI6eyJkdHlwZSI6IkJPT0wiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOlszOCw0MF19fSAgICAgIPv/////////////fwAAAAAAAAAAAAAMQAAAgD8APADA/3tUNf8AAQA=";
    const { tensors, metadata } = decodeSafetensors(new Uint8Array(Buffer.from(b64, "base64")));
    assert.deepEqual(metadata, { format: "pt" });
    assert.deepEqual(tensors.i64.tolist(), [[-5, 2147483647]]);
    assert.equal(tensors.i64.dtype, "int32");
    assert.equal(tensors.scalar.dtype, "float64");
    assert.equal(tensors.scalar.item(), 3.5);
    assert.deepEqual(tensors.bf.tolist(), [1]);
    assert.deepEqual(tensors.empty.shape, [0, 2]);
    assert.deepEqual(tensors.f16.tolist(), [1, -2, 65504, 0.3330078125]);
    assert.deepEqual(tensors.u8.tolist(), [255, 0]);
    assert.equal(tensors.b.dtype, "bool");
    assert.deepEqual(tensors.b.tolist(), [1, 0]);
  });

  it("writes byte for byte what the reference implementation writes (its own test vectors)", () => {
    const data = f32(0, 1, 2, 3, 4, 5);
    // 64 bytes of JSON: no padding.
    const noPad = encodeSafetensors({
      "attn.0": tg.tensor([
        [
          [0, 1, 2],
          [3, 4, 5],
        ],
      ]),
    });
    assert.deepEqual([...noPad], [...u64(64), ...ascii('{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}'), ...data]);
    // 65 bytes of JSON: 7 spaces of padding so the data stays 8-byte aligned.
    const padded = encodeSafetensors({
      attn0: tg.tensor([
        [
          [
            [0, 1, 2],
            [3, 4, 5],
          ],
        ],
      ]),
    });
    assert.deepEqual(
      [...padded],
      [...u64(72), ...ascii('{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       '), ...data],
    );
    assert.deepEqual([...encodeSafetensors({})], [...u64(8), ...ascii("{}      ")]);
    assert.deepEqual([...encodeSafetensors({}, { framework: "pt" })], [...u64(40), ...ascii('{"__metadata__":{"framework":"pt"}}     ')]);
  });

  it("orders tensors by descending dtype alignment, then by name, with __metadata__ first", () => {
    const bytes = encodeSafetensors(
      {
        b: tg.tensor([1]),
        a: tg.tensor([2]),
        c: tg.tensor([3], { dtype: "float64" }),
        d: tg.tensor([true]),
        e: tg.tensor([4], { dtype: "int32" }),
        B: tg.tensor([5]),
      },
      { z: "1", a: "2" },
    );
    const n = new DataView(bytes.buffer).getUint32(0, true);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + n)).trimEnd();
    assert.equal(
      header,
      '{"__metadata__":{"a":"2","z":"1"},' +
        '"c":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},' +
        '"B":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},' +
        '"a":{"dtype":"F32","shape":[1],"data_offsets":[12,16]},' +
        '"b":{"dtype":"F32","shape":[1],"data_offsets":[16,20]},' +
        '"e":{"dtype":"I32","shape":[1],"data_offsets":[20,24]},' +
        '"d":{"dtype":"BOOL","shape":[1],"data_offsets":[24,25]}}',
    );
    assert.equal(n % 8, 0);
  });

  it("round-trips every dtype and shape, 0-dim and empty included", () => {
    const tensors: Record<string, tg.Tensor> = {
      f32: tg.tensor([
        [1.5, -0, Number.NaN],
        [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 3.4e38],
      ]),
      f64: tg.tensor([Math.PI, -1e-300, 5e-324], { dtype: "float64" }),
      i32: tg.tensor([-2147483648, 2147483647, 0, -1], { dtype: "int32" }),
      bool: tg.tensor([
        [true, false],
        [false, true],
      ]),
      scalar: tg.tensor(7.25),
      scalarInt: tg.tensor(-3, { dtype: "int32" }),
      scalarBool: tg.tensor(true),
      empty: tg.zeros([0]),
      emptyNd: tg.zeros([2, 0, 3], { dtype: "float64" }),
      emptyBool: tg.zeros([0, 4], { dtype: "bool" }),
      big: tg.randn([5, 4, 3]),
      "name with spaces/and.dots-ünïcødé 🙂": tg.arange(6).reshape([2, 3]),
    };
    const back = decodeSafetensors(encodeSafetensors(tensors));
    assert.deepEqual(Object.keys(back.tensors).sort(), Object.keys(tensors).sort());
    for (const [k, t] of Object.entries(tensors)) sameValues(back.tensors[k], t);
    assert.deepEqual(back.fileDTypes.f32, "F32");
    assert.deepEqual(back.fileDTypes.bool, "BOOL");
  });

  it("writes non-contiguous tensors in row-major order and decodes into independent memory", () => {
    const base = tg.arange(6).float().reshape([2, 3]);
    const t = base.T;
    const back = decodeSafetensors(encodeSafetensors({ t })).tensors.t;
    assert.deepEqual(back.tolist(), t.tolist());
    // A decoded tensor owns its data: the source bytes can change afterwards.
    const bytes = encodeSafetensors({ x: tg.tensor([1, 2]) });
    const x = decodeSafetensors(bytes).tensors.x;
    bytes.fill(0, bytes.length - 8);
    assert.deepEqual(x.tolist(), [1, 2]);
  });

  it("decodes from a Node Buffer and from an unaligned view", () => {
    const bytes = encodeSafetensors({ x: tg.tensor([1, 2, 3], { dtype: "float64" }), y: tg.tensor([4, 5], { dtype: "int32" }) });
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    for (const input of [Buffer.from(bytes), shifted.subarray(3)]) {
      const { tensors } = decodeSafetensors(input);
      assert.deepEqual(tensors.x.tolist(), [1, 2, 3]);
      assert.deepEqual(tensors.y.tolist(), [4, 5]);
    }
  });

  it("round-trips metadata, unicode and escapes included", () => {
    const metadata = { format: "pt", note: 'quotes " and \\ and\nnewlines\t✓', ключ: "значение", empty: "" };
    const back = decodeSafetensors(encodeSafetensors({ w: tg.ones([2]) }, metadata));
    assert.deepEqual(back.metadata, metadata);
    // A header with "__metadata__": null (allowed by the reference reader) means none.
    assert.deepEqual(decodeSafetensors(fromHeader({ __metadata__: null })).metadata, {});
  });

  it("reads PyTorch dtypes: F16 and BF16 as float32, I64/U8/I8/I16/U16/U32/U64 as int32", () => {
    const f16 = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0xfc00, 0x7e00, 0x3555];
    const bf16 = [0x3f80, 0xc020, 0x7f80, 0x0000];
    const u16le = (xs: number[]) => xs.flatMap((x) => [x & 0xff, x >> 8]);
    const i64 = new Uint8Array(new BigInt64Array([-5n, 2147483647n, -2147483648n]).buffer);
    const data = [
      ...u16le(f16), // 0..16
      ...u16le(bf16), // 16..24
      ...i64, // 24..48
      255,
      0, // U8 48..50
      0x80,
      0x7f, // I8 50..52
      ...u16le([0x8000]), // I16 52..54
      ...u16le([0xffff]), // U16 54..56
      ...new Uint8Array(new Uint32Array([2147483647]).buffer), // U32 56..60
      ...new Uint8Array(new BigUint64Array([42n]).buffer), // U64 60..68
    ];
    const header = {
      h: { dtype: "F16", shape: [8], data_offsets: [0, 16] },
      b: { dtype: "BF16", shape: [2, 2], data_offsets: [16, 24] },
      l: { dtype: "I64", shape: [3], data_offsets: [24, 48] },
      u8: { dtype: "U8", shape: [2], data_offsets: [48, 50] },
      i8: { dtype: "I8", shape: [2], data_offsets: [50, 52] },
      i16: { dtype: "I16", shape: [], data_offsets: [52, 54] },
      u16: { dtype: "U16", shape: [1], data_offsets: [54, 56] },
      u32: { dtype: "U32", shape: [1], data_offsets: [56, 60] },
      u64: { dtype: "U64", shape: [1], data_offsets: [60, 68] },
    };
    const { tensors, fileDTypes } = decodeSafetensors(fromHeader(header, data));
    assert.equal(tensors.h.dtype, "float32");
    const h = [...tensors.h.toArray()];
    assert.deepEqual(h.slice(0, 6), [1, -2, 65504, 2 ** -24, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    assert.ok(Number.isNaN(h[6]));
    assert.ok(Math.abs(h[7] - 1 / 3) < 1e-3);
    assert.deepEqual(tensors.b.tolist(), [
      [1, -2.5],
      [Number.POSITIVE_INFINITY, 0],
    ]);
    assert.equal(tensors.l.dtype, "int32");
    assert.deepEqual(tensors.l.tolist(), [-5, 2147483647, -2147483648]);
    assert.deepEqual(tensors.u8.tolist(), [255, 0]);
    assert.deepEqual(tensors.i8.tolist(), [-128, 127]);
    assert.deepEqual(tensors.i16.tolist(), -32768);
    assert.deepEqual(tensors.u16.tolist(), [65535]);
    assert.deepEqual(tensors.u32.tolist(), [2147483647]);
    assert.deepEqual(tensors.u64.tolist(), [42]);
    assert.equal(fileDTypes.l, "I64");
  });

  it("refuses integers outside int32 with a ValueError naming the tensor", () => {
    const big = new Uint8Array(new BigInt64Array([1n, 2147483648n]).buffer);
    rejects(fromHeader({ ids: { dtype: "I64", shape: [2], data_offsets: [0, 16] } }, big), /"ids".*2147483648.*int32/);
    const neg = new Uint8Array(new BigInt64Array([-2147483649n]).buffer);
    rejects(fromHeader({ ids: { dtype: "I64", shape: [1], data_offsets: [0, 8] } }, neg), /-2147483649/);
    rejects(fromHeader({ u: { dtype: "U32", shape: [1], data_offsets: [0, 4] } }, [0, 0, 0, 0x80]), /2147483648/);
    rejects(fromHeader({ u: { dtype: "U64", shape: [1], data_offsets: [0, 8] } }, [0, 0, 0, 0, 1, 0, 0, 0]), /4294967296/);
  });

  it("rejects every kind of malformed file with a clear ValueError, quickly", () => {
    const good = { x: { dtype: "F32", shape: [2], data_offsets: [0, 8] } };
    const data = f32(1, 2);
    rejects(new Uint8Array(0), /0 bytes, too short/);
    rejects(new Uint8Array(7), /7 bytes, too short/);
    rejects(new Uint8Array([100, 0, 0, 0, 0, 0, 0, 0, 123, 125]), /header length 100 runs past the end.*truncated/);
    rejects(new Uint8Array([255, 255, 255, 255, 255, 255, 255, 255, 123]), /over the 100000000-byte limit/);
    rejects(new Uint8Array([8, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0x7b, 0x7d, 32, 32, 32, 32]), /not valid UTF-8/);
    rejects(file('{"x": {"dtype": "F32",'), /not valid JSON/);
    rejects(file("[1, 2]"), /not a JSON object/);
    rejects(file("null"), /not a JSON object/);
    rejects(fromHeader({ x: { ...good.x, dtype: "F99" } }, data), /"x" has unknown dtype "F99"/);
    rejects(fromHeader({ x: { ...good.x, dtype: "F8_E4M3", shape: [8] } }, data), /F8_E4M3, which tensorgrad can't load/);
    rejects(fromHeader({ x: { shape: [2], data_offsets: [0, 8] } }, data), /no string "dtype"/);
    rejects(fromHeader({ x: 5 }, data), /entry for "x" is not an object/);
    rejects(fromHeader({ x: { ...good.x, shape: [-2] } }, data), /shape \[-2\]/);
    rejects(fromHeader({ x: { ...good.x, shape: [1.5] } }, data), /non-negative integers/);
    rejects(fromHeader({ x: { ...good.x, shape: "2" } }, data), /shape "2"/);
    rejects(fromHeader({ x: { ...good.x, data_offsets: [0, 8, 9] } }, data), /data_offsets \[0,8,9\]/);
    rejects(fromHeader({ x: { ...good.x, data_offsets: [8, 0] } }, data), /end before they begin/);
    rejects(fromHeader({ x: { ...good.x, data_offsets: [0, 16] } }, data), /beyond the 8-byte data section.*truncated/);
    rejects(fromHeader({ x: { ...good.x, shape: [3] } }, data), /needs 12 bytes but its data_offsets \[0, 8\] span 8/);
    // A shape whose size overflows anything allocatable fails on the size check, without allocating.
    rejects(fromHeader({ x: { ...good.x, shape: [1e9, 1e9, 1e9] } }, data), /needs .* bytes/);
    rejects(
      fromHeader({ x: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, y: { dtype: "F32", shape: [2], data_offsets: [4, 12] } }, [
        ...data,
        ...f32(3),
      ]),
      /"y" \(bytes 4..12\) overlaps tensor "x"/,
    );
    rejects(
      fromHeader({ x: { dtype: "F32", shape: [1], data_offsets: [0, 4] }, y: { dtype: "F32", shape: [1], data_offsets: [8, 12] } }, [
        ...data,
        ...f32(3),
      ]),
      /bytes 4..8 of the data section belong to no tensor/,
    );
    rejects(fromHeader(good, [...data, 1, 2, 3]), /3 trailing bytes/);
    rejects(fromHeader({}, [0]), /1 trailing bytes/);
    rejects(fromHeader({ __metadata__: { a: 1 } }), /"__metadata__" must map strings to strings/);
    rejects(fromHeader({ __metadata__: "x" }), /"__metadata__" must map strings to strings/);
    // The good file itself decodes.
    assert.deepEqual(decodeSafetensors(fromHeader(good, data)).tensors.x.tolist(), [1, 2]);
  });

  it("never crashes on truncated or bit-flipped files: each decodes or throws a ValueError", () => {
    const bytes = encodeSafetensors(
      { w: tg.randn([3, 4]), b: tg.zeros([4], { dtype: "float64" }), i: tg.tensor([1, 2], { dtype: "int32" }), m: tg.tensor([true]) },
      { format: "pt" },
    );
    let rejected = 0;
    for (let cut = 0; cut < bytes.length; cut++) {
      assert.throws(() => decodeSafetensors(bytes.subarray(0, cut)), tg.ValueError, `truncated at ${cut}`);
      rejected++;
    }
    const g = new tg.Generator(7);
    const positions = tg.randint(0, bytes.length, [600], { generator: g }).toArray();
    const values = tg.randint(0, 256, [600], { generator: g }).toArray();
    for (let k = 0; k < positions.length; k++) {
      const copy = bytes.slice();
      copy[positions[k]] = values[k];
      try {
        decodeSafetensors(copy);
      } catch (e) {
        assert.ok(e instanceof tg.ValueError, `flip at ${positions[k]} to ${values[k]} threw ${String(e)}`);
        rejected++;
      }
    }
    assert.ok(rejected > bytes.length, "the corrupted files were not rejected");
  });

  it("refuses to encode a tensor named __metadata__ or non-string metadata", () => {
    assert.throws(() => encodeSafetensors({ __metadata__: tg.ones([1]) }), tg.ValueError);
    assert.throws(() => encodeSafetensors({ x: tg.ones([1]) }, { n: 1 as unknown as string }), /metadata "n" must be a string/);
    assert.throws(() => encodeSafetensors({ x: [1, 2] as unknown as tg.Tensor }), /"x" is not a tensor/);
  });
});
