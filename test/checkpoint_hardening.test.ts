import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { saveSafetensors } from "tensorgrad/node";
import { tg } from "./helpers.ts";

const { io, nn, optim } = tg;

/** Safetensors bytes with `header` as its JSON text and `data` bytes after it. */
function raw(header: string, data = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof tg.ValueError, `not a ValueError: ${(e as Error)?.stack}`);
    return e.message;
  }
  return "no error";
}

const entry = (begin: number, end: number) => `{"dtype":"F32","shape":[1],"data_offsets":[${begin},${end}]}`;

describe("safetensors header limits", () => {
  it("refuses duplicate tensor names and a duplicate __metadata__, as Python's reader does", () => {
    const bytes = raw(`{"w":${entry(0, 4)},"w":${entry(4, 8)}}`, new Uint8Array(8));
    assert.equal(
      message(() => io.decodeSafetensors(bytes)),
      'decodeSafetensors: the header has the tensor name "w" twice',
    );
    const meta = raw(`{"__metadata__":{"a":"1"},"__metadata__":{"a":"2"}}`);
    assert.match(
      message(() => io.decodeSafetensors(meta)),
      /the header has the tensor name "__metadata__" twice/,
    );
    const key = raw(`{"__metadata__":{"a":"1","a":"2"}}`);
    assert.match(
      message(() => io.decodeSafetensors(key)),
      /the header has the key "a" twice/,
    );
    // Escapes spell the same name.
    const escaped = raw(`{"w":${entry(0, 4)},"\\u0077":${entry(4, 8)}}`, new Uint8Array(8));
    assert.match(
      message(() => io.decodeSafetensors(escaped)),
      /tensor name "w" twice/,
    );
  });

  it("refuses deep nesting and too many tensors before parsing", () => {
    const deep = raw(`{"__metadata__":${"[".repeat(100_000)}${"]".repeat(100_000)}}`);
    assert.equal(
      message(() => io.decodeSafetensors(deep)),
      "decodeSafetensors: the header nests deeper than 8 levels (the file is corrupt or hostile)",
    );
    const parts: string[] = [];
    for (let i = 0; i <= io.MAX_SAFETENSORS_TENSORS; i++) parts.push(`"t${i}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`);
    const many = raw(`{${parts.join(",")}}`);
    assert.match(
      message(() => io.decodeSafetensors(many)),
      /more than 100000 entries in one object/,
    );
  });
});

describe("checkpoint validation", () => {
  const model = () => {
    tg.manualSeed(0);
    return new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1));
  };
  /** A checkpoint after one Adam step, with its metadata rewritten by `edit`. */
  function checkpoint(edit: (meta: Record<string, string>) => void = () => {}): Uint8Array {
    const m = model();
    const opt = new optim.Adam(m.parameters(), { lr: 0.01 });
    m(tg.ones([4, 2]))
      .sum()
      .backward();
    opt.step();
    const { tensors, metadata } = io.decodeSafetensors(io.checkpointToBytes({ model: m, optimizer: opt, trainingState: { epoch: 1 } }));
    edit(metadata);
    return io.encodeSafetensors(tensors, metadata);
  }

  it("refuses deeply nested metadata JSON with a ValueError, not a stack overflow", () => {
    const bytes = checkpoint((meta) => {
      meta["tensorgrad.config"] = `${"[".repeat(200_000)}${"]".repeat(200_000)}`;
    });
    assert.equal(
      message(() => io.checkpointFromBytes(bytes)),
      'checkpointFromBytes: the metadata "tensorgrad.config" nests deeper than 32 levels (the file is corrupt or hostile)',
    );
  });

  it("refuses a generator state that is not the generator's 6 numbers instead of corrupting it", () => {
    const bytes = checkpoint((meta) => {
      meta["tensorgrad.training_state"] = JSON.stringify({ epoch: 1, rngState: ["a", "b", "c", "d", "e", "f"] });
    });
    const ckpt = io.checkpointFromBytes(bytes);
    assert.match(
      message(() => io.restoreCheckpoint(ckpt, { model: model() })),
      /rngState must be the generator's 6 numbers/,
    );
  });

  it("refuses a misspelled, missing or misshapen optimizer state when it loads, not later in step()", () => {
    const load = (edit: (s: string) => string) => {
      const ckpt = io.checkpointFromBytes(
        checkpoint((meta) => {
          meta["tensorgrad.optimizer"] = edit(meta["tensorgrad.optimizer"]);
        }),
      );
      const m = model();
      return message(() => io.loadOptimizerState(new optim.Adam(m.parameters()), ckpt));
    };
    assert.equal(
      load((s) => s),
      "no error",
    );
    assert.match(
      load((s) => s.replace(/"expAvgSq"/g, '"expA6gSq"')),
      /state 0 has an unknown key "expA6gSq"; Adam keeps step, expAvg, expAvgSq, maxExpAvgSq/,
    );
    assert.match(
      load((s) => s.replace(/"lr":0\.01/, '"lr":"abc"')),
      /parameter group 0's option "lr" is "abc", not a number/,
    );
    assert.match(
      load((s) => s.replace(/"betas":\[[^\]]*\]/, '"betas":[1]')),
      /option "betas" is \[1\], not a list of 2 numbers/,
    );
    assert.match(
      load((s) => s.replace(/"step":1/, '"step":-3')),
      /state 0's step is -3/,
    );
    assert.match(
      load((s) => s.replace(/"lr":0\.01/, '"lr":0.01,"evil":1')),
      /unknown option "evil"/,
    );
    // A state tensor of another parameter's shape.
    const swapped = io.checkpointFromBytes(checkpoint());
    const s0 = swapped.optimizerState?.state[0] as Record<string, tg.Tensor>;
    s0.expAvg = tg.zeros([5]);
    assert.match(
      message(() => io.loadOptimizerState(new optim.Adam(model().parameters()), swapped)),
      /state 0's "expAvg" has shape \[5\], but its parameter has shape \[3, 2\]/,
    );
  });
});

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

describe("checkpoint reader fuzz", () => {
  it("3,000 mutated checkpoints: each loads or gets a ValueError, never another error", () => {
    tg.manualSeed(1);
    const m = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.Linear(4, 2));
    const opt = new optim.Adam(m.parameters());
    m.train();
    m(tg.randn([5, 3]))
      .sum()
      .backward();
    opt.step();
    const good = io.checkpointToBytes({
      model: m,
      optimizer: opt,
      config: { hidden: [4], tags: ["a"] },
      trainingState: { epoch: 2, best: 0.5 },
    });
    const headerEnd = 8 + new DataView(good.buffer).getUint32(0, true);
    const random = rng(11);
    const outcomes = { loaded: 0, refused: 0 };
    for (let trial = 0; trial < 3000; trial++) {
      const bytes = good.slice();
      const edits = 1 + Math.floor(random() * 3);
      for (let e = 0; e < edits; e++) {
        // Mostly the header (where the structure is), sometimes the length or the data.
        const r = random();
        const at =
          r < 0.1 ? Math.floor(random() * 8) : r < 0.85 ? 8 + Math.floor(random() * (headerEnd - 8)) : Math.floor(random() * bytes.length);
        const kind = random();
        if (kind < 0.5) bytes[at] = Math.floor(random() * 256);
        else if (kind < 0.8) bytes[at] = '{}[]",:0123456789-e.\\ '[Math.floor(random() * 22)].charCodeAt(0);
        else bytes[at] ^= 1 << Math.floor(random() * 8);
      }
      try {
        const ckpt = io.checkpointFromBytes(random() < 0.1 ? bytes.subarray(0, Math.floor(random() * bytes.length)) : bytes);
        const fresh = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.Linear(4, 2));
        io.restoreCheckpoint(ckpt, { model: fresh, optimizer: new optim.Adam(fresh.parameters()), restoreRngState: false });
        outcomes.loaded++;
      } catch (e) {
        assert.ok(e instanceof tg.TensorGradError, `trial ${trial}: ${(e as Error)?.stack}`);
        outcomes.refused++;
      }
    }
    assert.ok(outcomes.loaded > 0 && outcomes.refused > 0, JSON.stringify(outcomes));
  });
});

describe("atomic saves", () => {
  it("remove the temporary files a killed save left behind, and only those", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tg-stale-"));
    // A pid that is certainly gone: a process that has exited.
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    const stale = join(dir, `.model.safetensors.${gone}.${Date.now()}.0.tmp`);
    const running = join(dir, `.model.safetensors.${process.ppid}.${Date.now()}.0.tmp`);
    const other = join(dir, `.other.safetensors.${gone}.${Date.now()}.0.tmp`);
    for (const f of [stale, running, other]) writeFileSync(f, "partial");
    await saveSafetensors(join(dir, "model.safetensors"), { w: tg.ones([2]) });
    assert.ok(!existsSync(stale), "the dead writer's temporary file is still there");
    assert.ok(existsSync(running), "a live writer's temporary file was removed");
    assert.ok(existsSync(other), "another file's temporary file was removed");
    assert.ok(existsSync(join(dir, "model.safetensors")));
  });
});
