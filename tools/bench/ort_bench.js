// Latency of one ONNX model in ONNX Runtime (the CPU library of the npm
// package onnxruntime-node), for tools/bench/run-benchmark.sh.
//
// Usage: node ort_bench.js MODEL.onnx INPUT_NAME DIMS INPUT.bin
//            [--samples N] [--min-sample-ms T] [--max-seconds S]
//            [--optimized OUT.onnx]
//   DIMS: the input shape, e.g. 1x3x224x224; INPUT.bin: raw float32.
//   NODE_PATH must reach the onnxruntime-node package.
//
// Session: 1 intra-op and 1 inter-op thread, sequential execution, all
// graph optimizations (for a QDQ model that is where ONNX Runtime fuses
// DequantizeLinear -> Conv/MatMul -> QuantizeLinear into its int8 kernels;
// --optimized writes the optimized graph so the fusions can be checked),
// no spinning. Timing, the same policy as ModelBench.c and models.py: one
// warm-up run and one timed run pick the runs per sample (at least
// --min-sample-ms, default 20, per sample), then up to --samples samples
// (default 15), stopping after --max-seconds (default 3, at least 3
// samples). Prints one JSON line: median_ms and min_ms per run, samples,
// runs_per_sample, the onnxruntime version, and the count of each operator
// type in the optimized graph when --optimized was given (counted by the
// caller; this script only writes the file).

'use strict';

const fs = require('fs');
const ort = require('onnxruntime-node');

function parseArgs(argv) {
  const args = {samples: 15, minSampleMs: 20, maxSeconds: 3, optimized: null,
                positional: []};
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (a === '--samples') args.samples = Number(argv[++i]);
    else if (a === '--min-sample-ms') args.minSampleMs = Number(argv[++i]);
    else if (a === '--max-seconds') args.maxSeconds = Number(argv[++i]);
    else if (a === '--optimized') args.optimized = argv[++i];
    else args.positional.push(a);
  }
  if (args.positional.length !== 4) {
    console.error('usage: node ort_bench.js MODEL.onnx INPUT_NAME DIMS ' +
                  'INPUT.bin [--samples N] [--min-sample-ms T] ' +
                  '[--max-seconds S] [--optimized OUT.onnx]');
    process.exit(2);
  }
  return args;
}

function nowMs() {
  return Number(process.hrtime.bigint()) / 1e6;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const [modelPath, inputName, dimsText, inputPath] = args.positional;
  const dims = dimsText.split('x').map(Number);
  const bytes = fs.readFileSync(inputPath);
  const data = new Float32Array(bytes.buffer, bytes.byteOffset,
                                bytes.byteLength / 4);
  const expected = dims.reduce((a, b) => a * b, 1);
  if (data.length !== expected) {
    throw new Error(`${inputPath}: ${data.length} floats, shape ${dimsText} ` +
                    `needs ${expected}`);
  }
  const options = {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: {session: {intra_op: {allow_spinning: '0'},
                      inter_op: {allow_spinning: '0'}}},
  };
  if (args.optimized) options.optimizedModelFilePath = args.optimized;
  const session = await ort.InferenceSession.create(modelPath, options);
  const feeds = {[inputName]: new ort.Tensor('float32', data, dims)};

  await session.run(feeds); // warm-up
  let t0 = nowMs();
  await session.run(feeds);
  const one = nowMs() - t0;
  let runs = 1;
  if (one > 0 && one < args.minSampleMs)
    runs = Math.floor(args.minSampleMs / one) + 1;

  const times = [];
  const start = nowMs();
  while (times.length < args.samples) {
    t0 = nowMs();
    for (let r = 0; r < runs; ++r) await session.run(feeds);
    times.push((nowMs() - t0) / runs);
    if (nowMs() - start > args.maxSeconds * 1e3 && times.length >= 3) break;
  }
  times.sort((a, b) => a - b);
  let version = null;
  try {
    version = require('onnxruntime-node/package.json').version;
  } catch (e) { /* not exported by every version */ }
  console.log(JSON.stringify({
    median_ms: times[Math.floor(times.length / 2)], min_ms: times[0],
    samples: times.length, runs_per_sample: runs, onnxruntime: version,
  }));
}

main().catch((e) => {
  const first = String((e && e.message) || e).split('\n')[0];
  console.log(JSON.stringify({error: first}));
  process.exit(1);
});
