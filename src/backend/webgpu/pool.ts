/// <reference types="@webgpu/types" />

/** GPU memory in use by tensors and held in the pool for reuse, in bytes (`tg.webgpu.memory()`). */
export interface GpuMemoryStats {
  /** Bytes of buffers that live tensors (or queued work) hold. */
  inUseBytes: number;
  /** Bytes of free buffers kept for reuse. */
  pooledBytes: number;
  /** Buffers held in the pool. */
  pooledBuffers: number;
  /** Buffers in use. */
  inUseBuffers: number;
  /** Bytes ever requested from the device and not destroyed (in use + pooled). */
  reservedBytes: number;
}

const USAGE = 0x80 | 0x04 | 0x08; // STORAGE | COPY_SRC | COPY_DST (constants, so this file needs no GPU globals)

/** Size classes: powers of two up to 4 MiB, then multiples of 1 MiB, so recurring shapes reuse the same buffers. */
export function sizeClass(bytes: number): number {
  if (bytes <= 256) return 256;
  if (bytes <= 1 << 22) return 2 ** Math.ceil(Math.log2(bytes));
  return Math.ceil(bytes / (1 << 20)) * (1 << 20);
}

/**
 * A caching allocator like PyTorch's: freed buffers go back to a free list of their size class instead of to the
 * driver. A buffer freed while queued work may still use it waits in `deferred` until that work is submitted (the queue
 * runs in order, so later writes to it come after). `trim()` gives the pooled memory back to the driver.
 */
export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private deferred: GPUBuffer[] = [];
  private inUseBytes = 0;
  private inUseBuffers = 0;
  private pooledBytes = 0;
  private pooledBuffers = 0;

  constructor(private readonly device: GPUDevice) {}

  /** A buffer of at least `bytes` (its size class). */
  acquire(bytes: number): GPUBuffer {
    const size = sizeClass(bytes);
    const list = this.free.get(size);
    let buf = list?.pop();
    if (buf) {
      this.pooledBytes -= size;
      this.pooledBuffers--;
    } else {
      buf = this.device.createBuffer({ size, usage: USAGE });
    }
    this.inUseBytes += size;
    this.inUseBuffers++;
    return buf;
  }

  /** Returns a buffer; it becomes reusable after the next submit. */
  release(buf: GPUBuffer): void {
    this.deferred.push(buf);
  }

  /** Called right after a submit: what was released before it may now be handed out again. */
  afterSubmit(): void {
    for (const buf of this.deferred) {
      const size = buf.size;
      this.inUseBytes -= size;
      this.inUseBuffers--;
      this.pooledBytes += size;
      this.pooledBuffers++;
      const list = this.free.get(size);
      if (list) list.push(buf);
      else this.free.set(size, [buf]);
    }
    this.deferred = [];
  }

  /** Destroys every pooled buffer (memory goes back to the driver). */
  trim(): void {
    for (const list of this.free.values()) for (const buf of list) buf.destroy();
    this.free.clear();
    this.pooledBytes = 0;
    this.pooledBuffers = 0;
  }

  stats(): GpuMemoryStats {
    return {
      inUseBytes: this.inUseBytes,
      pooledBytes: this.pooledBytes,
      pooledBuffers: this.pooledBuffers,
      inUseBuffers: this.inUseBuffers,
      reservedBytes: this.inUseBytes + this.pooledBytes,
    };
  }
}
