/**
 * The licence gate: a model whose licence forbids commercial use is only fetched or run when the user names
 * it in `--accept-license <id>` (library: `acceptLicense: ['<id>']`), confirming their use is allowed.
 * Acceptance is per invocation, never remembered, so a script cannot inherit it by accident.
 */
import { CutoutError } from '../errors.ts';
import type { RegistryEntry } from './registry.ts';

export function needsLicenseAcceptance(entry: Pick<RegistryEntry, 'commercial'>): boolean {
  return !entry.commercial;
}

export function assertLicenseAccepted(
  entry: Pick<RegistryEntry, 'id' | 'license' | 'licenseUrl' | 'commercial'>,
  accepted: readonly string[] = [],
): void {
  if (!needsLicenseAcceptance(entry) || accepted.includes(entry.id)) return;
  throw new CutoutError(
    'CUTOUT_E_LICENSE_REQUIRED',
    `model '${entry.id}' is licensed ${entry.license}, which does not allow commercial use ` +
      `(terms: ${entry.licenseUrl}). If your use is permitted, pass --accept-license ${entry.id}`,
  );
}
