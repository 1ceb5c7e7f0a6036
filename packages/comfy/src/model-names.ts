/** ComfyUI model file names ↔ local model ids. */
const MODEL_EXT = /\.(safetensors|sft|ckpt|pt|pth|bin|gguf|onnx)$/i;

/** The local model a ComfyUI model file name refers to: same name, without folder and extension. */
export function matchModel(file: string, models: readonly string[]): string | undefined {
  const base = file.split(/[\\/]/).pop() ?? file;
  const stem = base.replace(MODEL_EXT, '').toLowerCase();
  return models.find((m) => m.toLowerCase() === stem || m.toLowerCase() === base.toLowerCase());
}
