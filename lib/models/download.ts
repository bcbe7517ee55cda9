// Downloads one URL to a file, with a progress bar on stderr and torch.hub's hash-prefix check.
// Run as a child process by weights.ts (`node download.js URL DEST HASH_PREFIX PROGRESS`), because
// model construction is synchronous like Python's, and a synchronous caller can only wait for network
// I/O through spawnSync. On failure it prints { error } as JSON on stdout and exits with status 1.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';

function get(url: string, redirects = 5): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.startsWith('https:') ? https : http;
    client.get(url, { headers: { 'User-Agent': 'torchvgg' } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location && redirects > 0) {
        res.resume();
        resolve(get(new URL(res.headers.location, url).toString(), redirects - 1));
      } else if (status !== 200) {
        res.resume();
        reject(new Error(`HTTP ${status} for ${url}`));
      } else {
        resolve(res);
      }
    }).on('error', reject);
  });
}

function bar(done: number, total: number): string {
  const mb = (n: number): string => `${(n / 2 ** 20).toFixed(1)}M`;
  if (!total) return `\r${mb(done)}`;
  const frac = Math.min(1, done / total);
  const width = 30;
  const full = Math.round(frac * width);
  return `\r${String(Math.floor(frac * 100)).padStart(3)}%|${'█'.repeat(full)}${' '.repeat(width - full)}| ${mb(done)}/${mb(total)}`;
}

async function main(): Promise<void> {
  const [url, dest, hashPrefix, progress] = process.argv.slice(2);
  const partial = `${dest}.${process.pid}.partial`;
  try {
    if (progress === '1') process.stderr.write(`Downloading: "${url}" to ${dest}\n`);
    const res = await get(url);
    const total = Number(res.headers['content-length'] ?? 0);
    const hash = crypto.createHash('sha256');
    const out = fs.createWriteStream(partial);
    let done = 0;
    let last = 0;
    res.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      done += chunk.length;
      if (progress === '1' && (Date.now() - last > 100 || done === total)) {
        last = Date.now();
        process.stderr.write(bar(done, total));
      }
    });
    await new Promise<void>((resolve, reject) => {
      res.pipe(out);
      out.on('finish', resolve);
      out.on('error', reject);
      res.on('error', reject);
    });
    if (progress === '1') process.stderr.write(`${bar(done, total)}\n`);
    if (total && done !== total) throw new Error(`download of ${url} ended after ${done} of ${total} bytes`);
    const digest = hash.digest('hex');
    if (hashPrefix && !digest.startsWith(hashPrefix)) {
      throw new Error(`invalid hash value (expected "${hashPrefix}", got "${digest}")`);
    }
    fs.renameSync(partial, dest);
  } catch (e) {
    fs.rmSync(partial, { force: true });
    process.stdout.write(JSON.stringify({ error: (e as Error).message }));
    process.exitCode = 1;
  }
}

if (require.main === module) void main();
