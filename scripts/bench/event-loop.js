// Event-loop delay while inference runs back to back: perf_hooks' histogram (1 ms resolution) of how
// late a timer fires, over ~10 s of inference. A server's other requests wait this long.
'use strict';
const { monitorEventLoopDelay } = require('perf_hooks');

/** run(): one inference, awaited; repeated until `seconds` have passed. -> { p99Ms, maxMs, meanMs, calls, seconds } */
async function eventLoopDelay(run, { seconds = 10 } = {}) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const end = Date.now() + seconds * 1000;
  let calls = 0;
  while (Date.now() < end) {
    await run();
    calls++;
  }
  h.disable();
  return { p99Ms: h.percentile(99) / 1e6, maxMs: h.max / 1e6, meanMs: h.mean / 1e6, calls, seconds };
}

module.exports = { eventLoopDelay };
