/*===- ModelBench.c - Latency of one qcc-compiled model ----------------------===*
 *
 * Usage: model-bench [--samples N] [--min-sample-ms T] [--max-seconds S]
 *                    [input_0.bin ...]
 *
 * Generic over models, like test/E2E/harness.c: it knows the model only
 * through the header qcc writes for `--name=model`, force-included with
 * `-include model.h`, and calls only model_run_packed. Inputs are read from
 * the given raw files (sizes must match MODEL_INPUT_SIZES) or, without
 * files, filled with a fixed pseudo-random pattern; the same inputs are used
 * for every call. Buffers and the workspace (model_workspace_size() bytes)
 * are aligned to MODEL_WORKSPACE_ALIGNMENT.
 *
 * Timing (the same policy as tools/bench/ort_bench.js and models.py): one
 * warm-up call and one timed call pick the number of calls per sample, so
 * that a sample takes at least --min-sample-ms (default 20); then up to
 * --samples samples (default 15) are taken, stopping after --max-seconds
 * (default 3, at least 3 samples). Wall-clock time (C11 timespec_get).
 * Prints one JSON line: median_ms and min_ms per call, samples,
 * calls_per_sample, workspace_bytes.
 *
 *===----------------------------------------------------------------------===*/

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef MODEL_NUM_INPUTS
#error "compile with -include <model header> (qcc --name=model)"
#endif

static const size_t inputSizes[] = MODEL_INPUT_SIZES;
static const size_t outputSizes[] = MODEL_OUTPUT_SIZES;

static double now(void) {
  struct timespec t;
  timespec_get(&t, TIME_UTC); /* C11; the header is included first, so no
                                 POSIX feature macro can be set here */
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void *allocAligned(size_t size) {
  size_t align = MODEL_WORKSPACE_ALIGNMENT;
  size_t rounded = (size + align - 1) / align * align;
  void *p = aligned_alloc(align, rounded ? rounded : align);
  if (!p) {
    fprintf(stderr, "error: out of memory (%zu bytes)\n", size);
    exit(1);
  }
  memset(p, 0, rounded ? rounded : align);
  return p;
}

static void readTensor(const char *path, void *data, size_t size) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    exit(1);
  }
  size_t got = fread(data, 1, size, f);
  int extra = fgetc(f);
  fclose(f);
  if (got != size || extra != EOF) {
    fprintf(stderr, "error: %s: expected exactly %zu bytes\n", path, size);
    exit(1);
  }
}

static int compareDoubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  int samples = 15;
  double minSampleMs = 20, maxSeconds = 3;
  const char *files[MODEL_NUM_INPUTS];
  int numFiles = 0;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--samples") && i + 1 < argc)
      samples = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--min-sample-ms") && i + 1 < argc)
      minSampleMs = atof(argv[++i]);
    else if (!strcmp(argv[i], "--max-seconds") && i + 1 < argc)
      maxSeconds = atof(argv[++i]);
    else if (argv[i][0] != '-' && numFiles < MODEL_NUM_INPUTS)
      files[numFiles++] = argv[i];
    else {
      fprintf(stderr,
              "usage: %s [--samples N] [--min-sample-ms T] "
              "[--max-seconds S] [%d input files]\n",
              argv[0], MODEL_NUM_INPUTS);
      return 2;
    }
  }
  if (numFiles != 0 && numFiles != MODEL_NUM_INPUTS) {
    fprintf(stderr, "error: expected %d input files, got %d\n",
            MODEL_NUM_INPUTS, numFiles);
    return 2;
  }
  if (samples < 1)
    samples = 1;

  void *inputs[MODEL_NUM_INPUTS];
  uint32_t state = 12345;
  for (int i = 0; i < MODEL_NUM_INPUTS; ++i) {
    inputs[i] = allocAligned(inputSizes[i]);
    if (numFiles) {
      readTensor(files[i], inputs[i], inputSizes[i]);
      continue;
    }
    /* Small values in any element type: bytes in [0, 16). */
    unsigned char *bytes = inputs[i];
    for (size_t b = 0; b < inputSizes[i]; ++b) {
      state = state * 1664525u + 1013904223u;
      bytes[b] = (unsigned char)(state >> 28);
    }
  }
  void *outputs[MODEL_NUM_OUTPUTS];
  for (int i = 0; i < MODEL_NUM_OUTPUTS; ++i)
    outputs[i] = allocAligned(outputSizes[i]);
  size_t workspaceSize = model_workspace_size();
  void *workspace = allocAligned(workspaceSize);

#define RUN()                                                                  \
  model_run_packed((const void *const *)inputs, (void *const *)outputs,       \
                   workspace)
  RUN(); /* warm-up: page in weights and buffers */
  double t0 = now();
  RUN();
  double one = now() - t0;
  long calls = 1;
  if (one > 0 && one * 1e3 < minSampleMs)
    calls = (long)(minSampleMs / (one * 1e3)) + 1;

  double *times = malloc(sizeof(double) * (size_t)samples);
  int taken = 0;
  double start = now();
  while (taken < samples) {
    double s = now();
    for (long c = 0; c < calls; ++c)
      RUN();
    times[taken++] = (now() - s) / (double)calls;
    if (now() - start > maxSeconds && taken >= 3)
      break;
  }
  qsort(times, (size_t)taken, sizeof(double), compareDoubles);
  printf("{\"median_ms\": %.6f, \"min_ms\": %.6f, \"samples\": %d, "
         "\"calls_per_sample\": %ld, \"workspace_bytes\": %zu}\n",
         times[taken / 2] * 1e3, times[0] * 1e3, taken, calls, workspaceSize);

  free(times);
  for (int i = 0; i < MODEL_NUM_INPUTS; ++i)
    free(inputs[i]);
  for (int i = 0; i < MODEL_NUM_OUTPUTS; ++i)
    free(outputs[i]);
  free(workspace);
  return 0;
}
