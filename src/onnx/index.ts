/**
 * tensorgrad ONNX (`tg.onnx`): `tg.onnx.export(model, exampleInput, options)` writes a model built from `tg.nn`
 * layers as ONNX bytes that onnxruntime (web, node, mobile) runs. Browser-safe; `tensorgrad/node` adds
 * `exportOnnxFile`.
 */
export type { OnnxExportOptions } from "./export.js";
// Behind the argument rule (src/onnx/forms.ts).
export { exportOnnx as export, exportOnnx, loadOnnx as load, loadOnnx, OnnxModule } from "./forms.js";
