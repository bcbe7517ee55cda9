// The quantized engine setting, as quantize() uses it (torch.backends.quantized holds it).
import { quantized, QuantizedEngine } from '../torch/backends';

export type { QuantizedEngine };

/** The engines this libtorch was built with. Mirrors `torch.backends.quantized.supported_engines`. */
export function supportedEngines(): QuantizedEngine[] { return quantized.supportedEngines; }

/** The engine quantized layers run on now. Mirrors reading `torch.backends.quantized.engine`. */
export function engine(): QuantizedEngine | 'none' { return quantized.engine; }

/**
 * Picks the engine quantized layers run on. Mirrors setting `torch.backends.quantized.engine`.
 * @throws RangeError for an engine this libtorch lacks.
 */
export function setEngine(name: QuantizedEngine): void { quantized.engine = name; }
