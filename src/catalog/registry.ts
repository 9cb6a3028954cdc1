/**
 * THE list of catalogers (CONVENTIONS.md §2.8 habit 1). Adding an ecosystem = a folder + one line here.
 * registry.test.ts checks that ids are unique and that every folder is listed.
 */
import type { Cataloger } from './cataloger.js';

export const CATALOGERS: readonly Cataloger[] = [];
