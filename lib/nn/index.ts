// torch.nn: Module and its subclasses, Parameter, hooks, losses and nn.functional.
/**
 * torch.nn: layers and containers (views of C++ modules), `Module` to subclass, losses, `functional` and `utils`.
 * Mirrors `torch.nn`.
 * @module
 */
export { Module } from './module';
export type { StateDict, LoadResult } from './module';
export { Parameter } from './parameter';
export { RemovableHandle } from './hooks';
export type { ForwardHook, ForwardPreHook } from './hooks';
export { Linear, Identity } from './modules/linear';
export { Conv2d } from './modules/conv';
export type { Conv2dOptions } from './modules/conv';
export { ReLU, LeakyReLU, GELU, Sigmoid, Tanh, Softmax } from './modules/activation';
export { Dropout, Dropout2d } from './modules/dropout';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d } from './modules/pooling';
export type { MaxPool2dOptions, AvgPool2dOptions } from './modules/pooling';
export { BatchNorm1d, BatchNorm2d } from './modules/batchnorm';
export type { BatchNormOptions } from './modules/batchnorm';
export { Flatten } from './modules/flatten';
export { Sequential } from './modules/container';
export * as quantized from './modules/quantized';
export { CrossEntropyLoss, MSELoss, L1Loss, SmoothL1Loss, NLLLoss, BCEWithLogitsLoss, KLDivLoss } from './modules/loss';
export * as functional from './functional';
export * as utils from './utils';
