// torch.serialization: load and save checkpoints, and the pickle opcode table their reader and writer share.
/**
 * torch.serialization: `load`, `loadAsync` and `save` in PyTorch's formats, and the pickle opcode table.
 * Mirrors `torch.serialization`.
 * @module
 */
export { load, loadAsync, save } from './load';
export type { LoadOptions } from './load';
export { OPCODES, OP, opName, protocolOf, HIGHEST_PROTOCOL, DEFAULT_PROTOCOL } from './opcodes';
export type { OpName } from './opcodes';
