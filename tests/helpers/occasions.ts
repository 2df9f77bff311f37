import path from 'node:path';
import { loadOccasions, type Occasions } from '../../src/config/load-occasions.ts';

/**
 * The tests' occasions (tests/fixtures/occasions.jsonc, with the official days overlay beside
 * it): short fixed texts, apart from the user's config/occasions.jsonc.
 */
export const TEST_OCCASIONS_FILE = path.resolve(import.meta.dirname, '../fixtures/occasions.jsonc');

export const testOccasions: Occasions = loadOccasions(TEST_OCCASIONS_FILE);
