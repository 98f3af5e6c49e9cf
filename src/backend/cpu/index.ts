import { type AnyTypedArray, type DType, storageArrayFor } from "../../dtype.js";
import type { Backend, BackendBuffer, View } from "../backend.js";
import { adadelta } from "./adadelta.js";
import { axpy, copyInto, fillView } from "./copy.js";
import { binary, unary, where } from "./elementwise.js";
import { gather, scatter } from "./indexing.js";
import { addmm, matmul } from "./matmul.js";
import { argReduce, cumsum, logSoftmax, reduce } from "./reduce.js";
import { gruCell, gruCellBackward, lstmCell, lstmCellBackward } from "./rnn_cell.js";
import { cumExtremeIndices, searchSorted, sortIndices } from "./sort.js";
import { materialize } from "./strided.js";

/**
 * The reference backend: plain TypeScript over typed arrays, written to be obviously correct (fast
 * backends are tested against it) yet not naive: contiguous inputs are read without copying, each op has
 * its own loop, and matmul is cache-blocked.
 */
export const cpuBackend: Backend = {
  name: "cpu",
  device: "cpu",
  memory: "typed-array",
  alloc: (dtype: DType, size: number) => storageArrayFor(dtype, size),
  fromArray: (data: AnyTypedArray) => data.slice(),
  read: (view: View) => materialize(view).slice(),
  copy: (dst: View, src: View) => copyInto(dst, src),
  fill: (dst: View, value: number) => fillView(dst, value),
  axpy,
  adadelta,
  unary,
  binary,
  where,
  logSoftmax,
  lstmCell,
  lstmCellBackward,
  gruCell,
  gruCellBackward,
  reduce,
  argReduce,
  cumsum,
  sortIndices,
  cumExtremeIndices,
  searchSorted,
  matmul,
  addmm,
  gather,
  scatter: (dst: View, axis: number, index: View, src: View, mode: "assign" | "add"): BackendBuffer => scatter(dst, axis, index, src, mode),
};
