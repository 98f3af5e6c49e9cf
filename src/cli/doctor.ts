import { existsSync } from "node:fs";
import { getNumThreads } from "../backend/registry.js";
import { variantSupported } from "../backend/wasm/module.js";
import * as webgpu from "../webgpu.js";
import { type FlagSpec, helpText, parseFlags } from "./args.js";

const FLAGS: Record<string, FlagSpec> = {
  help: { type: "boolean", description: "Show this help" },
};

const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";

/** What to install for WebGPU on this platform when no adapter was found. */
function installHint(): string[] {
  switch (process.platform) {
    case "darwin":
      return ["macOS: WebGPU runs on Metal with no extra install; check that `npm ls webgpu` shows the package."];
    case "win32":
      return ["Windows: WebGPU runs on D3D12 with no extra install; update the GPU driver, and check `npm ls webgpu`."];
    default: {
      const lines = [
        "Linux with a GPU: install its Vulkan driver (NVIDIA's driver ships one; AMD/Intel: `apt-get install mesa-vulkan-drivers`) and `libvulkan1`.",
        "Linux without a GPU (correct but slow): a software Vulkan driver, e.g. Mesa's lavapipe (`apt-get install mesa-vulkan-drivers libvulkan1`, Mesa ≥ 23)",
        `  or the SwiftShader that Debian's chromium package ships: \`apt-get install chromium libvulkan1\`, then export VK_DRIVER_FILES=${SWIFTSHADER_ICD}.`,
      ];
      if (existsSync(SWIFTSHADER_ICD) && !process.env.VK_DRIVER_FILES)
        lines.push(`SwiftShader is installed here: try VK_DRIVER_FILES=${SWIFTSHADER_ICD} tensorgrad doctor`);
      return lines;
    }
  }
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** `tensorgrad doctor`: the CPU backend in use and the WebGPU adapter (or what to install to get one). */
export async function doctorCommand(argv: readonly string[]): Promise<void> {
  const flags = parseFlags(argv, FLAGS);
  if (flags.help) {
    console.log(helpText("tensorgrad doctor", "Print the devices tensorgrad can use here: the CPU backend and the WebGPU adapter.", FLAGS));
    return;
  }
  const simd = variantSupported("simd");
  console.log(
    `cpu     ${simd ? "wasm (WebAssembly SIMD)" : "cpu (reference; this engine has no WebAssembly SIMD)"}, ${getNumThreads()} thread(s)`,
  );
  try {
    const info = await webgpu.init();
    console.log(`webgpu  ${info.vendor || "?"} ${info.architecture || ""} ${info.description || info.device || ""}`.trimEnd());
    console.log(`        via ${info.source}${info.isFallbackAdapter ? ", fallback adapter" : ""}`);
    if (info.isSoftware) {
      console.log("        a software adapter (runs on the CPU): results are correct but slow; use it to test, not to train fast");
    }
    const l = info.limits;
    console.log(
      `        limits: buffer ${mib(l.maxBufferSize)}, storage binding ${mib(l.maxStorageBufferBindingSize)}, ` +
        `${l.maxStorageBuffersPerShaderStage} storage buffers per stage, workgroup memory ${l.maxComputeWorkgroupStorageSize} B, ` +
        `${l.maxComputeInvocationsPerWorkgroup} invocations per workgroup`,
    );
  } catch (e) {
    const message = (e as Error).message;
    console.log(`webgpu  not available: ${message.includes("no WebGPU adapter") ? "no WebGPU adapter was found" : message}`);
    for (const line of installHint()) console.log(`        ${line}`);
  }
}
