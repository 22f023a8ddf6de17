/*===- harness.c - Runs a qcc-compiled model on tensor files ---------------===*
 *
 * Usage: model.exe in_0.bin ... in_N.bin -- out_0.bin ... out_M.bin
 *
 * Generic over models: it knows a model only through the header qcc writes
 * for `--name=model`, force-included with `-include model.h`, and calls only
 * the packed entry point. Tensor files are raw little-endian buffers whose
 * sizes must match MODEL_INPUT_SIZES / MODEL_OUTPUT_SIZES exactly.
 *
 * Buffers are aligned to MODEL_WORKSPACE_ALIGNMENT. Output buffers and the
 * workspace are filled with 0xFF bytes (NaN as float) before the run, so an
 * output element the model never writes, or a workspace read before it is
 * written, shows up as a mismatch instead of a lucky zero. Inputs are passed
 * as const and checked to be unchanged after the run.
 *
 *===----------------------------------------------------------------------===*/

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MODEL_NUM_INPUTS
#error "compile with -include <model header> (qcc --name=model)"
#endif

static const size_t inputSizes[] = MODEL_INPUT_SIZES;
static const size_t outputSizes[] = MODEL_OUTPUT_SIZES;

/* aligned_alloc needs a size that is a multiple of the alignment, and a
 * non-zero size so that every buffer has a distinct, valid address. */
static void *allocAligned(size_t size) {
  size_t align = MODEL_WORKSPACE_ALIGNMENT;
  size_t rounded = (size + align - 1) / align * align;
  void *p = aligned_alloc(align, rounded ? rounded : align);
  if (!p) {
    fprintf(stderr, "error: out of memory (%zu bytes)\n", size);
    exit(1);
  }
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

static void writeTensor(const char *path, const void *data, size_t size) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
    perror(path);
    exit(1);
  }
}

int main(int argc, char **argv) {
  if (argc != MODEL_NUM_INPUTS + MODEL_NUM_OUTPUTS + 2 ||
      strcmp(argv[MODEL_NUM_INPUTS + 1], "--") != 0) {
    fprintf(stderr, "usage: %s <%d input files> -- <%d output files>\n",
            argv[0], MODEL_NUM_INPUTS, MODEL_NUM_OUTPUTS);
    return 2;
  }
  const char *const *inputPaths = (const char *const *)argv + 1;
  const char *const *outputPaths =
      (const char *const *)argv + MODEL_NUM_INPUTS + 2;

  void *inputs[MODEL_NUM_INPUTS];
  void *inputCopies[MODEL_NUM_INPUTS];
  for (int i = 0; i < MODEL_NUM_INPUTS; ++i) {
    inputs[i] = allocAligned(inputSizes[i]);
    readTensor(inputPaths[i], inputs[i], inputSizes[i]);
    inputCopies[i] = allocAligned(inputSizes[i]);
    memcpy(inputCopies[i], inputs[i], inputSizes[i]);
  }
  void *outputs[MODEL_NUM_OUTPUTS];
  for (int i = 0; i < MODEL_NUM_OUTPUTS; ++i) {
    outputs[i] = allocAligned(outputSizes[i]);
    memset(outputs[i], 0xFF, outputSizes[i]);
  }
  size_t workspaceSize = MODEL_WORKSPACE_SIZE;
  void *workspace = allocAligned(workspaceSize);
  memset(workspace, 0xFF, workspaceSize);

  model_run_packed((const void *const *)inputs, (void *const *)outputs,
                   workspace);

  int status = 0;
  for (int i = 0; i < MODEL_NUM_INPUTS; ++i) {
    if (memcmp(inputs[i], inputCopies[i], inputSizes[i]) != 0) {
      fprintf(stderr, "error: the model modified input %d\n", i);
      status = 1;
    }
  }
  for (int i = 0; i < MODEL_NUM_OUTPUTS; ++i)
    writeTensor(outputPaths[i], outputs[i], outputSizes[i]);

  for (int i = 0; i < MODEL_NUM_INPUTS; ++i) {
    free(inputs[i]);
    free(inputCopies[i]);
  }
  for (int i = 0; i < MODEL_NUM_OUTPUTS; ++i)
    free(outputs[i]);
  free(workspace);
  return status;
}
