/**
 * Sizes (in elements, or multiply-adds for matmul) below which ops stay on the CPU reference kernels, where the cost of
 * copying operands in and out of WASM memory and of the call outweighs the faster loop. Measured by timing both paths on small shapes (the two cross near these sizes).
 * Tests set them to 0 to exercise the kernels on small shapes.
 */
export const thresholds = {
  elementwise: 512,
  reduce: 512,
  matmul: 4096,
  /** Multiply-adds (m·n·k) from which a float32 matmul is split over threads (see `setNumThreads`). */
  threads: 2 ** 21,
};
