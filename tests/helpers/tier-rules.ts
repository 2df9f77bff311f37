import path from 'node:path';
import { loadPolicies, type Policies } from '../../src/config/load-tier-policy.ts';

/**
 * The tests' own tier rules (tests/fixtures/tiers.test.jsonc), apart from the user-editable
 * config/tiers.jsonc: a user tuning thresholds must not break the suite. Pass the file as
 * FENJI_TIERS_FILE to a Fenji under test; use the policies directly in unit tests.
 */
export const TEST_TIERS_FILE = path.resolve(import.meta.dirname, '../fixtures/tiers.test.jsonc');

export const testPolicies: Policies = loadPolicies(TEST_TIERS_FILE);
