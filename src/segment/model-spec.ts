/**
 * What a segmentation network needs around it: how an image becomes its input tensor and how its output
 * tensor becomes a foreground probability. Every model in the registry, and every user's own model, is
 * described by one of these, so the pre- and post-processing code has no per-model branches.
 *
 * A tensor here is plain data ({ data, dims }); the runtime that produced it is none of this folder's business.
 */

export interface TensorF32 {
  data: Float32Array;
  dims: readonly number[];
}

/** NCHW: channels are planes (PyTorch exports). NHWC: channels interleaved (TensorFlow / MediaPipe exports). */
export type TensorLayout = 'NCHW' | 'NHWC';
export const TENSOR_LAYOUTS: readonly TensorLayout[] = ['NCHW', 'NHWC'];

/** Order of the colour channels in the tensor. OpenCV-trained networks usually want BGR. */
export type ChannelOrder = 'RGB' | 'BGR';
export const CHANNEL_ORDERS: readonly ChannelOrder[] = ['RGB', 'BGR'];

/**
 * How 8-bit pixel values are scaled before mean/std:
 * - `unit`: ÷255, so samples lie in [0, 1] (torchvision's ToTensor);
 * - `max`: ÷ the largest sample of the resized image (U²-Net's own loader, and rembg for every model);
 * - `byte`: left in [0, 255] (OpenCV-style pipelines).
 */
export type PixelScaling = 'unit' | 'max' | 'byte';
export const PIXEL_SCALINGS: readonly PixelScaling[] = ['unit', 'max', 'byte'];

/**
 * Resampling kernel. `auto` takes `area` when the picture shrinks (no aliasing) and `bilinear` when it grows.
 * Upstream pipelines mostly use Lanczos (PIL) or bilinear; `area` is the antialiased choice we have for shrinking.
 */
export type ResizeKernel = 'bilinear' | 'area' | 'auto';
export const RESIZE_KERNELS: readonly ResizeKernel[] = ['bilinear', 'area', 'auto'];

/** `squash`: stretch the image to the input size. `letterbox`: keep the aspect ratio and pad the rest. */
export type FitMode = 'squash' | 'letterbox';
export const FIT_MODES: readonly FitMode[] = ['squash', 'letterbox'];

/** `auto` applies a sigmoid only when the output leaves [0, 1] (the network emitted logits). */
export type Activation = 'none' | 'sigmoid' | 'auto';
export const ACTIVATIONS: readonly Activation[] = ['none', 'sigmoid', 'auto'];

/**
 * The tensor's spatial size: fixed, or derived from the image (the short edge scaled to `shortEdge`, the long
 * edge in proportion, both rounded down to a multiple of `multiple`, as fully convolutional matting nets want).
 */
export type InputSize =
  | { kind: 'fixed'; width: number; height: number }
  | { kind: 'dynamic'; shortEdge: number; multiple: number };

export interface InputSpec {
  /** Input tensor name. Omitted: the model's first (only) input. */
  name?: string;
  size: InputSize;
  layout: TensorLayout;
  channelOrder: ChannelOrder;
  scaling: PixelScaling;
  /** Subtracted per tensor channel (in the tensor's channel order, in the units chosen by `scaling`). */
  mean: readonly [number, number, number];
  /** Divided per tensor channel, after the mean. */
  std: readonly [number, number, number];
  resize: ResizeKernel;
  fit: FitMode;
  /** Letterbox padding as a pixel value in [0, 1], before scaling and mean/std. Default 0 (black). */
  padValue?: number;
}

export interface OutputSpec {
  /** Output tensor name. Omitted: the output at `index` (default 0). */
  name?: string;
  index?: number;
  /** Layout of the output tensor. Omitted: the same as the input's. */
  layout?: TensorLayout;
  /** Which channel holds the foreground (e.g. 1 of a two-class softmax). */
  channel: number;
  activation: Activation;
  /** Stretch the map so its minimum is 0 and maximum 1 (what rembg does after every model). */
  minMax: boolean;
}

/** A model's processing contract. Registry entries add provenance and download data on top of this. */
export interface ModelSpec {
  id: string;
  input: InputSpec;
  output: OutputSpec;
}

/**
 * Where the image sits inside the model's input tensor, so the output can be mapped back: the tensor is
 * `modelWidth × modelHeight`; the image, resized, occupies `content` (all of it when squashed).
 */
export interface ModelTransform {
  imageWidth: number;
  imageHeight: number;
  modelWidth: number;
  modelHeight: number;
  content: { x: number; y: number; width: number; height: number };
}
