/**
 * tensorgrad ONNX (`tg.onnx`): `tg.onnx.export(model, exampleInput, options)` writes a model built from `tg.nn`
 * layers as ONNX bytes that onnxruntime (web, node, mobile) runs. Browser-safe; `tensorgrad/node` adds
 * `exportOnnxFile`.
 */
export { exportOnnx as export, exportOnnx, type OnnxExportOptions } from "./export.js";
export { loadOnnx as load, loadOnnx, OnnxModule } from "./import.js";
