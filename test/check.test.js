// Argument errors: every public function of torch, optim, data, transforms, serialization and jit, called
// with a wrong type, an out-of-range value and an unknown option key, throws the right error class with a
// message that names the parameter (and, for a Python spelling, the camelCase one to use instead).
'use strict';
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { torch, nn, optim, transforms: T, datasets, utils, safetensors, Tensor } = require('..');
const { needFixtures } = require('./helpers');

const { DataLoader, Subset, randomSplit } = utils.data;
const t = () => torch.ones(2, 3);
const params = () => [torch.zeros(2, { requiresGrad: true })];
const sgd = () => new optim.SGD(params(), { lr: 0.1 });
const dataset = () => ({ length: 4, get: async (i) => [torch.zeros(1), i % 2] });
const CKPT = `${os.tmpdir()}/torchvgg-check-${process.pid}.pt`;
const checkpoint = () => { torch.save({ a: 1 }, CKPT); return CKPT; };
after(() => fs.rmSync(CKPT, { force: true }));
const noop = () => undefined;

// [what is called, the call, the error class, what the message must name, the suggested key (unknown keys)]
const SYNC = [
  // torch: factories
  ['torch.tensor(string)', () => torch.tensor('abc'), TypeError, 'data'],
  ['torch.tensor ragged', () => torch.tensor([[1, 2], [3]]), TypeError, 'data'],
  ['torch.tensor dtype', () => torch.tensor([1], { dtype: 'float8' }), TypeError, 'dtype'],
  ['torch.tensor torch.-prefixed dtype', () => torch.tensor([1], { dtype: 'torch.float32' }), TypeError, 'dtype', 'float32'],
  ['torch.tensor requires_grad', () => torch.tensor([1], { requires_grad: true }), TypeError, "'requires_grad'", 'requiresGrad'],
  ['torch.tensor requiresGrad type', () => torch.tensor([1], { requiresGrad: 1 }), TypeError, 'requiresGrad'],
  ['torch.zeros size type', () => torch.zeros(2, 'x'), TypeError, 'size[1]'],
  ['torch.zeros negative size', () => torch.zeros(-2), RangeError, 'size[0]'],
  ['torch.ones unknown option', () => torch.ones(2, { dtyp: 'float32' }), TypeError, "'dtyp'", 'dtype'],
  ['torch.randn device', () => torch.randn(2, { device: 'gpu' }), TypeError, 'device'],
  ['torch.arange type', () => torch.arange('a'), TypeError, 'end'],
  ['torch.arange zero step', () => torch.arange(0, 1, 0), RangeError, 'step'],
  ['torch.arange requiresGrad', () => torch.arange(5, { requiresGrad: true }), TypeError, "'requiresGrad'"],
  ['torch.frombuffer buffer', () => torch.frombuffer('x', { dtype: 'float32' }), TypeError, 'buffer'],
  ['torch.frombuffer offset', () => torch.frombuffer(new Float32Array(2), { dtype: 'float32', offset: 100 }), RangeError, 'offset'],
  ['torch.frombuffer count type', () => torch.frombuffer(new Float32Array(2), { dtype: 'float32', count: '1' }), TypeError, 'count'],
  ['torch.frombuffer unknown option', () => torch.frombuffer(new Float32Array(2), { dtype: 'float32', cout: 1 }), TypeError, "'cout'", 'count'],
  ['torch.manualSeed type', () => torch.manualSeed('1'), TypeError, 'seed'],
  ['torch.manualSeed range', () => torch.manualSeed(-1), RangeError, 'seed'],
  ['torch.setNumThreads type', () => torch.setNumThreads(1.5), TypeError, 'numThreads'],
  ['torch.setNumThreads range', () => torch.setNumThreads(0), RangeError, 'numThreads'],
  ['torch.stack tensors', () => torch.stack('x'), TypeError, 'tensors'],
  ['torch.stack dim', () => torch.stack([t()], 'a'), TypeError, 'dim'],
  ['torch.cat element', () => torch.cat([t(), 5]), TypeError, 'tensors[1]'],
  // torch: autograd
  ['torch.noGrad', () => torch.noGrad(5), TypeError, 'fn'],
  ['torch.enableGrad', () => torch.enableGrad(null), TypeError, 'fn'],
  ['torch.inferenceMode', () => torch.inferenceMode('x'), TypeError, 'fn'],
  ['torch.setGradEnabled', () => torch.setGradEnabled(1), TypeError, 'mode'],
  ['torch.autocast deviceType', () => torch.autocast('tpu', {}, noop), TypeError, 'deviceType'],
  ['torch.autocast unknown option', () => torch.autocast('cpu', { enable: false }, noop), TypeError, "'enable'", 'enabled'],
  ['torch.autocast dtype', () => torch.autocast('cpu', { dtype: 'float9' }, noop), TypeError, 'dtype'],
  // Tensor
  ['Tensor constructor', () => new Tensor({}), TypeError, 'Tensor()'],
  ['Tensor.reshape type', () => t().reshape('a'), TypeError, 'shape[0]'],
  ['Tensor.view range', () => t().view(-2, 3), RangeError, 'shape[0]'],
  ['Tensor.size type', () => t().size('0'), TypeError, 'dim'],
  ['Tensor.size range', () => t().size(5), RangeError, 'dim'],
  ['Tensor.sum range', () => t().sum([0, 9]), RangeError, 'dim[1]'],
  ['Tensor.sum keepdim', () => t().sum(0, 'yes'), TypeError, 'keepdim'],
  ['Tensor.mean range', () => t().mean(-3), RangeError, 'dim'],
  ['Tensor.argmax range', () => t().argmax(7), RangeError, 'dim'],
  ['Tensor.softmax range', () => t().softmax(2), RangeError, 'dim'],
  ['Tensor.logSoftmax type', () => t().logSoftmax('x'), TypeError, 'dim'],
  ['Tensor.topk range', () => t().topk(9), RangeError, 'k'],
  ['Tensor.topk largest', () => t().topk(1, 0, 'yes'), TypeError, 'largest'],
  ['Tensor.select index', () => t().select(0, 'a'), TypeError, 'index'],
  ['Tensor.narrow length', () => t().narrow(0, 0, -1), RangeError, 'length'],
  ['Tensor.indexSelect index', () => t().indexSelect(0, 'x'), TypeError, 'index'],
  ['Tensor.indexSelect element', () => t().indexSelect(0, [0.5]), TypeError, 'index[0]'],
  ['Tensor.asStrided stride', () => t().asStrided([2], [-1]), RangeError, 'stride[0]'],
  ['Tensor.permute range', () => t().permute(0, 5), RangeError, 'dims[1]'],
  ['Tensor.transpose type', () => t().transpose(0, 'x'), TypeError, 'dim1'],
  ['Tensor.unsqueeze range', () => t().unsqueeze(4), RangeError, 'dim'],
  ['Tensor.squeeze range', () => t().squeeze(2), RangeError, 'dim'],
  ['Tensor.to target', () => t().to('gpu'), TypeError, 'to() target'],
  ['Tensor.to options type', () => t().to(5), TypeError, 'to() options'],
  ['Tensor.to memory_format', () => t().to({ memory_format: 'channels_last' }), TypeError, "'memory_format'", 'memoryFormat'],
  ['Tensor.to memoryFormat', () => t().to({ memoryFormat: 'nhwc' }), TypeError, 'memoryFormat'],
  ['Tensor.cuda index', () => t().cuda(-1), RangeError, 'index'],
  ['Tensor.isContiguous', () => t().isContiguous('x'), TypeError, 'memoryFormat'],
  ['Tensor.add other', () => t().add('x'), TypeError, 'other'],
  ['Tensor.matmul other', () => t().matmul(null), TypeError, 'other'],
  ['Tensor.allclose equal_nan', () => t().allclose(t(), { equal_nan: true }), TypeError, "'equal_nan'", 'equalNan'],
  ['Tensor.allclose rtol', () => t().allclose(t(), { rtol: -1 }), RangeError, 'rtol'],
  ['Tensor.backward retain_graph', () => t().sum().backward(null, { retain_graph: true }), TypeError, "'retain_graph'", 'retainGraph'],
  ['Tensor.requiresGrad', () => { t().requiresGrad = 'yes'; }, TypeError, 'requiresGrad'],
  ['Tensor.requiresGrad_', () => t().requiresGrad_(1), TypeError, 'requiresGrad'],
  ['Tensor.grad', () => { t().grad = 5; }, TypeError, 'grad'],
  // optim
  ['optim.SGD params', () => new optim.SGD('w', { lr: 1 }), TypeError, 'params'],
  ['optim.SGD options type', () => new optim.SGD(params(), 5), TypeError, 'SGD options'],
  ['optim.SGD lr type', () => new optim.SGD(params(), { lr: 'a' }), TypeError, 'lr'],
  ['optim.SGD lr range', () => new optim.SGD(params(), { lr: -1 }), RangeError, 'lr'],
  ['optim.SGD misspelt option', () => new optim.SGD(params(), { lr: 0.1, momentun: 0.9 }), TypeError, "'momentun'", 'momentum'],
  ['optim.SGD nesterov', () => new optim.SGD(params(), { lr: 0.1, nesterov: 1 }), TypeError, 'nesterov'],
  ['optim.SGD param group key', () => new optim.SGD([{ params: params(), moment: 0.9 }], { lr: 0.1 }), TypeError, 'params[0]', 'momentum'],
  ['optim.Adam betas type', () => new optim.Adam(params(), { betas: [0.9] }), TypeError, 'betas'],
  ['optim.Adam betas range', () => new optim.Adam(params(), { betas: [0.9, 1] }), RangeError, 'betas[1]'],
  ['optim.Adam weightdecay', () => new optim.Adam(params(), { weightdecay: 0.1 }), TypeError, "'weightdecay'", 'weightDecay'],
  ['optim.AdamW eps', () => new optim.AdamW([{ params: params(), eps: -1 }]), RangeError, 'eps'],
  ['Optimizer.setLr', () => sgd().setLr(-1), RangeError, 'lr'],
  ['Optimizer.getLr', () => sgd().getLr(3), RangeError, 'group'],
  ['Optimizer.zeroGrad set_to_none', () => sgd().zeroGrad({ set_to_none: false }), TypeError, "'set_to_none'", 'setToNone'],
  ['Optimizer.loadStateDict', () => sgd().loadStateDict(5), TypeError, 'stateDict'],
  ['StepLR optimizer', () => new optim.lrScheduler.StepLR({}, 1), TypeError, 'optimizer'],
  ['StepLR stepSize', () => new optim.lrScheduler.StepLR(sgd(), 0), RangeError, 'stepSize'],
  ['CosineAnnealingLR tMax', () => new optim.lrScheduler.CosineAnnealingLR(sgd(), 'x'), TypeError, 'tMax'],
  // data
  ['DataLoader dataset', () => new DataLoader(5), TypeError, 'dataset'],
  ['DataLoader batch_size', () => new DataLoader(dataset(), { batch_size: 4 }), TypeError, "'batch_size'", 'batchSize'],
  ['DataLoader num_workers', () => new DataLoader(dataset(), { num_workers: 2 }), TypeError, "'num_workers'", 'numWorkers'],
  ['DataLoader batchSize', () => new DataLoader(dataset(), { batchSize: 0 }), RangeError, 'batchSize'],
  ['DataLoader shuffle', () => new DataLoader(dataset(), { shuffle: 'yes' }), TypeError, 'shuffle'],
  ['DataLoader seed', () => new DataLoader(dataset(), { seed: 1.5 }), TypeError, 'seed'],
  ['ImageFolder root', () => new datasets.ImageFolder(5), TypeError, 'root'],
  ['ImageFolder target_transform', () => new datasets.ImageFolder(os.tmpdir(), { target_transform: noop }), TypeError, "'target_transform'", 'targetTransform'],
  ['ImageFolder transform', () => new datasets.ImageFolder(os.tmpdir(), { transform: 5 }), TypeError, 'transform'],
  ['Subset indices', () => new Subset(dataset(), 'x'), TypeError, 'indices'],
  ['Subset index', () => new Subset(dataset(), [5]), RangeError, 'Subset index'],
  ['randomSplit lengths', () => randomSplit(dataset(), 'x'), TypeError, 'lengths'],
  ['randomSplit negative length', () => randomSplit(dataset(), [-1, 5]), RangeError, 'lengths[0]'],
  ['randomSplit seed', () => randomSplit(dataset(), [2, 2], 'seed'), TypeError, 'seed'],
  ['Shapes size type', () => new datasets.Shapes({ size: 'big' }), TypeError, 'size'],
  ['Shapes size range', () => new datasets.Shapes({ size: 8 }), RangeError, 'size'],
  ['Shapes unknown option', () => new datasets.Shapes({ counts: 5 }), TypeError, "'counts'", 'count'],
  ['Shapes.label', () => new datasets.Shapes({ count: 4 }).label(9), RangeError, 'Shapes index'],
  // transforms
  ['Resize size type', () => new T.Resize('big'), TypeError, 'Resize size'],
  ['Resize size range', () => new T.Resize(0), RangeError, 'Resize size'],
  ['Resize max_size', () => new T.Resize(8, { max_size: 10 }), TypeError, "'max_size'", 'maxSize'],
  ['Resize interpolation', () => new T.Resize(8, { interpolation: 'Bilinear' }), TypeError, 'interpolation', 'bilinear'],
  ['CenterCrop size', () => new T.CenterCrop([0, 2]), RangeError, 'CenterCrop size[0]'],
  ['RandomResizedCrop scale type', () => new T.RandomResizedCrop(8, { scale: 'x' }), TypeError, 'scale'],
  ['RandomResizedCrop ratio range', () => new T.RandomResizedCrop(8, { ratio: [2, 1] }), RangeError, 'ratio'],
  ['RandomResizedCrop unknown option', () => new T.RandomResizedCrop(8, { Scale: [0.5, 1] }), TypeError, "'Scale'", 'scale'],
  ['RandomResizedCrop.getParams', () => new T.RandomResizedCrop(8).getParams('a', 5), TypeError, 'height'],
  ['RandomHorizontalFlip type', () => new T.RandomHorizontalFlip('x'), TypeError, 'p'],
  ['RandomHorizontalFlip range', () => new T.RandomHorizontalFlip(2), RangeError, 'p'],
  ['Normalize mean', () => new T.Normalize('x', [1]), TypeError, 'mean'],
  ['Normalize std', () => new T.Normalize([0], [0]), RangeError, 'std'],
  ['Compose', () => new T.Compose(5), TypeError, 'transforms'],
  ['Image width', () => new T.Image(new Uint8Array(1), 0, 1, 1), RangeError, 'width'],
  ['transforms.seed', () => T.seed('x'), TypeError, 'seed'],
  // serialization and jit
  ['torch.load source', () => torch.load(5), TypeError, 'source'],
  ['torch.load map_location', () => torch.load(checkpoint(), { map_location: 'cpu' }), TypeError, "'map_location'", 'mapLocation'],
  ['torch.load weights_only', () => torch.load(checkpoint(), { weights_only: true }), TypeError, "'weights_only'", 'weightsOnly'],
  ['torch.load mapLocation', () => torch.load(checkpoint(), { mapLocation: 'gpu' }), TypeError, 'mapLocation'],
  ['torch.load weightsOnly', () => torch.load(checkpoint(), { weightsOnly: 'yes' }), TypeError, 'weightsOnly'],
  ['torch.save path', () => torch.save({}, 5), TypeError, 'path'],
  ['safetensors.load', () => safetensors.load('x'), TypeError, 'data'],
  ['safetensors.save tensors', () => safetensors.save(5), TypeError, 'tensors'],
  ['safetensors.save entry', () => safetensors.save({ a: 5 }), TypeError, "tensors['a']"],
  ['safetensors.save metadata', () => safetensors.save({}, { a: 5 }), TypeError, "metadata['a']"],
  ['safetensors.saveFile path', () => safetensors.saveFile({}, 5), TypeError, 'path'],
  ['torch.jit.load path', () => torch.jit.load(5), TypeError, 'path'],
  ['torch.jit.load map_location', () => torch.jit.load('m.pt', { map_location: 'cpu' }), TypeError, "'map_location'", 'mapLocation'],
];

const ASYNC = [
  ['torch.loadAsync path', () => torch.loadAsync(5), TypeError, 'path'],
  ['torch.loadAsync map_location', () => torch.loadAsync(checkpoint(), { map_location: 'cpu' }), TypeError, "'map_location'", 'mapLocation'],
  ['ImageFolder.get', () => imageFolder().get('x'), TypeError, 'ImageFolder index'],
  ['transforms.readImage input', () => T.readImage(5), TypeError, 'input'],
  ['transforms.readImage mode', () => T.readImage(Buffer.alloc(1), { mode: 'L' }), TypeError, 'mode'],
  ['transforms.readImage Mode', () => T.readImage(Buffer.alloc(1), { Mode: 'RGB' }), TypeError, "'Mode'", 'mode'],
  ['optim.trainStep options', () => optim.trainStep({ model: new nn.Linear(2, 2), optimizer: sgd(), input: torch.ones(1, 2),
    target: torch.tensor([0], { dtype: 'int64' }), label_smoothing: 0.1 }), TypeError, "'label_smoothing'", 'labelSmoothing'],
  ['optim.trainStep labelSmoothing', () => optim.trainStep({ model: new nn.Linear(2, 2), optimizer: sgd(), input: torch.ones(1, 2),
    target: torch.tensor([0], { dtype: 'int64' }), labelSmoothing: 2 }), RangeError, 'labelSmoothing'],
  ['optim.trainStep optimizer', () => optim.trainStep({ model: new nn.Linear(2, 2), optimizer: 5, input: torch.ones(1, 2),
    target: torch.tensor([0], { dtype: 'int64' }) }), TypeError, 'optimizer'],
];

function expectation(Class, name, hint) {
  return (e) => {
    assert.strictEqual(e.constructor, Class, `${Class.name} expected; got ${e.constructor.name}: ${e.message}`);
    assert.ok(e.message.includes(name), `the message names ${name}: ${e.message}`);
    assert.match(e.message, / got |has no option/, `the message says what was received: ${e.message}`);
    if (hint) assert.ok(e.message.includes(`did you mean '${hint}'?`), `the message suggests ${hint}: ${e.message}`);
    return true;
  };
}

describe('argument errors', function () {
  for (const [what, call, Class, name, hint] of SYNC) {
    it(`${what}: ${Class.name} naming ${name}${hint ? `, suggesting ${hint}` : ''}`, function () {
      assert.throws(call, expectation(Class, name, hint));
    });
  }
  for (const [what, call, Class, name, hint] of ASYNC) {
    it(`${what} (async): rejects with ${Class.name} naming ${name}${hint ? `, suggesting ${hint}` : ''}`, async function () {
      await assert.rejects(call, expectation(Class, name, hint));
    });
  }

  it('accepts the correct spellings the errors suggest', function () {
    assert.strictEqual(torch.tensor([1], { requiresGrad: true }).requiresGrad, true);
    assert.strictEqual(new DataLoader(dataset(), { batchSize: 4, numWorkers: 0 }).batchSize, 4);
    assert.strictEqual(new T.Resize(8, { maxSize: 10 }).size[0], 8);
    assert.strictEqual(t().to({ memoryFormat: 'contiguous_format' }).dtype, 'float32');
    // PyTorch's own param-group keys, as Python's state dicts carry them, are accepted as given.
    const opt = new optim.SGD(params(), { lr: 0.1, weight_decay: 1e-4 });
    assert.strictEqual(opt.paramGroups[0].options.weight_decay, 1e-4);
    assert.strictEqual(new optim.SGD(params(), { lr: 0.1, weightDecay: 2e-4 }).stateDict().param_groups[0].weight_decay, 2e-4);
  });
});

/** An ImageFolder over a fresh folder with one (never decoded) image per class. */
const FOLDER = path.join(os.tmpdir(), `torchvgg-check-folder-${process.pid}`);
after(() => fs.rmSync(FOLDER, { recursive: true, force: true }));
function imageFolder() {
  for (const c of ['cat', 'dog']) {
    fs.mkdirSync(path.join(FOLDER, c), { recursive: true });
    fs.writeFileSync(path.join(FOLDER, c, 'a.png'), '');
  }
  return new datasets.ImageFolder(FOLDER);
}

describe('Python spellings of members', function () {
  const cases = [
    ['Tensor', () => t(), ['requires_grad', 'requiresGrad'], ['is_leaf', 'isLeaf'], ['to_typed_array', 'toTypedArray'],
      ['requires_grad_', 'requiresGrad_'], ['index_select', 'indexSelect'], ['log_softmax', 'logSoftmax']],
    ['Optimizer', sgd, ['zero_grad', 'zeroGrad'], ['state_dict', 'stateDict'], ['load_state_dict', 'loadStateDict'],
      ['param_groups', 'paramGroups']],
    ['LRScheduler', () => new optim.lrScheduler.StepLR(sgd(), 1), ['get_last_lr', 'getLastLr'], ['last_epoch', 'lastEpoch']],
    ['DataLoader', () => new DataLoader(dataset()), ['batch_size', 'batchSize'], ['num_workers', 'numWorkers'], ['drop_last', 'dropLast']],
    ['ImageFolder', imageFolder, ['class_to_idx', 'classToIdx']],
  ];
  for (const [cls, make, ...pairs] of cases) {
    for (const [snake, camel] of pairs) {
      it(`${cls}.${snake} throws a TypeError naming ${camel}, on read and on write`, function () {
        const obj = make();
        const named = { name: 'TypeError', message: `${cls}.${snake} is spelled ${camel} in torchvgg` };
        assert.throws(() => obj[snake], named);
        assert.throws(() => { obj[snake] = 1; }, named);
        assert.notStrictEqual(obj[camel], undefined, `${camel} itself works`);
      });
    }
  }

  it('ScriptModule: named_parameters and state_dict throw TypeErrors naming the camelCase methods; train and to check their arguments', function () {
    const m = torch.jit.load(needFixtures(this, 'vgg11-traced.pt'));
    assert.throws(() => m.named_parameters(), { name: 'TypeError', message: 'ScriptModule.named_parameters is spelled namedParameters in torchvgg' });
    assert.throws(() => m.state_dict(), { name: 'TypeError', message: 'ScriptModule.state_dict is spelled stateDict in torchvgg' });
    assert.strictEqual(m.namedParameters()[0][0], 'features.0.weight');
    assert.throws(() => m.train('yes'), expectation(TypeError, 'mode'));
    assert.throws(() => m.to({ dtyp: 'float64' }), expectation(TypeError, "'dtyp'", 'dtype'));
  });
});
