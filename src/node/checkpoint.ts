/**
 * Checkpoint and safetensors files (Node only). Saves are atomic: the bytes go to a temporary file in the same
 * folder, which is flushed to disk and then renamed over the target, so a crash mid-write leaves the previous
 * checkpoint intact.
 */
import fs from "node:fs";
import path from "node:path";
import { ValueError } from "../errors.js";
import { type Checkpoint, type CheckpointInput, checkpointFromBytes, checkpointToBytes } from "../io/checkpoint.js";
import { type DecodedSafetensors, decodeSafetensors, encodeSafetensors, type SafetensorsEncodeOptions } from "../io/safetensors.js";
import { Tensor } from "../tensor/tensor.js";
import { removeStaleTemps, tempName } from "./stale_temps.js";

let counter = 0;

/**
 * Writes `bytes` to `file` atomically: a temporary file next to it is written, fsynced and renamed over `file`.
 * On any failure the temporary file is removed and `file` keeps its previous contents.
 *
 * @example
 * await writeFileAtomic("out/model.safetensors", bytes);
 */
export async function writeFileAtomic(file: string, bytes: Uint8Array): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  await removeStaleTemps(dir, path.basename(file));
  const tmp = path.join(dir, tempName(path.basename(file), process.pid, counter++));
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(tmp, "wx");
    let written = 0;
    while (written < bytes.byteLength) {
      const { bytesWritten } = await handle.write(bytes, written, bytes.byteLength - written);
      written += bytesWritten;
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.promises.rename(tmp, file);
  } catch (e) {
    await handle?.close().catch(() => {});
    await fs.promises.rm(tmp, { force: true }).catch(() => {});
    throw e;
  }
  // Persist the rename itself; not every platform can fsync a folder, and the data is safe either way.
  try {
    const d = await fs.promises.open(dir, "r");
    await d.sync().finally(() => d.close());
  } catch {
    // best effort
  }
}

async function readFile(file: string, where: string): Promise<Uint8Array> {
  try {
    return await fs.promises.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : (e as Error).message;
    const err = new ValueError(`${where}: can't read ${file}: ${reason}`);
    err.cause = e;
    throw err;
  }
}

function corrupt(file: string, where: string, e: unknown): never {
  if (!(e instanceof ValueError)) throw e;
  const err = new ValueError(`${where}: ${file} is truncated or corrupt: ${e.message}`);
  err.cause = e;
  throw err;
}

/**
 * Saves a checkpoint (model weights, optimizer state, config, training state) as a safetensors file, atomically.
 *
 * @example
 * import { saveCheckpoint, loadCheckpoint } from "tensorgrad/node";
 * await saveCheckpoint("ckpt.safetensors", { model, optimizer, trainingState: { epoch } });
 * const ckpt = await loadCheckpoint("ckpt.safetensors");
 * tg.io.restoreCheckpoint(ckpt, { model, optimizer });
 */
export async function saveCheckpoint(file: string, input: CheckpointInput): Promise<void> {
  await writeFileAtomic(file, checkpointToBytes(input));
}

/**
 * Reads a checkpoint written by `saveCheckpoint` (or any safetensors file). A missing, truncated or corrupt file
 * throws a `ValueError` naming the file and the problem.
 *
 * @example
 * const { modelState, trainingState } = await loadCheckpoint("ckpt.safetensors");
 */
export async function loadCheckpoint(file: string): Promise<Checkpoint> {
  const bytes = await readFile(file, "loadCheckpoint");
  try {
    return checkpointFromBytes(bytes);
  } catch (e) {
    return corrupt(file, "loadCheckpoint", e);
  }
}

/**
 * Writes named tensors as a safetensors file (atomically), loadable by `safetensors.torch.load_file`; `options`
 * stores float16/bfloat16 copies of float weights, or int32 tensors as int64 (see `encodeSafetensors`).
 *
 * @example
 * await saveSafetensors("weights.safetensors", model.stateDict());
 * await saveSafetensors("weights-f16.safetensors", model.stateDict(), undefined, { floatDType: "float16" });
 */
export async function saveSafetensors(
  file: string,
  tensors: Record<string, Tensor>,
  metadata?: Record<string, string>,
  options?: SafetensorsEncodeOptions,
): Promise<void> {
  // Tensors on a device read only asynchronously (webgpu) are read first, as torch.save reads CUDA tensors.
  const host: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(tensors)) host[name] = t instanceof Tensor && t._backend.asyncOnly ? await t.cpuAsync() : t;
  await writeFileAtomic(file, encodeSafetensors(host, metadata, options));
}

/**
 * Reads a safetensors file, such as one written by `safetensors.torch.save_file`.
 *
 * @example
 * const { tensors } = await loadSafetensors("model.safetensors");
 * model.loadStateDict(tensors);
 */
export async function loadSafetensors(file: string): Promise<DecodedSafetensors> {
  const bytes = await readFile(file, "loadSafetensors");
  try {
    return decodeSafetensors(bytes);
  } catch (e) {
    return corrupt(file, "loadSafetensors", e);
  }
}
