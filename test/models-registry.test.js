// The model registry: torchvision's list_models / get_model / get_model_weights / get_weight, replaceHead, and model knowledge kept in lib/models/.
'use strict';
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { torch, nn, models, tasks } = require('torchvgg');
const { requireOracle, python } = require('./support/checkpoint-fixtures');

const ARCHS = ['vgg11', 'vgg11_bn', 'vgg13', 'vgg13_bn', 'vgg16', 'vgg16_bn', 'vgg19', 'vgg19_bn'];

describe('model registry', () => {
  it('lists every VGG architecture and builds one by name, like torchvision.models.get_model', () => {
    assert.deepStrictEqual(models.listModels(), ARCHS);
    const model = models.getModel('vgg11', { numClasses: 3 });
    assert.ok(model instanceof models.VGG);
    assert.deepStrictEqual(model.classifier[6].weight.shape, [3, 4096]);
    assert.strictEqual(models.getModelBuilder('vgg16_bn'), models.vgg16_bn);
  });

  it('rejects unknown names and Python spellings with a TypeError naming the closest valid one', () => {
    assert.throws(() => models.getModel('VGG16'), (e) => e instanceof TypeError && /unknown model 'VGG16'; did you mean 'vgg16'\?/.test(e.message));
    assert.throws(() => models.getModel('resnet50'), (e) => e instanceof TypeError && /unknown model 'resnet50'.*models: vgg11/.test(e.message));
    assert.throws(() => models.getModel(16), (e) => e instanceof TypeError && /name must be a string; got number 16/.test(e.message));
    assert.throws(() => models.getModel('vgg11', { pretrained: true }), (e) => e instanceof TypeError && /'pretrained'; did you mean 'weights'\?/.test(e.message));
    assert.throws(() => models.getModel('vgg11', { num_classes: 3 }), (e) => e instanceof TypeError && /did you mean 'numClasses'\?/.test(e.message));
    assert.throws(() => models.getModel('vgg11', { weights: 42 }), (e) => e instanceof TypeError && /weights must be a name, a file path or a Weights object; got number 42/.test(e.message));
    assert.throws(() => models.getModel('vgg11', { weights: models.VGG13_Weights.DEFAULT }), (e) => e instanceof TypeError && /VGG13_Weights.IMAGENET1K_V1 do not belong to vgg11/.test(e.message));
    assert.throws(() => models.getModel('vgg11', null), (e) => e instanceof TypeError && /vgg options must be an object; got null/.test(e.message));
    assert.throws(() => models.getWeight('VGG16_Weights.IMAGENET1K_V2'), (e) => e instanceof TypeError && /did you mean 'VGG16_Weights.IMAGENET1K_V1'\?/.test(e.message));
    assert.throws(() => models.getWeight(null), (e) => e instanceof TypeError && /name must be a string; got null/.test(e.message));
    assert.throws(() => models.getModelWeights(() => 1), /not one of torchvgg's model builders/);
    assert.throws(() => models.familyOf(new nn.Linear(2, 2)), (e) => e instanceof TypeError && /got Linear/.test(e.message));
    assert.throws(() => models.familyOf({}), TypeError);
  });

  it('finds weights enums by model name or builder, and a weight by its full name', () => {
    assert.strictEqual(models.getModelWeights('vgg16'), models.VGG16_Weights);
    assert.strictEqual(models.getModelWeights(models.vgg19_bn), models.VGG19_BN_Weights);
    assert.strictEqual(models.getWeight('VGG16_Weights.IMAGENET1K_V1'), models.VGG16_Weights.IMAGENET1K_V1);
    assert.strictEqual(models.getWeight('VGG16_Weights.DEFAULT'), models.VGG16_Weights.IMAGENET1K_V1);
    assert.strictEqual(models.getWeight('VGG16_Weights.IMAGENET1K_FEATURES').meta.categories, null);
    assert.strictEqual(models.VGG11_Weights.DEFAULT.meta.categories.length, 1000);
  });

  it('has torchvision\'s weights for every architecture: names, files, metadata and eval transforms', function () {
    requireOracle(this);
    const script = `
import json, torchvision.models as M
out = {}
for arch in ${JSON.stringify(ARCHS)}:
    out[arch] = [[w.name, w.url, w.meta['num_params'], w.meta['categories'] and w.meta['categories'][:3],
                  w.meta['categories'] and len(w.meta['categories']), str(w.transforms())] for w in M.get_model_weights(arch)]
    out[arch].append(M.get_weight(M.get_model_weights(arch).DEFAULT.__class__.__name__ + '.DEFAULT').name)
print(json.dumps(out))`;
    const py = python(script);
    for (const arch of ARCHS) {
      const e = models.getModelWeights(arch);
      const members = Object.entries(e).filter(([k]) => k !== 'DEFAULT').map(([, w]) => w);
      const ours = members.map((w) => [w.name.split('.')[1], w.url, w.meta.numParams, w.meta.categories && w.meta.categories.slice(0, 3),
        w.meta.categories && w.meta.categories.length, String(w.transforms())]);
      assert.deepStrictEqual(ours, py[arch].slice(0, -1), arch);
      assert.strictEqual(e.DEFAULT.name.split('.')[1], py[arch][py[arch].length - 1], `${arch} DEFAULT`);
    }
  });

  it('declares the VGG family\'s head, backbone and tail', () => {
    const family = models.familyOf(models.vgg11());
    assert.strictEqual(family, models.familyOfArch('vgg11'));
    assert.deepStrictEqual([family.name, family.head, family.backbone, family.tail], ['vgg', 'classifier.6', 'features', 'classifier']);
    assert.strictEqual(family.minImageSize, 32);
    assert.deepStrictEqual(models.vgg11().eval().forward(torch.zeros(1, 3, 32, 32)).shape, [1, 1000]);
  });

  it('gives [0, classes] for a batch of 0 in train() and eval(), sync and async, as PyTorch does', async function () {
    this.timeout(60000);
    for (const arch of ['vgg11', 'vgg11_bn']) {
      const model = models.getModel(arch, { numClasses: 7 });
      for (const mode of ['train', 'eval']) {
        model[mode]();
        const x = torch.zeros(0, 3, 32, 32);
        assert.deepStrictEqual(model.forward(x).shape, [0, 7], `${arch}.${mode}().forward`);
        assert.deepStrictEqual((await model.forwardAsync(x)).shape, [0, 7], `${arch}.${mode}().forwardAsync`);
      }
    }
  });

  it('embed() runs what precedes the tail, so the tail on its output is the whole forward', async function () {
    this.timeout(60000);
    torch.manualSeed(0);
    const model = models.vgg11({ numClasses: 4 }).eval();
    const family = models.familyOf(model);
    const x = torch.randn(2, 3, 32, 32);
    const e = await family.embed(model, x);
    assert.deepStrictEqual(e.shape, [2, 25088]);
    const viaTail = model.getSubmodule(family.tail).forward(e);
    assert.ok(viaTail.allclose(model.forward(x), { rtol: 1e-5, atol: 1e-5 }));
  });

  describe('replaceHead', () => {
    it('swaps classifier[6] for a new Linear and returns it, like classifier[6] = nn.Linear(4096, 10)', () => {
      torch.manualSeed(0);
      const model = models.vgg11();
      const head = model.replaceHead(10);
      assert.ok(head instanceof nn.Linear);
      assert.deepStrictEqual([head.inFeatures, head.outFeatures], [4096, 10]);
      assert.strictEqual(model.classifier[6], head);
      assert.deepStrictEqual(model.stateDict()['classifier.6.weight'].shape, [10, 4096]);
      assert.deepStrictEqual(model.forward(torch.randn(1, 3, 32, 32)).shape, [1, 10]);
    });

    it('reads in_features from the old head, not a constant', () => {
      const model = models.vgg11();
      model.classifier = new nn.Sequential(new nn.Linear(25088, 64), new nn.ReLU(), new nn.Dropout(),
        new nn.Linear(64, 32), new nn.ReLU(), new nn.Dropout(), new nn.Linear(32, 1000));
      const head = model.replaceHead(5);
      assert.deepStrictEqual(head.weight.shape, [5, 32]);
      assert.deepStrictEqual(model.eval().forward(torch.randn(1, 3, 32, 32)).shape, [1, 5]);
    });

    it('rejects a bad class count and a head that is not a Linear, changing nothing', () => {
      const model = models.vgg11();
      const before = model.classifier[6];
      assert.throws(() => model.replaceHead(0), /numClasses must be an integer >= 1; got 0/);
      assert.throws(() => model.replaceHead('3'), (e) => e instanceof TypeError && /numClasses/.test(e.message));
      assert.throws(() => model.replaceHead(2.5), TypeError);
      assert.strictEqual(model.classifier[6], before);
      model.classifier[6] = new nn.ReLU();
      assert.throws(() => model.replaceHead(3), (e) => e instanceof TypeError && /classifier.6 must be a Linear.*ReLU/.test(e.message));
    });
  });

  it('builds a model from a plain state dict, reading the class count from the family\'s head', () => {
    const source = models.vgg11({ numClasses: 7 });
    const model = models.modelFromStateDict('vgg11', source.stateDict());
    assert.deepStrictEqual(model.classifier[6].weight.shape, [7, 4096]);
    assert.ok(model.features[0].weight.allclose(source.features[0].weight, { rtol: 0, atol: 0 }));
    assert.throws(() => models.modelFromStateDict('vgg11', { 'fc.weight': torch.ones(2, 2) }), /no tensor 'classifier.6.weight'/);
    assert.throws(() => models.modelFromStateDict('vgg13', source.stateDict()), /Error\(s\) in loading state_dict/);
    // The head sizes the model, so it must be dense (its bytes really there) and its bias must agree.
    const sd = source.stateDict();
    assert.throws(() => models.numClassesOf('vgg11', { ...sd, 'classifier.6.weight': torch.zeros(1).asStrided([150000, 4096], [0, 0]) }),
      /'classifier.6.weight' \(shape \[150000, 4096\], strides \[0, 0\]\) is not a dense tensor/);
    assert.throws(() => models.modelFromStateDict('vgg11', { ...sd, 'classifier.6.bias': torch.zeros(8) }),
      /'classifier.6.bias' must have shape \[7\] like 'classifier.6.weight''s first dimension; got \[8\]/);
  });

  it('keeps model knowledge in lib/models: the tasks and the CLI name no VGG layer', () => {
    const root = path.join(__dirname, '..');
    const dirs = ['lib/tasks', 'lib/cli'];
    const files = dirs.flatMap((d) => fs.readdirSync(path.join(root, d)).filter((f) => f.endsWith('.ts')).map((f) => path.join(d, f)));
    assert.ok(files.length >= 6, `found ${files.join(', ')}`);
    const forbidden = /classifier|avgpool|4096|25088|(?<![-\w])features\b|models\/vgg|\bVGG\b/;
    for (const file of files) {
      const lines = fs.readFileSync(path.join(root, file), 'utf8').split('\n');
      lines.forEach((text, i) => assert.ok(!forbidden.test(text), `${file}:${i + 1} knows VGG's layout: ${text.trim()}`));
    }
    // And the public tasks reach the model only through the family: they work on what getModel returns.
    assert.strictEqual(typeof tasks.finetune, 'function');
  });
});
