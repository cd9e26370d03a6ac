/**
 * The default command, `cutout <inputs...>`. For now it does one thing: `--mask-only` writes the segmentation
 * network's probability map, resized to the input, as a greyscale image. Full background removal (trimap,
 * matting, foreground, compositing) arrives with the pipeline and will extend `parseRemoveOptions` and
 * `runRemove`; every flag is parsed and checked in `parseRemoveOptions` alone.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { Command } from 'commander';
import { CutoutError } from '../../src/errors.ts';
import { parseDevice } from '../../src/inference/devices.ts';
import {
  decodeImage,
  encodeImage,
  formatFromPath,
  type OutputFormat,
  writeFileAtomic,
} from '../../src/io/index.ts';
import { DEFAULT_MODEL } from '../../src/models/resolve-model.ts';
import { collect, downloadReporter } from './models.ts';

/** Flags exactly as commander hands them over. */
export interface RawRemoveOptions {
  maskOnly?: boolean;
  model?: string;
  modelPath?: string;
  modelSpec?: string;
  verify?: boolean;
  offline?: boolean;
  acceptLicense?: string[];
  device?: string;
  threads?: string;
  output?: string;
  overwrite?: boolean;
}

/** Checked options: what `runRemove` acts on. */
export interface RemoveOptions {
  inputs: string[];
  maskOnly: true;
  model?: string;
  modelPath?: string;
  modelSpec?: string;
  verify: boolean;
  offline: boolean;
  acceptLicense: string[];
  device: string;
  threads?: number;
  /** A file (one input) or a folder (several inputs); undefined: beside each input. */
  output?: string;
  overwrite: boolean;
}

export function registerRemove(program: Command): void {
  program
    .command('remove', { isDefault: true })
    .description(
      'segment images with a network; for now only --mask-only (the probability map as a greyscale image)',
    )
    .argument('<inputs...>', 'image files')
    .option(
      '--mask-only',
      "write the model's foreground probability map, resized to the input, instead of a cutout",
    )
    .option('-m, --model <id>', `registry model (see \`cutout models list\`; default ${DEFAULT_MODEL})`)
    .option(
      '--model-path <file>',
      'a local .onnx file: with --model, that entry’s processing; with --model-spec, your own model',
    )
    .option('--model-spec <file>', 'JSON describing a custom model’s input and output (see docs/models.md)')
    .option('--verify', 'with --model and --model-path: check the file against the published hash')
    .option('--offline', 'never touch the network; a model that is not installed is an error')
    .option(
      '--accept-license <id>',
      'accept the non-commercial licence of this model (repeatable)',
      collect,
      [],
    )
    .option('--device <name>', 'cpu, cuda, tensorrt, webgpu, dml or coreml; falls back to cpu, loudly', 'cpu')
    .option('--threads <n>', 'threads for the network (default: all cores)')
    .option(
      '-o, --output <path>',
      'output file (one input) or folder (several inputs); default <name>.mask.png beside the input',
    )
    .option('--overwrite', 'replace existing output files')
    .action(async (inputs: string[], raw: RawRemoveOptions) => {
      await runRemove(parseRemoveOptions(inputs, raw));
    });
}

export function parseRemoveOptions(inputs: string[], raw: RawRemoveOptions): RemoveOptions {
  if (!raw.maskOnly) {
    throw new CutoutError(
      'CUTOUT_E_INVALID_OPTION',
      'full background removal arrives with the pipeline; use --mask-only',
    );
  }
  if (raw.modelSpec !== undefined && raw.model !== undefined) {
    throw new CutoutError('CUTOUT_E_INVALID_OPTION', 'give either --model or --model-spec, not both');
  }
  if (raw.modelSpec !== undefined && raw.modelPath === undefined) {
    throw new CutoutError(
      'CUTOUT_E_INVALID_OPTION',
      '--model-spec needs the model file too: --model-path <file.onnx>',
    );
  }
  if (raw.verify && (raw.modelPath === undefined || raw.modelSpec !== undefined)) {
    throw new CutoutError(
      'CUTOUT_E_INVALID_OPTION',
      '--verify checks a --model-path file against a registry --model',
    );
  }
  let threads: number | undefined;
  if (raw.threads !== undefined) {
    threads = Number(raw.threads);
    if (!(Number.isInteger(threads) && threads >= 1)) {
      throw new CutoutError(
        'CUTOUT_E_INVALID_OPTION',
        `--threads must be a whole number ≥ 1, got '${raw.threads}'`,
      );
    }
  }
  if (raw.output !== undefined) {
    const format = formatFromPath(raw.output);
    if (
      inputs.length === 1 &&
      format === undefined &&
      extname(raw.output) !== '' &&
      !raw.output.endsWith('/')
    ) {
      throw new CutoutError(
        'CUTOUT_E_INVALID_OPTION',
        `cannot tell the image format from '${raw.output}'; use .png, .webp or .tiff`,
      );
    }
  }
  return {
    inputs,
    maskOnly: true,
    model: raw.model,
    modelPath: raw.modelPath,
    modelSpec: raw.modelSpec,
    verify: raw.verify ?? false,
    offline: raw.offline ?? false,
    acceptLicense: raw.acceptLicense ?? [],
    device: parseDevice(raw.device ?? 'cpu'),
    threads,
    output: raw.output,
    overwrite: raw.overwrite ?? false,
  };
}

export async function runRemove(options: RemoveOptions): Promise<void> {
  const targets = await outputPaths(options);
  // Loaded here, not at the top: onnxruntime's native library costs startup time every other command would pay.
  const { segment } = await import('../../src/inference/segment.ts');
  const reporter = downloadReporter();
  for (let i = 0; i < options.inputs.length; i++) {
    const input = options.inputs[i];
    const { colour } = await decodeImage(input);
    const result = await segment(colour, {
      model: options.model,
      modelPath: options.modelPath,
      modelSpec: options.modelSpec,
      verify: options.verify,
      offline: options.offline,
      acceptLicense: options.acceptLicense,
      device: options.device,
      threads: options.threads,
      onDownloadStart: reporter.onStart,
      onProgress: reporter.onProgress,
    }).finally(reporter.stop);
    const mask = result.toImage();
    const target = targets[i];
    const format: OutputFormat = formatFromPath(target) ?? 'png';
    const bytes = await encodeImage(
      { colour: { data: mask.data, width: mask.width, height: mask.height, channels: 1 } },
      { format, ...(format === 'webp' ? { lossless: true } : {}) },
    );
    await writeFileAtomic(target, bytes, { inputs: options.inputs, overwrite: options.overwrite });
  }
}

/** One output path per input: the -o file, files in the -o folder, or `<name>.mask.png` beside each input. */
async function outputPaths(options: RemoveOptions): Promise<string[]> {
  const { inputs, output } = options;
  const derived = (input: string, folder: string) =>
    join(folder, `${basename(input, extname(input))}.mask.png`);
  if (output === undefined) return inputs.map((input) => derived(input, dirname(input)));
  const isFolder =
    output.endsWith('/') || (await stat(output).catch(() => undefined))?.isDirectory() === true;
  if (isFolder) {
    const names = inputs.map((input) => derived(input, output));
    if (new Set(names).size !== names.length) {
      throw new CutoutError(
        'CUTOUT_E_INVALID_OPTION',
        'two inputs share a name; their masks would overwrite each other',
      );
    }
    return names;
  }
  if (inputs.length > 1) {
    throw new CutoutError(
      'CUTOUT_E_INVALID_OPTION',
      `with ${inputs.length} inputs, -o must be a folder (end it with /)`,
    );
  }
  return [output];
}
