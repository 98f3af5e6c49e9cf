import type { Backend, BackendBuffer } from "../backend/backend.js";
import type { DType } from "../dtype.js";

/**
 * The memory behind one or more tensors. Views share a storage, and with it the version counter that
 * every in-place write bumps, so autograd can tell when a tensor it saved has been changed.
 */
export class Storage {
  version = 0;
  constructor(
    readonly backend: Backend,
    readonly buffer: BackendBuffer,
    readonly dtype: DType,
    readonly size: number,
  ) {}
}
