/**
 * The one options schema of background removal (TypeBox): it gives the TypeScript types, the validation and
 * defaults, the command line's flags (cli/commands/remove.ts builds them from `cli` below), the documentation
 * (docs/cli.md) and, later, the HTTP parameters. An option that takes a local file path is marked
 * `local: true` (`local: 'file'` when only one of its forms is a path, as `--bg`): a network service must
 * not accept such a path from a request.
 *
 * `RemoveOptions` are about one image (what the library and a request take); `BatchOptions` only make sense
 * for the command line's files and folders.
 */
import Type, { type Static, type TSchema } from 'typebox';
import Value from 'typebox/value';
import { CutoutError } from '../errors.ts';
import { DEFAULT_MAX_PIXELS } from '../io/decode.ts';
import { parseBox } from '../segment/prompts.ts';

export const REFINE_MODES = ['matting', 'fast', 'none'] as const;
export type RefineMode = (typeof REFINE_MODES)[number];
export const ENGINES = ['auto', 'model', 'studio', 'chroma'] as const;
export type EngineChoice = (typeof ENGINES)[number];
export const REMOVE_FORMATS = ['png', 'webp', 'avif', 'jpg', 'jpeg', 'tiff', 'zip'] as const;
export type RemoveFormat = (typeof REMOVE_FORMATS)[number];

/** How an option appears on the command line. */
export interface CliFlag {
  /** Commander flag syntax, e.g. '-m, --model <id>'. */
  flag: string;
  /** Repeatable: every occurrence is collected into an array. */
  repeatable?: boolean;
}

export const RemoveOptionsSchema = Type.Object(
  {
    engine: Type.Optional(
      Type.Union(
        [Type.Literal('auto'), Type.Literal('model'), Type.Literal('studio'), Type.Literal('chroma')],
        {
          default: 'auto',
          description:
            'what makes the coarse mask: auto (a network model, falling back to the studio segmenter or chroma key when none is installed), model, studio, chroma',
          cli: { flag: '--engine <name>' },
        },
      ),
    ),
    model: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'registry model id (see `cutout models list`); default: birefnet-general-lite',
        cli: { flag: '-m, --model <id>' },
      }),
    ),
    modelPath: Type.Optional(
      Type.String({
        minLength: 1,
        local: true,
        description:
          'a local .onnx file: with --model, that entry’s processing; with --model-spec, your own model',
        cli: { flag: '--model-path <file>' },
      }),
    ),
    modelSpec: Type.Optional(
      Type.String({
        minLength: 1,
        local: true,
        description: 'JSON describing a custom model’s input and output (see docs/models.md)',
        cli: { flag: '--model-spec <file>' },
      }),
    ),
    verify: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'with --model and --model-path: check the file against the published hash',
        cli: { flag: '--verify' },
      }),
    ),
    offline: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'never touch the network: a model that is not installed is not downloaded',
        cli: { flag: '--offline' },
      }),
    ),
    acceptLicense: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        default: [],
        description: 'accept the non-commercial licence of this model (repeatable)',
        cli: { flag: '--accept-license <id>', repeatable: true },
      }),
    ),
    device: Type.Optional(
      Type.Union(
        [
          Type.Literal('cpu'),
          Type.Literal('cuda'),
          Type.Literal('tensorrt'),
          Type.Literal('webgpu'),
          Type.Literal('dml'),
          Type.Literal('coreml'),
        ],
        {
          default: 'cpu',
          description: 'where the network runs; falls back to cpu, loudly',
          cli: { flag: '--device <name>' },
        },
      ),
    ),
    threads: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'threads for the network (default: all cores)',
        cli: { flag: '--threads <n>' },
      }),
    ),
    mask: Type.Optional(
      Type.String({
        minLength: 1,
        local: true,
        description:
          'use this mask instead of a model: a grey image (white = subject), or for folder inputs a folder of masks matched by file name',
        cli: { flag: '--mask <path>' },
      }),
    ),
    box: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'a rectangle around the subject, x,y,width,height in the input’s pixels: outside it is background (the studio segmenter cuts inside it)',
        cli: { flag: '--box <x,y,w,h>' },
      }),
    ),
    strokes: Type.Optional(
      Type.String({
        minLength: 1,
        local: true,
        description:
          'an image the size of the input: white strokes = subject, black = background, grey or transparent = unmarked',
        cli: { flag: '--strokes <image>' },
      }),
    ),
    shadows: Type.Optional(
      Type.Union([Type.Literal('remove'), Type.Literal('keep')], {
        description:
          'studio segmenter: a soft shadow on the backdrop is removed (default) or kept with the subject',
        cli: { flag: '--shadows <mode>' },
      }),
    ),
    tolerance: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 0.49,
        description: 'chroma key: alpha up to this is screen (noise, grain) and becomes 0 (default 0.03)',
        cli: { flag: '--tolerance <0-0.49>' },
      }),
    ),
    softness: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 1,
        description:
          'chroma key: the alpha range above --tolerance stretched onto 0…1; smaller = harder edges (default 1 − 2 × tolerance)',
        cli: { flag: '--softness <0-1>' },
      }),
    ),
    refine: Type.Optional(
      Type.Union([Type.Literal('matting'), Type.Literal('fast'), Type.Literal('none')], {
        default: 'matting',
        description:
          'matting: solve alpha in the edge band at full resolution (hair, fur); fast: guided-filter the mask; none: the mask resized',
        cli: { flag: '--refine <mode>' },
      }),
    ),
    format: Type.Optional(
      Type.Union(
        [
          Type.Literal('png'),
          Type.Literal('webp'),
          Type.Literal('avif'),
          Type.Literal('jpg'),
          Type.Literal('jpeg'),
          Type.Literal('tiff'),
          Type.Literal('zip'),
        ],
        {
          description:
            'png, webp, avif, jpg (flattened on --bg, default white) or zip (JPEG colour + PNG alpha); default: from -o, else png',
          cli: { flag: '-f, --format <format>' },
        },
      ),
    ),
    quality: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 100,
        description: 'lossy quality for webp, avif, jpg and zip (defaults 90, 60, 90, 90)',
        cli: { flag: '-q, --quality <1-100>' },
      }),
    ),
    maskOnly: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'write the alpha matte alone, as a grey image',
        cli: { flag: '--mask-only' },
      }),
    ),
    bg: Type.Optional(
      Type.String({
        minLength: 1,
        local: 'file',
        description:
          'new background: a colour (white, #rrggbb, #rrggbbaa, rgba(…)), an image file (fitted to cover) or blur',
        cli: { flag: '--bg <colour|image|blur>' },
      }),
    ),
    crop: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'crop to the subject’s bounding box',
        cli: { flag: '--crop' },
      }),
    ),
    margin: Type.Optional(
      Type.String({
        pattern: '^\\s*\\d+(\\.\\d+)?\\s*(px|%)?\\s*$',
        default: '0px',
        hint: '20px or 5%',
        description: 'with --crop: space around the subject, in pixels (20px) or % of its larger side (5%)',
        cli: { flag: '--margin <size>' },
      }),
    ),
    maxSize: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'shrink the image first so its longer side is at most this many pixels',
        cli: { flag: '--max-size <px>' },
      }),
    ),
    premultiplied: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'store colour multiplied by alpha (straight alpha otherwise)',
        cli: { flag: '--premultiplied' },
      }),
    ),
    maxPixels: Type.Optional(
      Type.Integer({
        minimum: 1,
        default: DEFAULT_MAX_PIXELS,
        description: 'refuse images with more pixels than this',
        cli: { flag: '--max-pixels <n>' },
      }),
    ),
  },
  { additionalProperties: false },
);

export const BatchOptionsSchema = Type.Object(
  {
    output: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'output file (one input) or folder (keeps the inputs’ folder structure); default <name>.cutout.png beside each input, stdout for -',
        cli: { flag: '-o, --output <path>' },
      }),
    ),
    overwrite: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'replace existing outputs (default: skip them, so an interrupted batch resumes); inputs are never overwritten',
        cli: { flag: '--overwrite' },
      }),
    ),
    jobs: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 64,
        default: 1,
        description: 'images processed at once (matting tiles use every core either way)',
        cli: { flag: '-j, --jobs <n>' },
      }),
    ),
    json: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'print one JSON line per image (on stderr when the image goes to stdout)',
        cli: { flag: '--json' },
      }),
    ),
    watch: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'after the inputs, keep processing new images that appear in the input folders (Ctrl-C ends)',
        cli: { flag: '--watch' },
      }),
    ),
  },
  { additionalProperties: false },
);

export type RemoveOptions = Static<typeof RemoveOptionsSchema>;
export type BatchOptions = Static<typeof BatchOptionsSchema>;

/** Options with their defaults filled in. */
export type ResolvedRemoveOptions = RemoveOptions &
  Required<
    Pick<
      RemoveOptions,
      | 'engine'
      | 'verify'
      | 'offline'
      | 'acceptLicense'
      | 'device'
      | 'refine'
      | 'maskOnly'
      | 'crop'
      | 'margin'
      | 'premultiplied'
      | 'maxPixels'
    >
  >;
export type ResolvedBatchOptions = BatchOptions &
  Required<Pick<BatchOptions, 'overwrite' | 'jobs' | 'json' | 'watch'>>;

/** The command-line flag of a schema property, for messages ("--max-size"). */
export function flagOf(schema: TSchema, key: string): string {
  const cli = (schema as { properties?: Record<string, { cli?: CliFlag }> }).properties?.[key]?.cli;
  const long = cli?.flag.match(/--[a-z-]+/)?.[0];
  return long ?? key;
}

/**
 * Converts (strings to numbers, as a command line or a query string gives them), fills defaults and checks
 * values against a schema; the first problem becomes a coded error naming the flag.
 */
export function parseWithSchema<T extends TSchema>(schema: T, raw: Record<string, unknown>): Static<T> {
  const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  const converted = Value.Convert(schema, defined) as Record<string, unknown>;
  const value = Value.Default(schema, converted) as Record<string, unknown>;
  if (Value.Check(schema, value)) return value as Static<T>;
  const errors = [...Value.Errors(schema, value)];
  const extra = errors.find((e) => e.keyword === 'additionalProperties');
  const unknown = (extra?.params as { additionalProperties?: string[] } | undefined)?.additionalProperties;
  if (unknown?.length) {
    throw new CutoutError('CUTOUT_E_INVALID_OPTION', `unknown option '${unknown[0]}'`);
  }
  // Prefer the message about a property (its instancePath) over the generic ones of unions.
  const first = errors.find((e) => e.keyword !== 'anyOf' && e.instancePath !== '') ?? errors[0];
  const key = first.instancePath.split('/')[1] ?? '';
  const property = (schema as { properties?: Record<string, PropertySchema> }).properties?.[key];
  const shown = JSON.stringify(value[key]);
  const message = `${expectation(property, first.keyword) ?? first.message}, got ${shown}`;
  throw new CutoutError('CUTOUT_E_INVALID_OPTION', `${flagOf(schema, key)} ${message}`);
}

interface PropertySchema {
  type?: string;
  anyOf?: { const?: string }[];
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  hint?: string;
}

/** What a property wants, in words: "must be one of png, webp", "must be a whole number from 1 to 100". */
function expectation(property: PropertySchema | undefined, keyword: string): string | undefined {
  if (!property) return undefined;
  const allowed = property.anyOf?.map((member) => member.const).filter((v) => v !== undefined);
  if (allowed?.length) return `must be one of ${allowed.join(', ')}`;
  if (keyword === 'pattern' && property.hint) return `must look like ${property.hint}`;
  if (property.type === 'integer' || property.type === 'number') {
    const what = property.type === 'integer' ? 'a whole number' : 'a number';
    const { minimum: lo, maximum: hi, exclusiveMinimum: above } = property;
    if (above !== undefined && hi !== undefined) return `must be ${what} above ${above}, at most ${hi}`;
    if (lo !== undefined && hi !== undefined) return `must be ${what} from ${lo} to ${hi}`;
    if (lo !== undefined) return `must be ${what} ≥ ${lo}`;
    if (hi !== undefined) return `must be ${what} ≤ ${hi}`;
    return `must be ${what}`;
  }
  return undefined;
}

/** Checked per-image options with defaults, and the combinations no single value can rule out. */
export function parseRemoveOptions(raw: Record<string, unknown>): ResolvedRemoveOptions {
  const options = parseWithSchema(RemoveOptionsSchema, raw) as ResolvedRemoveOptions;
  const invalid = (message: string) => new CutoutError('CUTOUT_E_INVALID_OPTION', message);
  if (options.modelSpec !== undefined && options.model !== undefined) {
    throw invalid('give either --model or --model-spec, not both');
  }
  if (options.modelSpec !== undefined && options.modelPath === undefined) {
    throw invalid('--model-spec needs the model file too: --model-path <file.onnx>');
  }
  if (options.verify && (options.modelPath === undefined || options.modelSpec !== undefined)) {
    throw invalid('--verify checks a --model-path file against a registry --model');
  }
  const wantsModel = options.model !== undefined || options.modelPath !== undefined;
  if (options.mask !== undefined && (wantsModel || options.engine !== 'auto')) {
    throw invalid('--mask replaces the segmentation: give it without --model, --model-path or --engine');
  }
  if (wantsModel && (options.engine === 'studio' || options.engine === 'chroma')) {
    throw invalid(`--engine ${options.engine} uses no model: drop --model/--model-path`);
  }
  if (options.box !== undefined) parseBox(options.box);
  if (
    options.shadows !== undefined &&
    (options.mask !== undefined || wantsModel || options.engine === 'model' || options.engine === 'chroma')
  ) {
    throw invalid(
      '--shadows is for the studio segmenter: give it with --engine studio or auto, without a model or --mask',
    );
  }
  const keyed = options.tolerance !== undefined || options.softness !== undefined;
  if (
    keyed &&
    (options.mask !== undefined || wantsModel || options.engine === 'model' || options.engine === 'studio')
  ) {
    throw invalid(
      '--tolerance and --softness are for the chroma key: give them with --engine chroma or auto',
    );
  }
  if (options.maskOnly && options.bg !== undefined)
    throw invalid('--mask-only writes the matte alone: drop --bg');
  if (options.maskOnly && options.format === 'zip') throw invalid('--mask-only cannot be written as zip');
  if (options.maskOnly && options.premultiplied) throw invalid('--mask-only has no colour to premultiply');
  if (options.margin !== '0px' && !options.crop) throw invalid('--margin goes with --crop');
  if (options.premultiplied && (options.format === 'jpg' || options.format === 'jpeg')) {
    throw invalid('--premultiplied needs a format with alpha (png, webp, avif, tiff)');
  }
  return options;
}

export function parseBatchOptions(raw: Record<string, unknown>): ResolvedBatchOptions {
  return parseWithSchema(BatchOptionsSchema, raw) as ResolvedBatchOptions;
}
