export { Module } from './module';
export type { StateDict, LoadResult } from './module';
export { Linear, Conv2d, ReLU, Dropout, MaxPool2d, AdaptiveAvgPool2d, BatchNorm2d, Flatten } from './layers';
export type { Conv2dOptions, MaxPool2dOptions } from './layers';
export { Sequential } from './sequential';
export { CrossEntropyLoss } from './loss';
export * as functional from './functional';
