/** Public surface of elf/: shared ELF reading for the binary catalogers (go/, rust/); not a cataloger. */
export { isExecutableCandidate } from './executable-paths.js';
export { MAX_EXECUTABLE_BYTES, openExecutable, type OpenedExecutable } from './open-executable.js';
export {
  type ElfFile,
  type ElfSection,
  type ElfSegment,
  findSection,
  isElf,
  parseElf,
  PF_W,
  PF_X,
  PT_LOAD,
  SHT_NOBITS,
  readAtAddress,
  sectionData,
} from './read-elf.js';
