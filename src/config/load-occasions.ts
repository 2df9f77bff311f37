import { readFileSync } from 'node:fs';
import path from 'node:path';
import { officialDays, type OfficialDays } from '../domain/calendar/official-days.ts';
import { occasionPolicySchema, officialDaysOverlaySchema, type OccasionPolicy } from '../domain/calendar/occasion-policy.ts';
import { readJsoncFile, type ReadFile } from './jsonc-file.ts';

export interface Occasions {
  occasions: Omit<OccasionPolicy, 'officialDaysOverlay'>;
  /** The official days off and 调休 working days: the package's years with the overlay's laid over them. */
  official: OfficialDays;
  /** Where the overlay was read (named in the start-up warning about a year without data). */
  overlayFile: string;
}

/**
 * Reads the commented occasions file (config/occasions.jsonc) and the official days overlay
 * it names (config/holidays-overlay.jsonc, relative to it).
 * @throws ConfigError naming the file and the field path of each problem.
 */
export function loadOccasions(file: string, readFile: ReadFile = (f) => readFileSync(f, 'utf8')): Occasions {
  const { officialDaysOverlay, ...occasions } = readJsoncFile(file, 'FENJI_OCCASIONS_FILE', occasionPolicySchema, readFile);
  const overlayFile = path.join(path.dirname(file), officialDaysOverlay);
  const overlay = readJsoncFile(overlayFile, 'officialDaysOverlay', officialDaysOverlaySchema, readFile);
  return { occasions, official: officialDays(overlay), overlayFile };
}
