/// <reference types="@webgpu/types" />
import type { DType } from "../../dtype.js";
import { DeviceError, IndexError } from "../../errors.js";
import type { AdapterInfo } from "./gpu.js";
import { BufferPool } from "./pool.js";

/** The handle a webgpu tensor's storage holds: a pooled GPU buffer of 4-byte elements (bool as u32). */
export class GpuBuffer {
  constructor(
    readonly buffer: GPUBuffer,
    readonly dtype: DType,
    readonly size: number,
  ) {}
}

/** A buffer bound to one binding of a dispatch. */
export type Binding = GPUBuffer;

const MAP_READ = 0x01;
const COPY_DST = 0x08;
const MAP_MODE_READ = 0x01;
/** Workgroup size of the one-dimensional kernels. */
export const WG = 256;
/** Largest host write (bytes) used instead of a dispatch to fill a buffer that no recorded work uses. */
const SMALL_WRITE = 1 << 16;
/** Dispatches recorded before the batch is submitted without waiting for a read. */
const MAX_BATCH = 256;

/**
 * One WebGPU device and the queue in front of it. Kernels are recorded into one command encoder (one compute pass) and
 * submitted in batches: at a read, at `synchronize()`, or past `MAX_BATCH` dispatches; nothing waits for the GPU in
 * between. Every dispatch gets its parameters (sizes, strides, offsets) from one arena of small integers written once per
 * submit. Index kernels that meet an out-of-range index set an error word that the next read reports, as CUDA's
 * device-side asserts do.
 */
export class Runtime {
  readonly pool: BufferPool;
  private readonly pipelines = new Map<string, { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout }>();
  /** Buffers bound by the work recorded since the last submit: a host write to one of them must wait for the submit. */
  private readonly recorded = new Set<GPUBuffer>();
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private dispatches = 0;
  private meta: Int32Array = new Int32Array(1 << 14);
  private metaUsed = 0;
  private metaBuffer: GPUBuffer;
  private readonly metaAlign: number;
  /** One word: nonzero once an index kernel met an index out of range (the first such kernel's code). */
  readonly errorBuffer: GPUBuffer;
  private readonly release = new FinalizationRegistry<GPUBuffer>((buf) => this.pool.release(buf));
  private firstError: string | null = null;
  private lost: string | null = null;
  readonly maxWorkgroups: number;

  constructor(
    readonly device: GPUDevice,
    readonly info: AdapterInfo,
  ) {
    this.pool = new BufferPool(device);
    this.metaAlign = Math.max(1, (device.limits.minStorageBufferOffsetAlignment ?? 256) / 4);
    this.maxWorkgroups = device.limits.maxComputeWorkgroupsPerDimension ?? 65535;
    this.metaBuffer = device.createBuffer({ size: this.meta.byteLength, usage: 0x80 | COPY_DST });
    this.errorBuffer = device.createBuffer({ size: 256, usage: 0x80 | 0x04 | COPY_DST });
    device.addEventListener("uncapturederror", (e) => {
      this.firstError ??= (e as GPUUncapturedErrorEvent).error.message;
    });
    void device.lost.then((info) => {
      this.lost = info.message || info.reason || "lost";
    });
  }

  /** A new tensor buffer of `size` elements (contents undefined until a kernel writes it). */
  alloc(dtype: DType, size: number): GpuBuffer {
    this.check();
    const limit = this.device.limits.maxStorageBufferBindingSize;
    if (size * 4 > limit) {
      throw new DeviceError(
        `webgpu: a tensor of ${size} elements (${size * 4} bytes) is larger than this adapter lets a kernel bind (maxStorageBufferBindingSize = ${limit} bytes); split it, or keep it on the cpu`,
      );
    }
    const buf = this.pool.acquire(Math.max(size, 1) * 4);
    const handle = new GpuBuffer(buf, dtype, size);
    this.release.register(handle, buf);
    return handle;
  }

  /** A scratch buffer for a kernel's intermediate result; give it back with `releaseScratch` after its last dispatch. */
  scratch(bytes: number): GPUBuffer {
    return this.pool.acquire(bytes);
  }

  /** Returns a scratch buffer; it is reused only after the work recorded so far is submitted. */
  releaseScratch(buf: GPUBuffer): void {
    this.pool.release(buf);
  }

  /** Uploads `data` (4-byte elements) into `buf` at `byteOffset`, in queue order. */
  write(buf: GPUBuffer, data: ArrayBufferView, byteOffset = 0): void {
    this.device.queue.writeBuffer(buf, byteOffset, data.buffer, data.byteOffset, data.byteLength);
  }

  /** The compiled pipeline of a WGSL source (one `main` entry point) and its bind group layout, cached by the text. */
  private pipeline(source: string): { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout } {
    let p = this.pipelines.get(source);
    if (!p) {
      const module = this.device.createShaderModule({ code: source });
      const pipeline = this.device.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "main" } });
      p = { pipeline, layout: pipeline.getBindGroupLayout(0) };
      this.pipelines.set(source, p);
    }
    return p;
  }

  /**
   * Whether the host may write `buf` now with `write` (queue writes run before the recorded, unsubmitted work, so only
   * a buffer that work does not use may be written directly).
   */
  canWriteNow(buf: GPUBuffer): boolean {
    return !this.recorded.has(buf);
  }

  /** Zero-fills `bytes` of `buf` from the start, in queue order with the recorded work. */
  clear(buf: GPUBuffer, bytes: number): void {
    if (bytes === 0) return;
    if (bytes <= SMALL_WRITE && this.canWriteNow(buf)) {
      this.write(buf, new Uint8Array(bytes));
      return;
    }
    this.endPass();
    this.commandEncoder().clearBuffer(buf, 0, bytes);
    this.recorded.add(buf);
  }

  /**
   * Records one dispatch of `source`: binding 0 is its parameters (`meta`, as i32), then `buffers` in order.
   * `groups` workgroups are laid out in x (then y past the per-dimension limit); kernels recover the linear
   * workgroup index as `wid.x + wid.y * nwg.x`.
   */
  dispatch(source: string, meta: ArrayLike<number>, buffers: readonly Binding[], groups: number): void {
    if (groups === 0) return;
    this.check();
    const { pipeline, layout } = this.pipeline(source);
    const at = this.reserveMeta(meta);
    const entries: GPUBindGroupEntry[] = [
      { binding: 0, resource: { buffer: this.metaBuffer, offset: at * 4, size: Math.max(meta.length, 1) * 4 } },
    ];
    for (let i = 0; i < buffers.length; i++) {
      entries.push({ binding: i + 1, resource: { buffer: buffers[i] } });
      this.recorded.add(buffers[i]);
    }
    const bindGroup = this.device.createBindGroup({ layout, entries });
    const pass = this.computePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    const x = Math.min(groups, this.maxWorkgroups);
    pass.dispatchWorkgroups(x, Math.ceil(groups / x));
    if (++this.dispatches >= MAX_BATCH) this.flush();
  }

  /** Records a buffer-to-buffer copy (byte offsets and size multiples of 4). */
  copyBuffer(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    if (bytes === 0) return;
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
    this.recorded.add(src);
    this.recorded.add(dst);
  }

  /** Submits what has been recorded. */
  flush(): void {
    if (!this.encoder) return;
    this.endPass();
    if (this.metaUsed > 0) this.write(this.metaBuffer, this.meta.subarray(0, this.metaUsed));
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.recorded.clear();
    this.dispatches = 0;
    this.metaUsed = 0;
    this.pool.afterSubmit();
  }

  /** Submits and waits until the device has done everything recorded so far; reports errors the device met. */
  async synchronize(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    this.check();
  }

  /**
   * Copies `bytes` from `src` at `byteOffset` to the host (after everything recorded before), with the error word; an
   * index error raised by a kernel since the last read is thrown here.
   */
  async readBytes(src: GPUBuffer, byteOffset: number, bytes: number): Promise<ArrayBuffer> {
    const staging = this.device.createBuffer({ size: bytes + 4, usage: MAP_READ | COPY_DST });
    this.copyBuffer(src, byteOffset, staging, 0, bytes);
    this.copyBuffer(this.errorBuffer, 0, staging, bytes, 4);
    this.flush();
    try {
      await staging.mapAsync(MAP_MODE_READ);
    } catch (e) {
      this.check();
      throw new DeviceError(`webgpu: reading a tensor failed: ${(e as Error).message}`);
    }
    const out = staging.getMappedRange().slice(0);
    staging.unmap();
    staging.destroy();
    this.check();
    const code = new Uint32Array(out, bytes, 1)[0];
    if (code !== 0) {
      this.write(this.errorBuffer, new Uint32Array(1));
      throw new IndexError(
        `webgpu: ${INDEX_ERRORS[code] ?? "an index"} was out of range in a kernel queued before this read (reported at the next read, like CUDA's device-side asserts)`,
      );
    }
    return out.slice(0, bytes);
  }

  /** Throws what the device reported since the last check (a lost device, a validation error). */
  check(): void {
    if (this.lost !== null) throw new DeviceError(`webgpu: the device was lost (${this.lost}); call tg.webgpu.init() again`);
    if (this.firstError !== null) {
      const message = this.firstError;
      this.firstError = null;
      throw new DeviceError(`webgpu: the device reported an error: ${message}`);
    }
  }

  private reserveMeta(meta: ArrayLike<number>): number {
    const at = Math.ceil(this.metaUsed / this.metaAlign) * this.metaAlign;
    const need = at + Math.max(meta.length, 1);
    if (need > this.meta.length) {
      if (this.encoder) {
        this.flush();
        return this.reserveMeta(meta);
      }
      // One dispatch's parameters larger than the arena: grow it (only before anything is recorded).
      this.meta = new Int32Array(2 ** Math.ceil(Math.log2(need)));
      this.metaBuffer.destroy();
      this.metaBuffer = this.device.createBuffer({ size: this.meta.byteLength, usage: 0x80 | COPY_DST });
    }
    for (let i = 0; i < meta.length; i++) this.meta[at + i] = meta[i];
    this.metaUsed = need;
    return at;
  }

  private commandEncoder(): GPUCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder();
    return this.encoder;
  }

  private computePass(): GPUComputePassEncoder {
    this.pass ??= this.commandEncoder().beginComputePass();
    return this.pass;
  }

  private endPass(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
  }
}

/** What the error word's codes mean (set by the index kernels). */
export const INDEX_ERRORS: Record<number, string> = {
  1: "an index of gather",
  2: "an index of scatter",
};
