// What a model family declares so that fine-tuning, prediction, checkpoints and the CLI need no knowledge of its layers.
import type { Module } from '../nn/module';
import type { Tensor } from '../torch/tensor';
import type { Weights, WeightsEnum } from './weights';

/** The options every builder of a family accepts (torchvision's num_classes, weights, progress). */
export interface BuildOptions {
  numClasses?: number;
  /** false skips the family's initialisation (weights are about to be loaded). */
  initWeights?: boolean;
  weights?: string | Weights;
  progress?: boolean;
}

/** A model whose last layer can be swapped for a new number of classes. */
export interface Classifier extends Module {
  /** Replaces the head with a fresh layer giving `numClasses` outputs; returns the new layer. */
  replaceHead(numClasses: number): Module;
}

export interface ModelFamily<M extends Classifier = Classifier, O extends BuildOptions = BuildOptions> {
  /** 'vgg' */
  name: string;
  /** The class of this family's models, to recognise one. */
  modelClass: abstract new (...args: never[]) => M;
  /** Builders by architecture name: { vgg11, ..., vgg19_bn }. */
  builders: Record<string, (options?: O) => M>;
  /** Weights enums by architecture name. */
  weights: Record<string, WeightsEnum>;
  /** Dotted path of the layer replaceHead() swaps ('classifier.6'); its weight's first dimension is the class count. */
  head: string;
  /** Dotted path of the part that "freeze the backbone" freezes ('features'). */
  backbone: string;
  /** Dotted path of the trainable tail that training on cached embeddings runs ('classifier'). */
  tail: string;
  /** The smallest input side the model runs on (VGG: 32, which its five 2×2 max-pools reduce to one pixel). */
  minImageSize: number;
  /** [async] Runs everything before `tail` on a batch: the input the tail sees, one row per sample. */
  embed(model: M, x: Tensor): Promise<Tensor>;
}
