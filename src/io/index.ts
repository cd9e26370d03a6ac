export {
  DEFAULT_MAX_PIXELS,
  type DecodedImage,
  type DecodeOptions,
  decodeImage,
  decodeMatte,
  decodeTrimap,
  type ImageHeader,
  type ImageSource,
  INPUT_FORMATS,
  type InputFormat,
  readImageHeader,
} from './decode.ts';
export {
  type EncodeInput,
  type EncodeOptions,
  encodeImage,
  formatFromPath,
  OUTPUT_FORMATS,
  type OutputFormat,
  parseOutputFormat,
} from './encode.ts';
export { assertNotAnInput, type WriteOptions, writeFileAtomic } from './write-file-atomic.ts';
