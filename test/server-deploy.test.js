// The container and Kubernetes files agree with the server: every probe path is a route that answers 200
// on a ready server, and the ports the Dockerfile starts the server on are the ones the manifests expose.
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const yaml = require('js-yaml');
const { nn, server } = require('..');

const ROOT = path.join(__dirname, '..');
const read = (f) => fs.readFileSync(path.join(ROOT, f), 'utf8');
const DEPLOYMENT = yaml.load(read('deploy/kubernetes/deployment.yaml'));
const SERVICE = yaml.load(read('deploy/kubernetes/service.yaml'));
const ISVC = yaml.load(read('deploy/kserve/inferenceservice.yaml'));

describe('deploy files', function () {
  this.timeout(30000);

  it('probe the routes the server answers 200 on when ready', async () => {
    const container = DEPLOYMENT.spec.template.spec.containers[0];
    const probes = [container.readinessProbe, container.livenessProbe, container.startupProbe, ISVC.spec.predictor.containers[0].readinessProbe];
    const paths = probes.map((p) => p.httpGet.path);
    assert.deepStrictEqual([...new Set(paths)].sort(), ['/v2/health/live', '/v2/health/ready']);
    const model = new nn.Sequential(new nn.Flatten(), new nn.Linear(3, 2));
    const srv = server.createServer({ models: [{ model }], port: 0, host: '127.0.0.1', logLevel: 'silent' });
    const { url } = await srv.listen();
    try {
      for (const p of paths) assert.strictEqual((await fetch(url + p)).status, 200, p);
      const metricsPath = DEPLOYMENT.spec.template.metadata.annotations['prometheus.io/path'];
      assert.strictEqual((await fetch(url + metricsPath)).status, 200, metricsPath);
    } finally {
      await srv.close();
    }
  });

  it('expose the ports the Dockerfile starts the server on', () => {
    const entry = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(read('Dockerfile'))[1]);
    const flag = (name) => Number(entry[entry.indexOf(name) + 1]);
    assert.deepStrictEqual(entry.slice(0, 3), ['node', 'dist/cli/index.js', 'serve']);
    assert.strictEqual(entry[entry.indexOf('--host') + 1], '0.0.0.0');
    const ports = Object.fromEntries(DEPLOYMENT.spec.template.spec.containers[0].ports.map((p) => [p.name, p.containerPort]));
    assert.deepStrictEqual(ports, { http: flag('--port'), grpc: flag('--grpc-port') });
    assert.deepStrictEqual(SERVICE.spec.ports.map((p) => p.targetPort), ['http', 'grpc']);
    assert.deepStrictEqual(SERVICE.spec.selector, DEPLOYMENT.spec.selector.matchLabels);
    assert.strictEqual(ISVC.spec.predictor.containers[0].ports[0].containerPort, flag('--port'));
    assert.ok(DEPLOYMENT.spec.template.spec.terminationGracePeriodSeconds >= 30, 'time to drain');
  });
});
