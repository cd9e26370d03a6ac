/**
 * Device names cutout accepts for `--device`, kept apart from the onnxruntime adapter so option parsing
 * does not load the native runtime.
 */
import { CutoutError } from '../errors.ts';

/** Execution providers onnxruntime-node knows by these names (availability depends on the build and machine). */
export const DEVICES = ['cpu', 'cuda', 'tensorrt', 'webgpu', 'dml', 'coreml'] as const;
export type Device = (typeof DEVICES)[number];

export function parseDevice(value: string): Device {
  const device = value.toLowerCase();
  if ((DEVICES as readonly string[]).includes(device)) return device as Device;
  throw new CutoutError(
    'CUTOUT_E_INVALID_OPTION',
    `unknown device '${value}'; expected one of ${DEVICES.join(', ')}`,
  );
}
