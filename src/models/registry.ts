/**
 * The model registry: one entry per network, with its exact pre/post-processing, where to download it, how
 * to verify the download, and its licence. Every fact carries its source beside it. Where upstream publishes
 * no hash or size we say so (null + a note) instead of inventing one.
 *
 * Conventions shared by the rembg-hosted entries (all from rembg's `BaseSession.normalize`,
 * https://github.com/danielgatis/rembg/blob/066d88ba2c4d57f7942667a58bacf4ee9532b445/rembg/sessions/base.py):
 * RGB, squashed to the input size, divided by the image's maximum (`max`), mean/std per channel, NCHW, first
 * input; the mask is channel 0 of the first output, min–max normalised. rembg resizes with PIL's Lanczos;
 * we resize with `auto` (area when shrinking, bilinear when growing), the antialiased kernels we have.
 */
import { CutoutError } from '../errors.ts';
import type { ModelSpec } from '../segment/model-spec.ts';

export interface ModelDownload {
  url: string;
  /** `md5:<hex>` or `sha256:<hex>`, as published upstream; null when nothing is published. */
  hash: string | null;
  /** Exact size in bytes when published; null otherwise. */
  size: number | null;
  /** A rough size for people ("176 MB") when only that is published. */
  approxSize?: string;
}

export interface RegistryEntry extends ModelSpec {
  title: string;
  /** What the model is for, in a line. */
  purpose: string;
  kind: 'segmentation' | 'matting';
  /** SPDX identifier where one exists. */
  license: string;
  licenseUrl: string;
  /** Whether the licence allows commercial use. Non-commercial models need `--accept-license <id>`. */
  commercial: boolean;
  download: ModelDownload;
  citation: string;
  /** Where each fact of the entry comes from. */
  sources: string[];
  notes?: string[];
}

const REMBG = 'https://github.com/danielgatis/rembg';
const REMBG_RELEASE = `${REMBG}/releases/download/v0.0.0`;
const REMBG_README = `${REMBG}/blob/00f918b95c3a2651a60f1d902baec6d435997ff6/README.md`;
const REMBG_BASE = `${REMBG}/blob/066d88ba2c4d57f7942667a58bacf4ee9532b445/rembg/sessions/base.py`;
const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

const U2NET_CITATION =
  'Qin, Zhang, Huang, Dehghan, Zaiane, Jagersand. "U²-Net: Going Deeper with Nested U-Structure for Salient ' +
  'Object Detection". Pattern Recognition 106, 107404 (2020).';
const ISNET_CITATION =
  'Qin, Dai, Hu, Fan, Shao, Van Gool. "Highly Accurate Dichotomous Image Segmentation". ECCV 2022.';
const BIREFNET_CITATION =
  'Zheng, Gao, Fan, Liu, Laaksonen, Ouyang, Sebe. "Bilateral Reference for High-Resolution Dichotomous Image ' +
  'Segmentation". CAAI Artificial Intelligence Research (2024).';

/** rembg's U²-Net-family preprocessing at 320×320 (u2net.py, u2netp.py, u2net_human_seg.py, silueta.py). */
function rembgU2net(id: string): ModelSpec {
  return {
    id,
    input: {
      size: { kind: 'fixed', width: 320, height: 320 },
      layout: 'NCHW',
      channelOrder: 'RGB',
      scaling: 'max',
      mean: IMAGENET_MEAN,
      std: IMAGENET_STD,
      resize: 'auto',
      fit: 'squash',
    },
    // The exported graph ends in a sigmoid, so rembg applies none.
    output: { index: 0, channel: 0, activation: 'none', minMax: true },
  };
}

/** rembg's IS-Net preprocessing at 1024×1024 (dis_general_use.py, dis_anime.py): std 1, not ImageNet's. */
function rembgIsnet(id: string): ModelSpec {
  const spec = rembgU2net(id);
  return {
    ...spec,
    input: { ...spec.input, size: { kind: 'fixed', width: 1024, height: 1024 }, std: [1, 1, 1] },
  };
}

/** rembg's BiRefNet preprocessing (birefnet_general.py and its subclasses): ImageNet mean/std at 1024, sigmoid, min–max. */
function rembgBirefnet(id: string): ModelSpec {
  const spec = rembgU2net(id);
  return {
    ...spec,
    input: { ...spec.input, size: { kind: 'fixed', width: 1024, height: 1024 } },
    output: { ...spec.output, activation: 'sigmoid' },
  };
}

function birefnet(
  id: string,
  file: string,
  md5: string,
  purpose: string,
  sessionFile: string,
  sessionCommit: string,
): RegistryEntry {
  return {
    ...rembgBirefnet(id),
    title: `BiRefNet (${purpose})`,
    purpose: `BiRefNet weights for ${purpose}`,
    kind: 'segmentation',
    license: 'MIT',
    licenseUrl:
      'https://github.com/ZhengPeng7/BiRefNet/blob/28ac099d3895b428ea9c4711ff8b9e5d743d5731/LICENSE',
    commercial: true,
    download: { url: `${REMBG_RELEASE}/${file}`, hash: `md5:${md5}`, size: null },
    citation: BIREFNET_CITATION,
    sources: [
      `URL and md5: ${REMBG}/blob/${sessionCommit}/rembg/sessions/${sessionFile}`,
      `preprocessing (1024², ImageNet mean/std, sigmoid, min–max): ${REMBG}/blob/cf3b3b8efba4e1eb75a0eec7c0c9e44fc8fe6a2b/rembg/sessions/birefnet_general.py`,
      `scaling by image max, NCHW, Lanczos squash: ${REMBG_BASE}`,
      'model: https://github.com/ZhengPeng7/BiRefNet',
    ],
    notes: [
      'Size not published upstream.',
      "BiRefNet's own model card divides by 255 (torchvision ToTensor); rembg divides by the image maximum. " +
        'We follow rembg, whose ONNX export this is; the two agree whenever the image contains a 255.',
    ],
  };
}

export const REGISTRY: readonly RegistryEntry[] = [
  {
    ...rembgU2net('u2net'),
    title: 'U²-Net',
    purpose: 'general salient-object / background removal (rembg default)',
    kind: 'segmentation',
    license: 'Apache-2.0',
    licenseUrl: 'https://github.com/xuebinqin/U-2-Net/blob/master/LICENSE',
    commercial: true,
    download: {
      url: `${REMBG_RELEASE}/u2net.onnx`,
      hash: 'md5:60024c5c889badc19c04ad937298a77b',
      size: null,
    },
    citation: U2NET_CITATION,
    sources: [
      `URL, md5, 320², ImageNet mean/std, channel 0, min–max: ${REMBG}/blob/53e711f075374aa4286c531639df9ce7099fbf27/rembg/sessions/u2net.py`,
      `scaling by image max, NCHW: ${REMBG_BASE}`,
      `model source: ${REMBG_README}`,
    ],
    notes: ['Size not published upstream.'],
  },
  {
    ...rembgU2net('u2netp'),
    title: 'U²-Net (small)',
    purpose: 'lightweight U²-Net for general background removal',
    kind: 'segmentation',
    license: 'Apache-2.0',
    licenseUrl: 'https://github.com/xuebinqin/U-2-Net/blob/master/LICENSE',
    commercial: true,
    download: {
      url: `${REMBG_RELEASE}/u2netp.onnx`,
      hash: 'md5:8e83ca70e441ab06c318d82300c84806',
      size: null,
    },
    citation: U2NET_CITATION,
    sources: [
      `URL, md5, preprocessing: ${REMBG}/blob/0eaaa0b3930681398ae1a19edfe306bfca9bc57c/rembg/sessions/u2netp.py`,
      `scaling by image max, NCHW: ${REMBG_BASE}`,
    ],
    notes: ['Size not published upstream.'],
  },
  {
    ...rembgU2net('u2net_human_seg'),
    title: 'U²-Net human segmentation',
    purpose: 'U²-Net trained for people',
    kind: 'segmentation',
    license: 'Apache-2.0',
    licenseUrl: 'https://github.com/xuebinqin/U-2-Net/blob/master/LICENSE',
    commercial: true,
    download: {
      url: `${REMBG_RELEASE}/u2net_human_seg.onnx`,
      hash: 'md5:c09ddc2e0104f800e3e1bb4652583d1f',
      size: null,
    },
    citation: U2NET_CITATION,
    sources: [
      `URL, md5, preprocessing: ${REMBG}/blob/1ca14ce05889fa45ae420fd6b51cb8d02f372fb1/rembg/sessions/u2net_human_seg.py`,
      `scaling by image max, NCHW: ${REMBG_BASE}`,
    ],
    notes: ['Size not published upstream.'],
  },
  {
    ...rembgU2net('silueta'),
    title: 'Silueta',
    purpose: 'U²-Net reduced to 43 MB, general background removal',
    kind: 'segmentation',
    license: 'Apache-2.0',
    licenseUrl: 'https://github.com/xuebinqin/U-2-Net/blob/master/LICENSE',
    commercial: true,
    download: {
      url: `${REMBG_RELEASE}/silueta.onnx`,
      hash: 'md5:55e59e0d8062d2f5d013f4725ee84782',
      size: null,
      approxSize: '43 MB',
    },
    citation: `${U2NET_CITATION} Silueta: https://github.com/xuebinqin/U-2-Net/issues/295`,
    sources: [
      `URL, md5, preprocessing: ${REMBG}/blob/0eaaa0b3930681398ae1a19edfe306bfca9bc57c/rembg/sessions/silueta.py`,
      `"43Mb" and origin (U-2-Net issue 295): ${REMBG_README}`,
    ],
    notes: [
      'Exact size not published. Silueta publishes no licence of its own; we list U²-Net’s, from which it derives.',
    ],
  },
  {
    ...rembgIsnet('isnet-general-use'),
    title: 'IS-Net (general use)',
    purpose: 'dichotomous image segmentation, general background removal',
    kind: 'segmentation',
    license: 'Apache-2.0',
    licenseUrl: 'https://github.com/xuebinqin/DIS/blob/main/LICENSE.md',
    commercial: true,
    download: {
      url: `${REMBG_RELEASE}/isnet-general-use.onnx`,
      hash: 'md5:fc16ebd8b0c10d971d3513d564d01e29',
      size: null,
    },
    citation: ISNET_CITATION,
    sources: [
      `URL, md5, 1024², mean (0.485, 0.456, 0.406), std 1: ${REMBG}/blob/0eaaa0b3930681398ae1a19edfe306bfca9bc57c/rembg/sessions/dis_general_use.py`,
      `scaling by image max, NCHW: ${REMBG_BASE}`,
      'model: https://github.com/xuebinqin/DIS',
    ],
    notes: ['Size not published upstream.'],
  },
  {
    ...rembgIsnet('isnet-anime'),
    title: 'IS-Net (anime)',
    purpose: 'segmentation of anime characters',
    kind: 'segmentation',
    license: 'Apache-2.0',
    licenseUrl: 'https://huggingface.co/skytnt/anime-seg',
    commercial: true,
    download: {
      url: `${REMBG_RELEASE}/isnet-anime.onnx`,
      hash: 'md5:6f184e756bb3bd901c8849220a83e38e',
      size: null,
    },
    citation:
      'SkyTNT, "Anime Segmentation", https://github.com/SkyTNT/anime-segmentation (IS-Net, ECCV 2022).',
    sources: [
      `URL, md5, preprocessing: ${REMBG}/blob/0eaaa0b3930681398ae1a19edfe306bfca9bc57c/rembg/sessions/dis_anime.py`,
      'licence (apache-2.0 on the model card): https://huggingface.co/skytnt/anime-seg',
    ],
    notes: ['Size not published upstream (the original isnetis.onnx on Hugging Face is listed as 176 MB).'],
  },
  birefnet(
    'birefnet-general',
    'BiRefNet-general-epoch_244.onnx',
    '7a35a0141cbbc80de11d9c9a28f52697',
    'general background removal',
    'birefnet_general.py',
    'cf3b3b8efba4e1eb75a0eec7c0c9e44fc8fe6a2b',
  ),
  birefnet(
    'birefnet-general-lite',
    'BiRefNet-general-bb_swin_v1_tiny-epoch_232.onnx',
    '4fab47adc4ff364be1713e97b7e66334',
    'general background removal, Swin-T backbone (lighter)',
    'birefnet_general_lite.py',
    '00f2ba3bf219063380eeeea46b5872fb8b10729a',
  ),
  birefnet(
    'birefnet-portrait',
    'BiRefNet-portrait-epoch_150.onnx',
    'c3a64a6abf20250d090cd055f12a3b67',
    'portraits',
    'birefnet_portrait.py',
    'd4c40e1c3e153ec5ffe9e631b09a7af1949f6834',
  ),
  birefnet(
    'birefnet-dis',
    'BiRefNet-DIS-epoch_590.onnx',
    '2d4d44102b446f33a4ebb2e56c051f2b',
    'dichotomous image segmentation (DIS5K)',
    'birefnet_dis.py',
    '00f2ba3bf219063380eeeea46b5872fb8b10729a',
  ),
  birefnet(
    'birefnet-hrsod',
    'BiRefNet-HRSOD_DHU-epoch_115.onnx',
    'c017ade5de8a50ff0fd74d790d268dda',
    'high-resolution salient object detection',
    'birefnet_hrsod.py',
    '00f2ba3bf219063380eeeea46b5872fb8b10729a',
  ),
  birefnet(
    'birefnet-cod',
    'BiRefNet-COD-epoch_125.onnx',
    'f6d0d21ca89d287f17e7afe9f5fd3b45',
    'concealed (camouflaged) object detection',
    'birefnet_cod.py',
    '00f2ba3bf219063380eeeea46b5872fb8b10729a',
  ),
  birefnet(
    'birefnet-massive',
    'BiRefNet-massive-TR_DIS5K_TR_TEs-epoch_420.onnx',
    '33e726a2136a3d59eb0fdf613e31e3e9',
    'general use, trained on a massive dataset',
    'birefnet_massive.py',
    'd4c40e1c3e153ec5ffe9e631b09a7af1949f6834',
  ),
  {
    ...rembgBirefnet('bria-rmbg-2.0'),
    // rembg applies no sigmoid to this export while BRIA's PyTorch card applies one: `auto` decides from the values.
    output: { index: 0, channel: 0, activation: 'auto', minMax: true },
    title: 'BRIA RMBG-2.0',
    purpose: 'state-of-the-art background removal by BRIA AI (non-commercial licence)',
    kind: 'segmentation',
    license: 'CC-BY-NC-4.0',
    licenseUrl: 'https://huggingface.co/briaai/RMBG-2.0',
    commercial: false,
    download: {
      url: `${REMBG_RELEASE}/bria-rmbg-2.0.onnx`,
      hash: 'sha256:5b486f08200f513f460da46dd701db5fbb47d79b4be4b708a19444bcd4e79958',
      size: null,
    },
    citation:
      'BRIA AI, "RMBG-2.0" model card, https://huggingface.co/briaai/RMBG-2.0 (BiRefNet architecture).',
    sources: [
      `URL, sha256, 1024², ImageNet mean/std, min–max: ${REMBG}/blob/1101c1521c3c7f04b9fa68a4f0d61b338f5ee9e7/rembg/sessions/bria_rmbg.py`,
      'licence CC BY-NC 4.0, commercial use by agreement with BRIA: https://huggingface.co/briaai/RMBG-2.0',
    ],
    notes: [
      'Non-commercial: refused unless you pass --accept-license bria-rmbg-2.0.',
      'Size not published upstream.',
    ],
  },
  {
    id: 'modnet',
    input: {
      name: 'input',
      size: { kind: 'dynamic', shortEdge: 512, multiple: 32 },
      layout: 'NCHW',
      channelOrder: 'RGB',
      scaling: 'unit',
      mean: [0.5, 0.5, 0.5],
      std: [0.5, 0.5, 0.5],
      resize: 'auto',
      fit: 'squash',
    },
    output: { name: 'output', channel: 0, activation: 'none', minMax: false },
    title: 'MODNet (portrait matting)',
    purpose: 'trimap-free portrait matting: a soft alpha for people, not a binary mask',
    kind: 'matting',
    license: 'Apache-2.0',
    licenseUrl: 'https://github.com/ZHKKKe/MODNet#license',
    commercial: true,
    download: {
      url: 'https://huggingface.co/Xenova/modnet/resolve/e231692d2977d62c7be22830f92d9f8a2f0737f7/onnx/model.onnx',
      hash: 'sha256:07c308cf0fc7e6e8b2065a12ed7fc07e1de8febb7dc7839d7b7f15dd66584df9',
      size: null,
      approxSize: '25.9 MB',
    },
    citation:
      'Ke, Sun, Li, Yan, Lau. "MODNet: Real-Time Trimap-Free Portrait Matting via Objective Decomposition". AAAI 2022.',
    sources: [
      'sha256 and size (Git LFS details): https://huggingface.co/Xenova/modnet/blob/663b1739cfb91ae3fac0ca1b9b051e5dabc9949f/onnx/model.onnx',
      'tensor names input/output: https://huggingface.co/Xenova/modnet (usage example)',
      'preprocessing (shortest edge 512, multiple of 32, mean/std 0.5, ÷255): Xenova/modnet preprocessor_config.json',
      'reference script ((im − 127.5) / 127.5, INTER_AREA, round down to 32): https://github.com/ZHKKKe/MODNet/blob/44667be551eff6427e774b60e3b251f90b9dac61/onnx/inference_onnx.py',
      'licence Apache-2.0: https://github.com/ZHKKKe/MODNet/blob/b3b6964a58562c2220b0d6a0608689722f927abd/README.md',
    ],
    notes: [
      'Exact size not published (25.9 MB on the Hugging Face page).',
      'MODNet’s script keeps images whose edges straddle 512 at their own size; we always scale the short edge to 512.',
    ],
  },
  {
    id: 'mediapipe-selfie',
    input: {
      name: 'input_1:0',
      size: { kind: 'fixed', width: 256, height: 256 },
      layout: 'NHWC',
      channelOrder: 'RGB',
      scaling: 'unit',
      mean: [0, 0, 0],
      std: [1, 1, 1],
      resize: 'auto',
      fit: 'squash',
    },
    output: { name: 'activation_10', layout: 'NHWC', channel: 0, activation: 'none', minMax: false },
    title: 'MediaPipe Selfie Segmentation',
    purpose: 'small, fast person segmentation (selfies, video calls)',
    kind: 'segmentation',
    license: 'Apache-2.0',
    licenseUrl:
      'https://github.com/royshil/obs-backgroundremoval/blob/2f7ecc533a87b99030546b748b1def47ac742a06/data/models/selfie_segmentation.with_runtime_opt.ort.license',
    commercial: true,
    download: {
      url: 'https://github.com/royshil/obs-backgroundremoval/raw/55c2842ab98fc9d0c6d03e5454f7668a261e1d0f/data/models/selfie_segmentation.onnx',
      hash: 'sha256:1511ab5564cb0ae179cba9bcad6ad931003ccc71656f11fd270967023678c6a5',
      size: 447596,
    },
    citation:
      'Google, "MediaPipe Selfie Segmentation" (2021); ONNX conversion by Katsuya Hyodo (PINTO model zoo).',
    sources: [
      'tensor names, NHWC [1,256,256,3], RGB in [0, 1], sigmoid output: ../shared/README.md (verified there)',
      'licence (Apache-2.0; Google LLC, Katsuya Hyodo): obs-backgroundremoval data/models/*.license',
      'sha256 and size: measured on the copy in ../shared/models',
    ],
    notes: [
      'Upstream publishes no hash: the sha256 and size are those of the copy this project tests with. ' +
        'That the URL serves the same bytes could not be checked here (no network); a mismatch is refused, ' +
        'and --model-path uses a copy you trust.',
    ],
  },
  {
    id: 'sinet',
    input: {
      name: 'data',
      size: { kind: 'fixed', width: 320, height: 320 },
      layout: 'NCHW',
      channelOrder: 'BGR',
      scaling: 'byte',
      // In tensor (BGR) order. The std carries a factor 255: the export expects inputs of amplitude ~1/160.
      mean: [102.890434, 111.25247, 126.91212],
      std: [62.93292 * 255, 62.82138 * 255, 66.355705 * 255],
      resize: 'auto',
      fit: 'squash',
    },
    output: { name: 'Softmax/1', channel: 1, activation: 'none', minMax: false },
    title: 'SINet portrait segmentation',
    purpose: 'extremely light portrait segmentation',
    kind: 'segmentation',
    license: 'MIT',
    licenseUrl:
      'https://github.com/royshil/obs-backgroundremoval/blob/55c2842ab98fc9d0c6d03e5454f7668a261e1d0f/data/models/SINet_Softmax_simple.onnx.license',
    commercial: true,
    download: {
      url: 'https://github.com/royshil/obs-backgroundremoval/raw/55c2842ab98fc9d0c6d03e5454f7668a261e1d0f/data/models/SINet_Softmax_simple.onnx',
      hash: 'sha256:17a75acc69747e443717dfaef152ee3c4615f2d81b0269f7c0224c47584af46a',
      size: 395434,
    },
    citation:
      'Park, Sjölund, Yoo, Kwak. "SINet: Extreme Lightweight Portrait Segmentation Networks with Spatial Squeeze ' +
      'Modules and Information Blocking Decoder". WACV 2020. ONNX export by Anil Sathyan.',
    sources: [
      'tensor names and shapes, channel 1 = person: ../shared/README.md',
      'normalisation constants (BGR, (x − mean) / (std · 255), x in [0, 255]): https://github.com/royshil/obs-backgroundremoval/blob/2f7ecc533a87b99030546b748b1def47ac742a06/src/models/ModelSINET.hpp',
      'confirmed by experiment on ../shared/data/photos/portraits (see notes)',
      'licence MIT (Anil Sathyan): data/models/SINet_Softmax_simple.onnx.license in obs-backgroundremoval',
      'sha256 and size: measured on the copy in ../shared/models',
    ],
    notes: [
      'Normalisation found by experiment (reproduced by test/inference/real-models.test.ts): mean IoU at 0.5 ' +
        'over the six ../shared portraits through this pipeline — this entry 0.903 (≥ 0.9 on 5 of 6); the same ' +
        'constants in RGB order 0.850; ÷255 only 0.067; ImageNet mean/std 0.140; mean/std in [0, 255] without ' +
        'the ×255 on std (the usual OpenCV convention) 0.079. Scaling the input amplitude by 0.5 / 0.7 / 1.4 / 2 ' +
        'gives 0.902 / 0.913 / 0.820 / 0.577: a plateau around the published constant, which we keep.',
      'Upstream publishes no hash: the sha256 and size are those of the copy this project tests with; that ' +
        'the URL serves the same bytes could not be checked here (no network).',
    ],
  },
];

const BY_ID = new Map(REGISTRY.map((entry) => [entry.id, entry]));

export function findRegistryEntry(id: string): RegistryEntry | undefined {
  return BY_ID.get(id);
}

/** The entry for an id, or a clear error listing the ids that exist. */
export function getRegistryEntry(id: string): RegistryEntry {
  const entry = BY_ID.get(id);
  if (entry) return entry;
  const near = REGISTRY.map((e) => e.id).filter((known) => known.includes(id) || id.includes(known));
  const hint = near.length > 0 ? ` Did you mean ${near.join(' or ')}?` : '';
  throw new CutoutError(
    'CUTOUT_E_MODEL_UNKNOWN',
    `unknown model '${id}'.${hint} Known models: ${REGISTRY.map((e) => e.id).join(', ')} ` +
      '(or give your own file with --model-path and --model-spec)',
  );
}
