import { installCallForms, withCallForms, withConstructorForm } from "../../arity.js";
import * as SG from "../sparse_grad.js";
import * as R from "./rnn.js";

// tg.nn.utils's classes and the sparse-gradient helpers as exported: an extra argument or an unknown option throws an
// ArgumentError (src/arity.ts). clipGradNorm_, clipGradValue_, parametersToVector, vectorToParameters and the
// packing functions read their arguments with a Signature themselves.

export const PackedSequence = withConstructorForm("PackedSequence", R.PackedSequence, "data, batchSizes, sortedIndices, unsortedIndices");
export type PackedSequence = R.PackedSequence;
export const SparseGrad = withConstructorForm("SparseGrad", SG.SparseGrad, "indices, values, shape, isCoalesced");
export type SparseGrad = SG.SparseGrad;
export const { accumulateSparseGrad, clearSparseGrad, sparseGrad } = withCallForms(SG, {
  accumulateSparseGrad: "param, g",
  clearSparseGrad: "param",
  sparseGrad: "param",
});
installCallForms(SG.SparseGrad.prototype, { coalesce: "", toDense: "", add: "other" });
