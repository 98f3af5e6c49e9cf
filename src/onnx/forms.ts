import { withCallForms, withConstructorForm } from "../arity.js";
import * as E from "./export.js";
import * as I from "./import.js";

// tg.onnx as exported: an extra positional argument or an unknown option throws an ArgumentError (src/arity.ts).

export const { exportOnnx } = withCallForms(E, {
  exportOnnx: "model, exampleInput; opsetVersion, inputNames, outputNames, dynamicAxes, graphName",
});
export const { loadOnnx } = withCallForms(I, { loadOnnx: "bytes" });
export const OnnxModule = withConstructorForm("OnnxModule", I.OnnxModule, "proto");
export type OnnxModule = I.OnnxModule;
